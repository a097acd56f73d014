#include "eqnet/bench.h"
#include "eqnet/timing.h"

#include "bench/bench_images.h"
#include "engine/supernet_impl.h"
#include "pipeline/trained_run.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace eqnet {

namespace {

// The same network twice: from a run's checkpoint (its trained weights and data), or freshly
// initialised with the same seed on synthetic images of the model's geometry.
struct BenchNets {
    Dataset data;
    std::optional<Supernet> a, b;
};

BenchNets benchNets(const std::string& model, const std::string& run, const std::string& device) {
    BenchNets n;
    if (!run.empty()) {
        TrainedRun r = openTrainedRun(run, device);
        n.data = loadDataset(r.config.data);
        n.a.emplace(std::move(r.net));
        n.b.emplace(openTrainedRun(run, device).net);
        return n;
    }
    const ModelSpec spec = defaultModelSpec(model);
    n.data.name = "synthetic";
    n.data.train = bench::benchImages(spec, 1024, 1);
    channelStats(n.data.train, n.data.mean, n.data.std);
    n.a.emplace(spec, device, 0);
    n.b.emplace(spec, device, 0);
    return n;
}

} // namespace

CalibrationBench benchCalibration(const std::string& model, const std::string& run, const std::string& device,
                                  int64_t images) {
    BenchNets nets = benchNets(model, run, device);
    CalibrationBench b;
    b.model = nets.a->spec().name;
    b.images = images;
    b.threads = at::get_num_threads();
    auto& ref = nets.a->impl();
    auto& fused = nets.b->impl();
    b.layers = int(ref.qlayers.size());
    const auto t0 = SteadyClock::now();
    calibrateSupernet(fused, nets.data, images, {}, {}, CalibrationMethod::Fast);
    b.fusedSeconds = secondsSince(t0);
    const auto t1 = SteadyClock::now();
    calibrateSupernet(ref, nets.data, images, {}, {}, CalibrationMethod::Reference);
    b.referenceSeconds = secondsSince(t1);
    b.speedup = b.referenceSeconds / b.fusedSeconds;
    // Every slot (bit-width of a setting of a layer; per-channel: every channel) compared.
    for (size_t l = 0; l < ref.qlayers.size(); ++l) {
        const auto banksA = ref.qlayers[l].second->slotBanks();
        const auto banksB = fused.qlayers[l].second->slotBanks();
        for (size_t k = 0; k < banksA.size(); ++k)
            for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
                const auto sa = banksA[k]->logStepParam(bits).detach().exp().to(torch::kCPU, torch::kDouble).reshape({-1});
                const auto sb = banksB[k]->logStepParam(bits).detach().exp().to(torch::kCPU, torch::kDouble).reshape({-1});
                for (int64_t c = 0; c < sa.numel(); ++c) {
                    const double va = sa[c].item<double>(), vb = sb[c].item<double>();
                    const double rel = std::fabs(vb - va) / std::max(std::fabs(va), 1e-30);
                    ++b.steps;
                    if (rel > 1e-6) ++b.differingSteps;
                    if (rel > b.maxRelativeStepDifference) {
                        b.maxRelativeStepDifference = rel;
                        b.worstStep = ref.qlayers[l].first + ", " + banksA[k]->location(bits, c);
                    }
                }
            }
    }
    return b;
}

} // namespace eqnet
