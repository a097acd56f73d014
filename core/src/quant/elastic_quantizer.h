#pragma once
// The elastic quantizer of docs/method.md §2: one learnable slot (step, and for asymmetric
// settings an integer zero point) per bit-width 2..8 and per setting. The shared FP weights
// are common to every subnet; only the slot in use differs.
//
// How a slot stays valid at every training step (docs/method.md §2, "Quantizer slots"):
// - The step is stored as its logarithm, s = exp(log_step): positive for any value an
//   optimizer can produce. It also makes Adam's update relative to the step's size (about lr
//   in log space, i.e. 0.1 % of s), where a raw step of 0.005 would move by about its own
//   size in one update at lr 1e-3, and could cross zero.
// - The zero point is a real latent z whose integer value round(z) is used everywhere
//   (forward, export). constrain() keeps z inside [n, p] after every optimizer step, so the
//   integer zero point is always a valid level and the latent never rests where its
//   gradient is zero.
// - Each bit-width's slot is a parameter of its own (not a column of a shared tensor): a
//   step that does not use a slot leaves its gradient undefined, and Adam then neither moves
//   it nor decays its moments, exactly as in PyTorch with set_to_none gradients.
#include "eqnet/quant_types.h"
#include "quant/fake_quant.h"
#include "quant/lp_calibration.h"

#include <torch/torch.h>

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace eqnet::quant {

inline int64_t slotIndex(int bits) { return bits - kMinBits; }

// A problem with one slot of a quantizer (non-finite or non-positive step, zero point that
// is not a finite value inside the integer range).
struct SlotProblem {
    std::string slot;  // e.g. "weight per-channel asymmetric, 8-bit, channel 4"
    std::string fault; // e.g. "step -0.005787 is not positive"
};

// The slots of one setting (e.g. per-channel asymmetric weights): for every bit-width a
// log-step parameter and, when asymmetric, a zero-point parameter, registered on `owner` as
// "<prefix>_log_step_<b>" and "<prefix>_zero_<b>".
class SlotBank {
public:
    SlotBank() = default;
    SlotBank(torch::nn::Module& owner, const std::string& prefix, const std::string& description,
             const std::vector<int64_t>& shape, bool asymmetric, bool isUnsigned);

    bool asymmetric() const { return asym_; }
    const std::string& prefix() const { return prefix_; }
    QuantRange range(int bits) const { return quantRange(bits, unsigned_); }

    // The step exp(log_step) (differentiable) and the zero-point latent (undefined when
    // symmetric).
    torch::Tensor step(int bits) const { return logStep_[size_t(slotIndex(bits))].exp(); }
    torch::Tensor zero(int bits) const { return asym_ ? zero_[size_t(slotIndex(bits))] : torch::Tensor(); }
    // The parameters themselves (log step, zero latent), for copying slots between banks.
    const torch::Tensor& logStepParam(int bits) const { return logStep_[size_t(slotIndex(bits))]; }
    const torch::Tensor& zeroParam(int bits) const { return zero_[size_t(slotIndex(bits))]; }

    // Writes a slot (no gradient): step must be positive, zero (asymmetric) inside [n, p].
    void set(int bits, const torch::Tensor& step, const torch::Tensor& zero);
    // Projects the zero-point latents an optimizer step moved (those with a gradient) back into
    // [n, p] of their bit-width; the others cannot have left it.
    void constrain();
    // Every invalid slot, described for an error message.
    void check(std::vector<SlotProblem>& out) const;
    void checkBits(int bits, std::vector<SlotProblem>& out) const;
    bool valid(int bits) const;
    // "weight per-channel symmetric, 8-bit, channel 4" (no channel for a per-tensor slot).
    std::string location(int bits, int64_t channel) const;

private:
    std::string prefix_, description_;
    bool asym_ = false;
    bool unsigned_ = false;
    std::array<torch::Tensor, kNumBitSlots> logStep_, zero_;
};

// One clipping search of a calibration: the slot it is for, the tensor, and what it found.
struct SlotSearch {
    SlotBank* bank;
    torch::Tensor x;
    int bits;
    QuantRange range;
    bool symmetric, perChannel;
    ClipChoice choice;
    // A second slot that gets the same choice: an unsigned range over non-negative values gives
    // the asymmetric setting exactly the symmetric one's candidates (lower bound 0, zero point 0).
    SlotBank* sameChoice = nullptr;
};

// Runs the searches on LibTorch's threads (each search single-threaded, the next one taken by
// whichever thread is free), then stores every choice in its slot. `onDone` is called on the
// calling thread after each of its searches, with the count done so far; when `stopped`
// returns true there, the rest is skipped, no slot is changed, and the result is false.
bool runClipSearches(std::vector<SlotSearch>& todo, ClipSearch search, const std::function<bool()>& stopped,
                     const std::function<void(const SlotSearch&, size_t done)>& onDone);

// Weights: per-channel [C_out] and per-tensor (0-dim) slots, each symmetric and asymmetric.
class WeightQuantizerImpl : public torch::nn::Module {
public:
    explicit WeightQuantizerImpl(int64_t outChannels);
    torch::Tensor forward(const torch::Tensor& w, int bits, Granularity g, bool symmetric);
    // The (step, zero-point latent) a setting uses: [C] tensors per-channel, 0-dim per-tensor;
    // an undefined zero point for symmetric settings.
    std::pair<torch::Tensor, torch::Tensor> slot(int bits, Granularity g, bool symmetric) const;
    SlotBank& bank(Granularity g, bool symmetric);
    const SlotBank& bank(Granularity g, bool symmetric) const;
    // Lp clipping search (§2) for every slot, from the FP weights: the 28 searches, and all of
    // them run.
    std::vector<SlotSearch> clipSearches(const torch::Tensor& w);
    void calibrate(const torch::Tensor& w, ClipSearch search = searchClipRange);
    std::vector<SlotBank*> banks() { return {&pcSym_, &pcAsym_, &ptSym_, &ptAsym_}; }

private:
    SlotBank pcSym_, pcAsym_, ptSym_, ptAsym_;
};
TORCH_MODULE(WeightQuantizer);

// Activations: per-tensor only, symmetric and asymmetric slots. A non-negative input (after
// ReLU) uses the unsigned range.
class ActQuantizerImpl : public torch::nn::Module {
public:
    explicit ActQuantizerImpl(bool isUnsigned);
    torch::Tensor forward(const torch::Tensor& x, int bits, bool symmetric);
    std::pair<torch::Tensor, torch::Tensor> slot(int bits, bool symmetric) const;
    SlotBank& bank(bool symmetric) { return symmetric ? sym_ : asym_; }
    const SlotBank& bank(bool symmetric) const { return symmetric ? sym_ : asym_; }
    // The same for both activation slot banks (14 searches) from a sample of inputs.
    // shareUnsigned: one search for both settings of an unsigned range over non-negative values
    // (see SlotSearch::sameChoice); false searches every slot (the reference calibration).
    std::vector<SlotSearch> clipSearches(const torch::Tensor& sample, bool shareUnsigned = true);
    void calibrate(const torch::Tensor& sample, ClipSearch search = searchClipRange);
    std::vector<SlotBank*> banks() { return {&sym_, &asym_}; }
    bool isUnsigned() const { return unsigned_; }

private:
    bool unsigned_;
    SlotBank sym_, asym_;
};
TORCH_MODULE(ActQuantizer);

} // namespace eqnet::quant
