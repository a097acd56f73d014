// CQAP data (docs/method.md §5): subnets of every form spread over the whole bit-width range,
// each measured as in §4 and appended to the run's samples file the moment it is measured.
#include "eqnet/cqap.h"

#include "common/random.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/measurement_pool.h"
#include "eqnet/timing.h"
#include "io/json_fields.h"
#include "io/subnet_bits_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

namespace eqnet {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Uniform in [0, 1) (the mapping is ours, so it is the same everywhere).
double unit(std::mt19937_64& rng) { return unitFromBits(rng()); }

// Half-width of the spread of a sample's bits around its centre: wide enough that layers
// differ (mixed precision), narrow enough that the average follows the centre.
constexpr double kSpread = 1.5;
// The centres are 2 + 6 u^k with u uniform: k = 1 spreads them evenly over 2..8 (sampler 1);
// k = 2 (sampler 2, the default) still covers the whole range but puts 41% of the centres
// below 3 bits and 71% below 5. Measured on Fashion-MNIST (docs/results.md), accuracy hardly
// moves above 5 bits, where subnets differ by less than the measurement noise; samples spent
// where accuracy changes teach the predictor more.
constexpr int kSamplerVersion = 2;
constexpr double kCentreExponent = 2.0;

int drawBits(std::mt19937_64& rng, double centre) {
    const double v = centre + (2.0 * unit(rng) - 1.0) * kSpread;
    return std::clamp(int(std::lround(v)), kMinBits, kMaxBits);
}

json sampleLine(const CqapSample& s, const std::string& checkpointId, uint64_t seed, const EvalOptions& eval) {
    json j = {{"checkpoint", checkpointId}, {"sampler", kSamplerVersion}, {"seed", seed}};
    jsonio::putSubnetBits(j, s.config);
    j.update(json{{"index", s.index},    {"accuracy", s.accuracy},     {"loss", s.loss},
                  {"seconds", s.seconds}, {"bn_images", eval.bnImages}, {"bn_repeats", eval.bnRepeats}});
    return j;
}

} // namespace

SubnetConfig cqapSampleConfig(const std::vector<LayerInfo>& layers, const QuantForm& form, uint64_t seed,
                              int64_t index) {
    std::mt19937_64 rng(splitmix64(splitmix64(seed) ^ splitmix64(uint64_t(formIndex(form)) * 0x100000001ull +
                                                           uint64_t(index))));
    const double cw = kMinBits + std::pow(unit(rng), kCentreExponent) * (kMaxBits - kMinBits);
    const double ca = kMinBits + std::pow(unit(rng), kCentreExponent) * (kMaxBits - kMinBits);
    SubnetConfig cfg;
    cfg.form = form;
    for (const auto& l : layers) {
        if (l.fixedBits) {
            cfg.layers.push_back({kFixedLayerBits, kFixedLayerBits});
            continue;
        }
        const int w = drawBits(rng, cw);
        const int a = drawBits(rng, ca);
        cfg.layers.push_back({w, a});
    }
    return cfg;
}

namespace {
struct FileSample {
    CqapSample sample;
    uint64_t seed = 0;
    int sampler = 1; // lines written before the field existed came from sampler 1
    // The measurement protocol; lines written before the fields existed say nothing (-1).
    int64_t bnImages = -1;
    int bnRepeats = -1;
};

std::vector<FileSample> readLines(const std::string& path, const std::vector<LayerInfo>& layers,
                                  const std::string& checkpointId, int* skipped) {
    std::vector<FileSample> out;
    int bad = 0;
    std::ifstream in(path);
    if (!in) {
        if (skipped) *skipped = 0;
        return out;
    }
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const json j = jsonio::parseRecord(line);
        if (j.is_discarded() || !j.is_object()) {
            ++bad;
            continue;
        }
        try {
            if (!checkpointId.empty() && jsonio::need<std::string>(j, "checkpoint", "", path) != checkpointId) continue;
            FileSample fsmp;
            fsmp.sampler = jsonio::optional<int>(j, "sampler", 1, "", path);
            fsmp.seed = jsonio::need<uint64_t>(j, "seed", "", path);
            fsmp.bnImages = jsonio::optional<int64_t>(j, "bn_images", -1, "", path);
            fsmp.bnRepeats = jsonio::optional<int>(j, "bn_repeats", -1, "", path);
            CqapSample& s = fsmp.sample;
            s.config = jsonio::subnetBits(j, layers.size(), "line", path); // a damaged line throws: counted below
            s.accuracy = jsonio::need<double>(j, "accuracy", "", path);
            s.loss = jsonio::optional<double>(j, "loss", 0.0, "", path);
            s.seconds = jsonio::optional<double>(j, "seconds", 0.0, "", path);
            s.index = jsonio::need<int64_t>(j, "index", "", path);
            if (!(s.accuracy >= 0.0 && s.accuracy <= 1.0)) {
                ++bad;
                continue;
            }
            out.push_back(std::move(fsmp));
        } catch (const std::exception&) {
            ++bad;
        }
    }
    if (skipped) *skipped = bad;
    return out;
}
} // namespace

