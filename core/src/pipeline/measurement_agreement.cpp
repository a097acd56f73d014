#include "eqnet/measurement_agreement.h"

#include "eqnet/cqap.h"
#include "eqnet/error.h"
#include "eqnet/measurement_pool.h"
#include "eqnet/timing.h"
#include "pipeline/trained_run.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

namespace eqnet {

namespace fs = std::filesystem;

MeasurementAgreement measureAgreement(const std::string& runDir, const MeasurementAgreementOptions& opt,
                                      const ProgressFn& progress, const StopToken& stop) {
    if (opt.bnSeeds.size() < 2) throw Error("measurement agreement: give at least two BN seeds");
    if (opt.perForm < 2) throw Error("measurement agreement: at least 2 subnets per form");
    const auto t0 = std::chrono::steady_clock::now();
    TrainedRun run = openTrainedRun(runDir, opt.device);
    if (!run.net.calibrated()) throw Error(run.checkpoint + ": the supernet is not calibrated; finish training first");
    const Dataset data = loadDataset(run.config.data);
    const std::string ckpt = run.checkpoint, device = opt.device;

    MeasurementPool pool(run.net, [&ckpt, device] { return Supernet::load(ckpt, device); }, opt.workers);
    MeasurementAgreement out;
    std::vector<std::map<std::pair<int, int64_t>, double>> byKey;
    for (uint64_t seed : opt.bnSeeds) {
        CqapSamplingOptions so;
        so.perForm = opt.perForm;
        so.seed = opt.sampleSeed;
        so.eval = opt.eval;
        so.eval.bnSeed = seed;
        const std::string file = (fs::path(runDir) / "bench" /
                                  ("measurement-bn" + std::to_string(opt.eval.bnImages) +
                                   (opt.eval.bnRepeats > 1 ? "x" + std::to_string(opt.eval.bnRepeats) : "") + "-seed" +
                                   std::to_string(seed) + ".jsonl")).string();
        const auto r = sampleCqap(pool, data, file, run.checkpointId, so, progress, stop);
        if (!r.finished) return out;
        std::map<std::pair<int, int64_t>, double> m;
        for (const auto& s : r.samples)
            if (s.index < opt.perForm) m[{formIndex(s.config.form), s.index}] = s.accuracy;
        byKey.push_back(std::move(m));
    }
    // The subnets every repetition measured, in a fixed order.
    std::vector<std::pair<int, int64_t>> keys;
    for (const auto& [k, v] : byKey.front()) {
        bool all = true;
        for (const auto& m : byKey) all = all && m.count(k);
        if (all) keys.push_back(k);
    }
    out.subnets = int64_t(keys.size());
    for (const auto& m : byKey) {
        std::vector<double> acc;
        for (const auto& k : keys) acc.push_back(m.at(k));
        out.accuracy.push_back(std::move(acc));
    }
    for (size_t a = 0; a < out.accuracy.size(); ++a)
        for (size_t b = a + 1; b < out.accuracy.size(); ++b) {
            MeasurementPair p;
            p.seedA = opt.bnSeeds[a];
            p.seedB = opt.bnSeeds[b];
            p.kendallTau = kendallTau(out.accuracy[a], out.accuracy[b]);
            double mean = 0, sq = 0, abs = 0;
            const auto n = double(keys.size());
            for (size_t i = 0; i < keys.size(); ++i) mean += (out.accuracy[a][i] - out.accuracy[b][i]) / n;
            for (size_t i = 0; i < keys.size(); ++i) {
                const double d = out.accuracy[a][i] - out.accuracy[b][i];
                sq += (d - mean) * (d - mean);
                abs += std::fabs(d);
            }
            p.noisePp = 100.0 * std::sqrt(sq / std::max(1.0, n - 1)) / std::sqrt(2.0);
            p.meanAbsDiffPp = 100.0 * abs / n;
            out.pairs.push_back(p);
        }
    double mean = 0, sq = 0;
    const auto& first = out.accuracy.front();
    for (double v : first) mean += v / double(first.size());
    for (double v : first) sq += (v - mean) * (v - mean);
    out.spreadPp = 100.0 * std::sqrt(sq / std::max<double>(1.0, double(first.size()) - 1));
    out.seconds = secondsSince(t0);
    out.finished = true;
    return out;
}

} // namespace eqnet
