#include "eqnet/bench.h"
#include "eqnet/timing.h"

#include "bench/bench_images.h"
#include "bench/peak_memory.h"
#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "train/sandwich_trainer.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>

namespace eqnet {

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// Times `fn` in milliseconds until `seconds` have passed (at least `minSamples` times), after one
// untimed call (warm-up: the allocator and oneDNN's kernels for this thread count).
template <typename Fn>
void sample(std::vector<double>& out, Fn&& fn, double seconds, int minSamples, bool cuda) {
    fn();
    if (cuda) torch::cuda::synchronize();
    const auto start = SteadyClock::now();
    for (int it = 0; it < minSamples || secondsSince(start) < seconds; ++it) {
        const auto t0 = SteadyClock::now();
        fn();
        if (cuda) torch::cuda::synchronize();
        out.push_back(1000.0 * secondsSince(t0));
    }
}

} // namespace

TrainStepBench benchTrainStep(const std::string& model, const std::string& device, int64_t batchSize,
                              int subnets, double minSeconds, int rounds) {
    const ModelSpec spec = defaultModelSpec(model);
    Dataset data;
    data.name = "synthetic";
    data.train = bench::benchImages(spec, std::max<int64_t>(batchSize, 256), 1);
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
    const auto supernetStep = [&] {
        train::clearGradients(params);
        train::sandwichStep(n, x, y, cfg, step++);
        train::applyUpdate(optim, params, cfg.gradClip, n);
    };
    const auto fpSteps = [&] {
        for (int k = 0; k < 3; ++k) {
            train::clearGradients(params);
            train::fpStep(n, x, y, cfg);
            train::applyUpdate(optim, params, cfg.gradClip, n);
        }
    };
    TrainStepBench b;
    b.subnets = subnets;
    b.batchSize = batchSize;
    b.threads = at::get_num_threads();
    // Memory first, in the order FP, supernet: the peak only grows, so the supernet's figure
    // is the larger of the two steps' peaks. The first call of each also warms up.
    // Without a reset the FP figure would include calibration's peak: then none is reported.
    if (bench::resetPeakRss()) {
        b.setupMegabytes = bench::rssMegabytes();
        fpSteps();
        b.fpPeakMegabytes = bench::peakRssMegabytes();
        supernetStep();
        b.supernetPeakMegabytes = bench::peakRssMegabytes();
    }
    // The machine is shared: the settings take turns in rounds, so a busy spell slows both.
    const int kRounds = std::max(1, rounds);
    const double perRound = minSeconds / kRounds;
    std::vector<double> one, all, fpOne, fp;
    for (int r = 0; r < kRounds; ++r) {
        if (!cuda && b.threads > 1) {
            at::set_num_threads(1);
            sample(one, supernetStep, perRound, 2, cuda);
            sample(fpOne, fpSteps, perRound, 2, cuda);
            at::set_num_threads(b.threads);
        }
        sample(all, supernetStep, perRound, 2, cuda);
        sample(fp, fpSteps, perRound, 2, cuda);
    }
    b.supernetMs = median(all);
    b.supernetOneThreadMs = one.empty() ? b.supernetMs : median(one);
    b.fpMs = median(fp);
    b.fpOneThreadMs = fpOne.empty() ? b.fpMs : median(fpOne);
    b.fpThreadScaling = b.fpOneThreadMs / b.fpMs;
    b.ratio = b.supernetMs / b.fpMs;
    b.threadScaling = b.supernetOneThreadMs / b.supernetMs;
    return b;
}

} // namespace eqnet
