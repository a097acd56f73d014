#include "pipeline/front_refinement.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/timing.h"
#include "io/json_fields.h"
#include "io/subnet_bits_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>

namespace eqnet {

using nlohmann::json;

namespace {

json measurementLine(const CqapSample& s, const std::string& checkpointId, const EvalOptions& eval, int round) {
    json j = {{"checkpoint", checkpointId}, {"bn_images", eval.bnImages}, {"bn_repeats", eval.bnRepeats},
              {"round", round}};
    jsonio::putSubnetBits(j, s.config);
    j.update(json{{"accuracy", s.accuracy}, {"seconds", s.seconds}});
    return j;
}

} // namespace

std::vector<CqapSample> readRefinementMeasurements(const std::string& path, const std::vector<LayerInfo>& layers,
                                                   const std::string& checkpointId, const EvalOptions& eval) {
    std::vector<CqapSample> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        const json j = jsonio::parseRecord(line);
        if (!j.is_object()) continue;
        try {
            if (jsonio::need<std::string>(j, "checkpoint", "", path) != checkpointId ||
                jsonio::need<int64_t>(j, "bn_images", "", path) != eval.bnImages ||
                jsonio::optional<int>(j, "bn_repeats", 1, "", path) != eval.bnRepeats)
                continue;
            CqapSample s;
            s.config = jsonio::subnetBits(j, layers.size(), "line", path);
            s.accuracy = jsonio::need<double>(j, "accuracy", "", path);
            s.seconds = jsonio::optional<double>(j, "seconds", 0.0, "", path);
            s.index = jsonio::need<int>(j, "round", "", path);
            if (s.accuracy >= 0.0 && s.accuracy <= 1.0) out.push_back(std::move(s));
        } catch (const std::exception&) {
            // a damaged line (e.g. cut by a crash) is measured again
        }
    }
    return out;
}

std::vector<SubnetConfig> spreadOverFront(const std::vector<SearchCandidate>& front, int k,
                                          const std::function<bool(const SubnetConfig&)>& known) {
    std::vector<const SearchCandidate*> open;
    for (const auto& c : front)
        if (!known(c.config)) open.push_back(&c);
    std::stable_sort(open.begin(), open.end(),
                     [](const SearchCandidate* a, const SearchCandidate* b) { return a->cost.bitops < b->cost.bitops; });
    std::vector<SubnetConfig> out;
    if (k <= 0 || open.empty()) return out;
    const size_t n = open.size(), want = std::min(n, size_t(k));
    for (size_t i = 0; i < want; ++i) {
        // Evenly spaced positions 0 .. n-1 (both ends when want >= 2); distinct since want <= n.
        const size_t at = want == 1 ? 0 : (i * (n - 1) + (want - 1) / 2) / (want - 1);
        out.push_back(open[at]->config);
    }
    return out;
}

RefinementResult refinePredictor(const std::string& model, const std::vector<LayerInfo>& layers,
                                 const HardwareProfile& profile, const CqapPredictor& start,
                                 const std::vector<CqapSample>& samples, const RefinementOptions& opt,
                                 const MeasureSubnets& measure,
                                 const ProgressFn& progress, const StopToken& stop) {
    RefinementResult res;
    res.predictor = start;
    res.measured = readRefinementMeasurements(opt.path, layers, opt.checkpointId, opt.eval);
    // Known before round r: the CQAP samples and what earlier rounds measured.
    const auto knownBefore = [&](int round) {
        return [&, round](const SubnetConfig& c) {
            for (const auto& s : res.measured)
                if (s.index < round && s.config == c) return true;
            for (const auto& s : samples)
                if (s.config == c) return true;
            return false;
        };
    };
    const auto inRound = [&](int round, const SubnetConfig& c) {
        for (const auto& s : res.measured)
            if (s.index == round && s.config == c) return true;
        return false;
    };
    Progress pr;
    pr.stage = "refine";
    std::vector<SubnetConfig> anchors;
    for (const auto& a : opt.anchors)
        if (opt.rounds > 0 && !knownBefore(0)(a) && std::find(anchors.begin(), anchors.end(), a) == anchors.end())
            anchors.push_back(a);
    const auto isAnchor = [&](const SubnetConfig& c) {
        return std::find(anchors.begin(), anchors.end(), c) != anchors.end();
    };
    pr.total = int64_t(opt.rounds) * opt.points + int64_t(anchors.size());
    const auto t0 = std::chrono::steady_clock::now();
    CqapFitOptions fit = start.options();
    for (int round = 0; round < opt.rounds; ++round) {
        const CqapPredictor& p = res.predictor;
        const BatchPredictor predict = [&p](const std::vector<SubnetConfig>& c) { return p.predict(c); };
        const ParetoResult r = paretoSearch(layers, profile, predict, opt.search, {}, stop);
        if (r.stopped) {
            res.stopped = true;
            return res;
        }
        // The picks depend only on this round's predictor and what came before it, so a round
        // stopped half-way picks the same points again and measures only the missing ones.
        std::vector<SubnetConfig> picks;
        if (round == 0) picks = anchors;
        const auto known = knownBefore(round);
        for (auto& c : spreadOverFront(r.front, opt.points,
                                       [&](const SubnetConfig& c) { return known(c) || isAnchor(c); }))
            picks.push_back(std::move(c));
        pr.doneAtStart = pr.done = int64_t(round) * opt.points + (round > 0 ? int64_t(anchors.size()) : 0);
        for (const SubnetConfig& c : picks)
            pr.doneAtStart = pr.done += inRound(round, c);
        std::vector<SubnetConfig> todo;
        for (const SubnetConfig& c : picks)
            if (!inRound(round, c)) todo.push_back(c);
        if (stop.stopRequested() && !todo.empty()) {
            res.stopped = true;
            return res;
        }
        const auto done = [&](size_t i, double accuracy, double seconds) {
            CqapSample s;
            s.config = todo[i];
            s.accuracy = accuracy;
            s.seconds = seconds;
            s.index = round;
            ensureParentFolder(opt.path);
            appendLine(opt.path, measurementLine(s, opt.checkpointId, opt.eval, round).dump());
            res.measured.push_back(s);
            ++res.measuredNow;
            ++pr.done;
            if (progress) {
                pr.elapsedSeconds = secondsSince(t0);
                pr.values["predicted"] = res.predictor.predict(s.config);
                pr.values["measured"] = s.accuracy;
                pr.values["round"] = round + 1;
                pr.message = "round " + std::to_string(round + 1) + " of " + std::to_string(opt.rounds) + ", " +
                             formatBitops(subnetCost(layers, s.config).bitops);
                progress(pr);
            }
        };
        if (!todo.empty() && !measure(todo, done)) {
            res.stopped = true;
            return res;
        }
        std::vector<CqapSample> all = samples;
        for (const auto& m : res.measured)
            if (m.index <= round) all.push_back(m);
        if (progress) {
            Progress f;
            f.stage = "refine-fit";
            f.message = "fitting the predictor on " + std::to_string(all.size()) + " subnets (round " +
                        std::to_string(round + 1) + ")";
            progress(f);
        }
        try {
            res.predictor = CqapPredictor::fit(model, layers, all, fit, stop);
        } catch (const Error&) {
            if (!stop.stopRequested()) throw;
            res.stopped = true;
            return res;
        }
    }
    // A file written with more rounds holds measurements this refinement did not use.
    res.measured.erase(std::remove_if(res.measured.begin(), res.measured.end(),
                                      [&](const CqapSample& m) { return m.index >= opt.rounds; }),
                       res.measured.end());
    return res;
}

} // namespace eqnet
