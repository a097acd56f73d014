#pragma once
// The quantization supernet (docs/method.md §1-§4, §7) behind a torch-free surface: build a
// model, list its quantized layers, calibrate the elastic quantizer, put it into any subnet,
// measure that subnet, save and load it. LibTorch stays inside core (pimpl).
#include "eqnet/data.h"
#include "eqnet/job.h"
#include "eqnet/model_spec.h"
#include "eqnet/quant_types.h"

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace eqnet {

// Compute settings of every command that computes: the device ("cpu", "cuda", "cuda:1") and
// the number of CPU threads (0 = defaultThreads()). Throws eqnet::Error when the device is
// not available in this build or on this machine.
struct RuntimeOptions {
    std::string device = "cpu";
    int threads = 0;
};
void applyRuntime(const RuntimeOptions& rt);
// The cores this process may use: its CPU affinity mask, capped by a cgroup v2 CPU quota.
int usableCores();
// Threads when --threads is 0: LibTorch's choice when OMP_NUM_THREADS or MKL_NUM_THREADS is set,
// else usableCores().
int defaultThreads();
// The threads a parallel loop of the engine's own kernels (fake quantization, calibration)
// runs on at the current thread setting: one loop, the distinct threads that took part.
// Below LibTorch's thread count when the build gets at::parallel_for wrong (compiled without
// the intra-op backend's flags, as happened: every engine kernel ran on one thread).
int engineKernelThreads();
bool cudaAvailable();
std::string libtorchVersion();

// §4: before a subnet is measured, batch-norm statistics are re-estimated for it on a fixed
// set of training images; then it is evaluated in eval mode.
struct EvalOptions {
    int64_t bnImages = 512;     // training images used to re-estimate BN statistics (0: keep)
    int64_t bnBatchSize = 128;
    int64_t batchSize = 128;    // eval batches: 128 keeps activations in cache (eqnet bench subnet-measure)
    int64_t maxImages = 0;      // 0: the whole split
    uint64_t bnSeed = 0;        // which training images re-estimate BN
    // BN estimates averaged per measurement (docs/method.md §4): repetition r re-estimates BN
    // on the images drawn with seed bnSeed * bnRepeats + r, so measurements with different
    // bnSeed share no estimate; accuracy and loss are the means over the repetitions. The
    // deployed model has one estimate: export and per-image results use bnRepeats = 1.
    int bnRepeats = 1;
};

// The protocol of the deployed model: one BN estimate, the first of those that `opt` averages,
// which is the one an export makes. Test-split measurements that a user will compare with an
// exported model (verification, export) and the export itself use it.
EvalOptions deployedEval(EvalOptions opt);

// The protocol in words, for reports: "BN re-estimated on 2048 training images" (and ", mean
// of 2 estimates" when bnRepeats > 1).
std::string describeBn(const EvalOptions& opt);

struct EvalResult {
    double accuracy = 0; // fraction correct, 0..1
    double loss = 0;     // mean cross-entropy
    int64_t images = 0;
    double seconds = 0;
    std::vector<uint8_t> correct; // per image of the split, in its order (1 = right): for paired
                                  // comparisons; empty when the accuracy averages several BN estimates
};

struct SubnetEvaluation {
    EvalResult validation;
    std::optional<EvalResult> test;
    double seconds = 0;
};

class Supernet {
public:
    Supernet(const ModelSpec& spec, const std::string& device = "cpu", uint64_t seed = 0);
    ~Supernet();
    Supernet(Supernet&&) noexcept;
    Supernet& operator=(Supernet&&) noexcept;

    const ModelSpec& spec() const;
    const std::vector<LayerInfo>& layers() const;
    int numLayers() const { return int(layers().size()); }
    std::string device() const;

    // Throws eqnet::Error naming the layer and the allowed values when cfg does not fit.
    void validate(const SubnetConfig& cfg) const;
    void setSubnet(const SubnetConfig& cfg);
    void setFullPrecision();
    bool isFullPrecision() const;

    SubnetConfig largest(const QuantForm& form) const;  // all 8-bit
    SubnetConfig smallest(const QuantForm& form) const; // all 2-bit but the fixed layers
    SubnetConfig uniform(int wBits, int aBits, const QuantForm& form) const;
    SubnetConfig random(std::mt19937_64& rng, const QuantForm& form) const;

    // §2: Lp clipping search for every slot, from `images` training images. Returns false when
    // `stop` ended it early: the slots are then partly searched and calibrated() stays false
    // (a later call searches every slot again).
    bool calibrate(const Dataset& data, int64_t images = 256, const ProgressFn& progress = {},
                   const StopToken& stop = {});
    bool calibrated() const;
    // The same calibration, replacing only the slots (one bit-width of one setting of one
    // layer) that are invalid, or every slot when `all`; returns how many were replaced.
    int recalibrate(const Dataset& data, int64_t images = 256, bool all = false,
                    const ProgressFn& progress = {});
    // Every invalid quantizer slot, named by layer, setting, bit-width and channel.
    std::vector<std::string> invalidSlots() const;

    // Measures the current subnet on `split` (BN re-estimated on data.train first, then put
    // back as it was, so measuring never changes the supernet).
    EvalResult evaluate(const Dataset& data, const ImageSet& split, const EvalOptions& opt = {});
    // The current subnet measured as verification measures it: data.val under `opt` and, when
    // `test`, data.test under deployedEval(opt). Identical to two evaluate() calls, but the
    // test split reuses the validation's first BN estimate (the same training images, so the
    // same statistics) instead of estimating it again.
    SubnetEvaluation evaluateSubnet(const Dataset& data, const EvalOptions& opt, bool test);

    // Atomic save (temporary file + rename); load throws eqnet::Error naming the file when it
    // is truncated, foreign or made for another model.
    void save(const std::string& path) const;
    // A checkpoint whose quantizer slots are invalid (a step that is not positive, a zero
    // point outside its range) is refused, naming the slots and the way out; one from an
    // older build (format v1) is converted. loadForRepair() loads it anyway and lists them.
    static Supernet load(const std::string& path, const std::string& device = "cpu");
    static Supernet loadForRepair(const std::string& path, const std::string& device,
                                  std::vector<std::string>& invalidSlots);

    struct Impl;
    Impl& impl();
    const Impl& impl() const;

private:
    std::unique_ptr<Impl> d_;
};

} // namespace eqnet
