#pragma once
// The elastic quantizer of ALGORITHM.md §2: one learnable slot (step, and for asymmetric
// settings an integer zero point) per bit-width 2..8 and per setting. The shared FP weights
// are common to every subnet; only the slot in use differs.
#include "eqnet/quant_types.h"
#include "quant/fake_quant.h"

#include <torch/torch.h>

namespace eqnet::quant {

inline int64_t slotIndex(int bits) { return bits - kMinBits; }

// Weights: per-channel [C_out x 7] and per-tensor [7] slots, each symmetric and asymmetric.
class WeightQuantizerImpl : public torch::nn::Module {
public:
    explicit WeightQuantizerImpl(int64_t outChannels);
    torch::Tensor forward(const torch::Tensor& w, int bits, Granularity g, bool symmetric);
    // The (step, zero point) a setting uses: [C] tensors per-channel, 0-dim per-tensor; an
    // undefined zero point for symmetric settings.
    std::pair<torch::Tensor, torch::Tensor> slot(int bits, Granularity g, bool symmetric) const;
    // Lp clipping search (§2) for every slot, from the FP weights.
    void calibrate(const torch::Tensor& w);

    torch::Tensor pcSymScale, pcAsymScale, pcAsymZero; // [C, 7]
    torch::Tensor ptSymScale, ptAsymScale, ptAsymZero; // [7]
};
TORCH_MODULE(WeightQuantizer);

// Activations: per-tensor only, symmetric [7] and asymmetric [7] slots. A non-negative input
// (after ReLU) uses the unsigned range.
class ActQuantizerImpl : public torch::nn::Module {
public:
    explicit ActQuantizerImpl(bool isUnsigned);
    torch::Tensor forward(const torch::Tensor& x, int bits, bool symmetric);
    std::pair<torch::Tensor, torch::Tensor> slot(int bits, bool symmetric) const;
    void calibrate(const torch::Tensor& sample);
    bool isUnsigned() const { return unsigned_; }

    torch::Tensor symScale, asymScale, asymZero; // [7]

private:
    bool unsigned_;
};
TORCH_MODULE(ActQuantizer);

} // namespace eqnet::quant
