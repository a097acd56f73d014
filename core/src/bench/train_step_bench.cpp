#include "eqnet/bench.h"
#include "eqnet/timing.h"

#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "train/sandwich_trainer.h"

#include <algorithm>
#include <chrono>

namespace eqnet {

namespace {

template <typename Fn>
double medianMs(Fn&& fn, double minSeconds, bool cuda) {
    std::vector<double> ms;
    const auto start = std::chrono::steady_clock::now();
    for (int it = 0;; ++it) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        if (cuda) torch::cuda::synchronize();
        const double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (it >= 2) ms.push_back(t);
        if (ms.size() >= 5 && secondsSince(start) >= minSeconds)
            break;
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

} // namespace

TrainStepBench benchTrainStep(const std::string& model, const std::string& device, int64_t batchSize,
                              int subnets, double minSeconds) {
    // Synthetic images of the model's geometry: the step's cost does not depend on the pixels.
    const ModelSpec spec = defaultModelSpec(model);
    Dataset data;
    data.name = "synthetic";
    data.train = makeSynthetic(std::max<int64_t>(batchSize, 256), spec.inChannels, spec.imageSize, spec.imageSize,
                               spec.numClasses, 1);
    channelStats(data.train, data.mean, data.std);
    Supernet net(spec, device, 0);
    net.calibrate(data, 256);
    auto& n = net.impl();
    n.model->train();
    std::vector<int64_t> idx;
    for (int64_t i = 0; i < batchSize; ++i) idx.push_back(i);
    const auto x = imagesTensor(data.train, idx, Normalization{data.mean, data.std}, n.device);
    const auto y = labelsTensor(data.train, idx, n.device);
    TrainConfig cfg;
    cfg.subnetsPerStep = subnets;
    auto params = n.model->parameters();
    torch::optim::Adam optim(params, torch::optim::AdamOptions(1e-3));
    const bool cuda = n.device.is_cuda();
    int64_t step = 0;
    TrainStepBench b;
    b.subnets = subnets;
    b.batchSize = batchSize;
    b.supernetMs = medianMs([&] {
        train::clearGradients(params);
        train::sandwichStep(n, x, y, cfg, step++);
        train::applyUpdate(optim, params, cfg.gradClip, n);
    }, minSeconds, cuda);
    b.fpMs = medianMs([&] {
        for (int k = 0; k < 3; ++k) {
            train::clearGradients(params);
            train::fpStep(n, x, y, cfg);
            train::applyUpdate(optim, params, cfg.gradClip, n);
        }
    }, minSeconds, cuda);
    b.ratio = b.supernetMs / b.fpMs;
    return b;
}

} // namespace eqnet
