#pragma once
// Batch norm over the whole (global) batch of a data-parallel step (docs/distributed.md): the
// batch statistics are summed over the ranks in the forward pass, and the two sums the input's
// gradient needs in the backward pass, so that N ranks with batch B compute what one process
// with batch N*B computes, running statistics included.
#include "eqnet/distributed.h"

#include <torch/torch.h>

namespace eqnet::dist {

// Training-mode batch norm of x [N, C, H, W] through `bn`'s weight, bias and running
// statistics, with the statistics of every rank's batch (their sizes may differ).
torch::Tensor syncBatchNorm(RankGroup& g, torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x);

} // namespace eqnet::dist
