#pragma once
// The gradient all-reduce of a data-parallel step (docs/distributed.md): after a step's
// backward passes, every rank's gradients are summed in buckets and divided by the number of
// ranks, so that each rank holds the gradient of the mean loss over the whole (global) batch.
#include "eqnet/distributed.h"

#include <torch/torch.h>

#include <vector>

namespace eqnet::dist {

// Gradients are packed into flat buckets of at most this many bytes (one all-reduce each, all
// in flight together), as PyTorch's DistributedDataParallel does (25 MiB).
constexpr int64_t kGradientBucketBytes = 25ll << 20;

struct GradientSyncResult {
    bool stop = false;      // some rank asked to stop: every rank stops after this step
    int64_t bytes = 0;      // bytes this rank sent into the all-reduce (gradients and flags)
    int buckets = 0;
};

// Averages the defined gradients of `params` over the ranks, in place. Parameters without a
// gradient (slots the step did not use) are left without one: every rank draws the same
// subnets, so every rank has the same set; the function checks that and throws eqnet::Error
// when the ranks disagree. `stopRequested` is this rank's wish to stop, agreed in the same
// operation: the result's stop is true on every rank when it is true on any.
// `values` (this rank's losses of the step, say) are averaged over the ranks in the same
// operation: with equal slices of the batch, the mean of the ranks' means is the whole batch's.
GradientSyncResult averageGradients(RankGroup& g, const std::vector<torch::Tensor>& params, bool stopRequested,
                                    std::vector<double>* values = nullptr,
                                    int64_t bucketBytes = kGradientBucketBytes);

// True on every rank when `mine` is true on any (a stop, a failure to agree on).
bool anyRank(RankGroup& g, bool mine);

// Every rank's parameters and buffers become rank 0's (after a load, a calibration).
void broadcastModuleState(RankGroup& g, torch::nn::Module& module);

// Throws eqnet::Error unless every rank passed the same values (positions, counts): a rank that
// read another checkpoint, or another run, would otherwise train apart from the rest. `what`
// names the values in the message.
void checkSameOnAllRanks(RankGroup& g, const std::vector<int64_t>& values, const std::string& what);

} // namespace eqnet::dist
