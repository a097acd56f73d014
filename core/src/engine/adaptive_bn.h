#pragma once
// docs/method.md §4: batch-norm statistics are shared by every subnet and fit none of them well,
// so before a subnet is measured they are re-estimated for it: reset, then a cumulative
// average over forward passes in train mode (no gradient) on a fixed set of training images.
#include "engine/batches.h"
#include "models/models.h"

#include <torch/torch.h>

namespace eqnet {

// The BN buffers of a model, to put back after a measurement.
struct BatchNormSnapshot {
    std::vector<std::vector<torch::Tensor>> buffers;
};
BatchNormSnapshot saveBatchNorm(models::QuantModelImpl& model);
void restoreBatchNorm(models::QuantModelImpl& model, const BatchNormSnapshot& snap);

void reestimateBatchNorm(models::QuantModelImpl& model, const ImageSet& train,
                         const Normalization& norm, int64_t images, int64_t batchSize,
                         uint64_t seed, const torch::Device& device);

} // namespace eqnet
