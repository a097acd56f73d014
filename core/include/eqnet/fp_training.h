#pragma once
// Stage 1 of docs/method.md §3: the full-precision network the supernet starts from, and the
// post-training-quantization baseline measured on it (uniform W8A8..W2A2 subnets).
#include "eqnet/job.h"
#include "eqnet/supernet.h"

#include <vector>

namespace eqnet {

struct FpTrainOptions {
    int epochs = 2;
    int64_t batchSize = 128;
    double lr = 1e-3;            // §3: Adam, cosine decay to 0
    double weightDecay = 0.0;    // §3
    double labelSmoothing = 0.1; // §3
    double gradClip = 1.0;       // §3: clip by value
    uint64_t seed = 0;
};

struct FpTrainResult {
    int64_t steps = 0;
    double finalLoss = 0;
    double seconds = 0;
    bool stopped = false;
};

// Trains the shared FP weights (quantization off). Progress: stage "fp-train", values
// "loss", "lr", "images_per_s", per step.
FpTrainResult trainFullPrecision(Supernet& net, const Dataset& data, const FpTrainOptions& opt,
                                 const ProgressFn& progress = {}, const StopToken& stop = {});

struct UniformResult {
    QuantForm form;
    int bits = 8; // W=A bits of the searchable layers
    EvalResult result;
};

// Measures every uniform W=A subnet for the given bit-widths and forms on `split`.
std::vector<UniformResult> measureUniformSubnets(Supernet& net, const Dataset& data,
                                                 const ImageSet& split,
                                                 const std::vector<QuantForm>& forms,
                                                 const std::vector<int>& bits,
                                                 const EvalOptions& eval = {},
                                                 const ProgressFn& progress = {},
                                                 const StopToken& stop = {});

} // namespace eqnet