std::vector<CqapSample> readCqapSamples(const std::string& path, const std::vector<LayerInfo>& layers,
                                        const std::string& checkpointId, int* skipped) {
    std::vector<CqapSample> out;
    for (auto& f : readLines(path, layers, checkpointId, skipped)) out.push_back(std::move(f.sample));
    return out;
}

CqapSamplingOutcome sampleCqap(MeasurementPool& pool, const Dataset& data, const std::string& samplesPath,
                               const std::string& checkpointId, const CqapSamplingOptions& opt,
                               const ProgressFn& progress, const StopToken& stop) {
    Supernet& net = pool.primary();
    if (opt.perForm < 0) throw Error("CQAP: the number of samples per form must not be negative");
    if (opt.forms.empty()) throw Error("CQAP: no form to sample");
    if (!net.calibrated()) throw Error("CQAP: the supernet is not calibrated (train it first)");
    if (data.val.size() == 0) throw Error("CQAP: the data set has no validation split to measure subnets on");
    const auto t0 = std::chrono::steady_clock::now();
    const auto& layers = net.layers();

    CqapSamplingOutcome outcome;
    std::set<std::pair<int, int64_t>> have; // (form, index) of this seed's sequence
    for (auto& f : readLines(samplesPath, layers, checkpointId, nullptr)) {
        // Measured under another protocol: neither reused nor fitted on (noise levels differ).
        if ((f.bnImages >= 0 && f.bnImages != opt.eval.bnImages) ||
            (f.bnRepeats >= 0 && f.bnRepeats != opt.eval.bnRepeats))
            continue;
        if (f.seed == opt.seed && f.sampler == kSamplerVersion) have.insert({formIndex(f.sample.config.form), f.sample.index});
        outcome.samples.push_back(std::move(f.sample));
    }

    // Interleaved order: sample 0 of every form, then sample 1, ...
    std::vector<std::pair<QuantForm, int64_t>> todo;
    for (int64_t i = 0; i < opt.perForm; ++i)
        for (const auto& form : opt.forms) {
            if (have.count({formIndex(form), i})) ++outcome.reused;
            else todo.push_back({form, i});
        }

    ensureParentFolder(samplesPath);

    Progress pr;
    pr.stage = "cqap-sample";
    pr.total = opt.perForm * int64_t(opt.forms.size());
    pr.done = outcome.reused;
    pr.doneAtStart = outcome.reused;

    const bool wasFp = net.isFullPrecision();
    std::vector<MeasurementTask> tasks(todo.size());
    for (size_t k = 0; k < todo.size(); ++k) tasks[k].config = cqapSampleConfig(layers, todo[k].first, opt.seed, todo[k].second);
    // Measured on the pool's workers (and ranks); appended to the file in the order they finish.
    const auto done = [&](size_t k, const SubnetEvaluation& e) {
        CqapSample s;
        s.config = tasks[k].config;
        s.index = todo[k].second;
        s.accuracy = e.validation.accuracy;
        s.loss = e.validation.loss;
        s.seconds = e.validation.seconds;
        appendLine(samplesPath, sampleLine(s, checkpointId, opt.seed, opt.eval).dump()); // a cut last line is skipped
        outcome.samples.push_back(s);
        ++outcome.measured;
        if (progress) {
            pr.done = outcome.reused + outcome.measured;
            pr.elapsedSeconds = secondsSince(t0);
            pr.values["accuracy"] = s.accuracy;
            pr.values["avg_w_bits"] = s.config.averageWeightBits();
            pr.message = formName(s.config.form) + " #" + std::to_string(s.index);
            progress(pr);
        }
    };
    pool.measure(tasks, data, opt.eval, done, stop);
    if (wasFp) net.setFullPrecision();
    outcome.finished = int64_t(outcome.reused + outcome.measured) == pr.total;
    outcome.seconds = secondsSince(t0);
    return outcome;
}

} // namespace eqnet
