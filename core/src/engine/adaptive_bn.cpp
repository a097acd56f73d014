#include "engine/adaptive_bn.h"

namespace eqnet {

BatchNormSnapshot saveBatchNorm(models::QuantModelImpl& model) {
    BatchNormSnapshot s;
    for (const auto& bn : model.batchNorms())
        s.buffers.push_back({bn->running_mean.clone(), bn->running_var.clone(),
                             bn->num_batches_tracked.clone()});
    return s;
}

void restoreBatchNorm(models::QuantModelImpl& model, const BatchNormSnapshot& snap) {
    torch::NoGradGuard ng;
    const auto bns = model.batchNorms();
    for (size_t i = 0; i < bns.size() && i < snap.buffers.size(); ++i) {
        bns[i]->running_mean.copy_(snap.buffers[i][0]);
        bns[i]->running_var.copy_(snap.buffers[i][1]);
        bns[i]->num_batches_tracked.copy_(snap.buffers[i][2]);
    }
}

void reestimateBatchNorm(models::QuantModelImpl& model, const ImageSet& train,
                         const Normalization& norm, int64_t images, int64_t batchSize,
                         uint64_t seed, const torch::Device& device) {
    if (images <= 0 || train.size() == 0) return;
    torch::NoGradGuard ng;
    const bool wasTraining = model.is_training();
    const auto bns = model.batchNorms();
    std::vector<c10::optional<double>> momenta;
    for (const auto& bn : bns) {
        momenta.push_back(bn->options.momentum());
        bn->reset_running_stats();
        bn->options.momentum(c10::nullopt); // cumulative moving average over the batches
    }
    model.train();
    const auto perm = seededPermutation(train.size(), seed);
    const int64_t n = std::min<int64_t>(images, train.size());
    for (int64_t b = 0; b < n; b += batchSize) {
        std::vector<int64_t> idx(perm.begin() + b, perm.begin() + std::min(n, b + batchSize));
        model.forward(imagesTensor(train, idx, norm, device));
    }
    for (size_t i = 0; i < bns.size(); ++i) bns[i]->options.momentum(momenta[i]);
    model.train(wasTraining);
}

} // namespace eqnet
