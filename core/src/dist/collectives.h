#pragma once
// The collectives of a RankGroup on tensors (implemented with c10d in rank_group.cpp). Each is
// collective: every rank calls it with tensors of the same shapes, in the same order.
#include "eqnet/distributed.h"

#include <torch/torch.h>

#include <vector>

namespace eqnet::dist {

// Sums each tensor element-wise over the ranks, in place; the tensors are sent together (one
// operation each, all in flight at once).
void allReduceSum(RankGroup& g, std::vector<torch::Tensor>& tensors);
// Every rank's tensors become rank 0's, in place.
void broadcastFromRankZero(RankGroup& g, std::vector<torch::Tensor>& tensors);

} // namespace eqnet::dist
