// §6 over a run folder: search the profile's space with the run's CQAP predictor, then verify
// the front by measuring its points (§4) beside the uniform baselines of the same form.
#include "eqnet/search_stage.h"

#include "eqnet/cqap_stage.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/measurement_pool.h"
#include "eqnet/run_layout.h"
#include "eqnet/timing.h"
#include "eqnet/uniform_baselines.h"
#include "io/subnet_bits_json.h"
#include "pipeline/front_refinement.h"
#include "pipeline/trained_run.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>

namespace eqnet {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string profileKey(const HardwareProfile& p) {
    HardwareProfile q = p;
    q.source.clear();
    return profileToJson(q);
}

bool sameSearch(const ParetoOptions& a, const ParetoOptions& b) {
    return a.population == b.population && a.generations == b.generations && a.mutationProb == b.mutationProb &&
           a.mutationShare == b.mutationShare && a.seed == b.seed;
}

void sortFront(std::vector<FrontPoint>& v) {
    std::stable_sort(v.begin(), v.end(), [](const FrontPoint& a, const FrontPoint& b) {
        if (a.cost.bitops != b.cost.bitops) return a.cost.bitops < b.cost.bitops;
        return a.predicted > b.predicted;
    });
}

} // namespace

FrontFile runSearchStage(const std::string& runDir, const SearchStageOptions& opt, const ProgressFn& progress,
                         const StopToken& stop) {
    TrainedRun run = openTrainedRun(runDir, opt.device);
    removePartialFiles(runDir); // what a killed stage was writing (the stages that write clean up)
    const TrainConfig& cfg = run.config;
    const std::string& id = run.checkpointId;
    Supernet& net = run.net;
    const auto& layers = net.layers();
    const HardwareProfile profile = findProfile(opt.profile);
    checkFeasible(profile, layers);
    const std::string path = frontPath(runDir, profile.name);
    EvalOptions eval = cfg.eval; // every measurement of this stage (§4)
    if (opt.bnImages > 0) eval.bnImages = opt.bnImages;
    if (opt.bnRepeats > 0) eval.bnRepeats = opt.bnRepeats;
    if (opt.refineRounds < 0 || (opt.refineRounds > 0 && opt.refinePoints < 1))
        throw Error("search: --refine must be >= 0 and --refine-points >= 1");
    // The data set is loaded on the first measurement only (a finished front needs none).
    std::optional<Dataset> dataStore;
    const auto data = [&]() -> const Dataset& {
        if (!dataStore) dataStore = loadDataset(cfg.data);
        return *dataStore;
    };
    // Every measurement of the stage (refinement, verification) on one pool of workers.
    std::optional<MeasurementPool> poolStore;
    const auto pool = [&]() -> MeasurementPool& {
        if (!poolStore) {
            const std::string ckpt = run.checkpoint, device = opt.device;
            poolStore.emplace(net, [ckpt, device] { return Supernet::load(ckpt, device); }, opt.workers);
            if (opt.ranks) poolStore->shareWith(opt.ranks, runDir, id);
        }
        return *poolStore;
    };

    FrontFile f;
    bool reuse = false;
    if (!opt.fresh && fs::exists(path)) {
        try {
            FrontFile old = frontFromJson(readTextFile(path, kMaxResultsFileBytes), path, layers);
            reuse = old.checkpointId == id && profileKey(old.profile) == profileKey(profile) &&
                    sameSearch(old.search, opt.search) && (old.bnImages == eval.bnImages || (old.bnImages == 0 && opt.bnImages == 0)) &&
                    old.bnRepeats == eval.bnRepeats &&
                    old.refineRounds == opt.refineRounds && (opt.refineRounds == 0 || old.refinePoints == opt.refinePoints);
            if (reuse) f = std::move(old);
        } catch (const Error&) {
            reuse = false; // unreadable: search again, and replace it atomically below
        }
    }
    std::vector<CqapSample> refined; // measured during refinement, with eval
    // The uniform baselines of the profile's form (eqnet/uniform_baselines.h).
    std::vector<SubnetConfig> baselines;
    std::vector<std::string> baselineLabels;
    for (UniformBaseline& b : uniformBaselines(profile, layers)) {
        baselines.push_back(std::move(b.config));
        baselineLabels.push_back(b.label);
    }
    if (!reuse) {
        CqapPredictor predictor = loadRunPredictor(runDir, true);
        predictor.checkLayers(net.spec().name, layers, cqapPredictorPath(runDir, true));
        if (opt.refineRounds > 0) {
            RefinementOptions ro;
            ro.rounds = opt.refineRounds;
            ro.points = opt.refinePoints;
            ro.search = opt.search;
            ro.eval = eval;
            ro.path = frontRefinePath(runDir, profile.name);
            ro.checkpointId = id;
            if (opt.uniformBaselines) ro.anchors = baselines; // measured for verification anyway
            const auto samples = readCqapSamples(cqapSamplesPath(runDir), layers, id);
            const MeasureSubnets measure = [&](const std::vector<SubnetConfig>& configs,
                                               const std::function<void(size_t, double, double)>& done) {
                std::vector<MeasurementTask> tasks(configs.size());
                for (size_t i = 0; i < configs.size(); ++i) tasks[i].config = configs[i];
                return pool().measure(
                    tasks, data(), eval,
                    [&](size_t i, const SubnetEvaluation& e) { done(i, e.validation.accuracy, e.validation.seconds); },
                    stop);
            };
            RefinementResult rr =
                refinePredictor(net.spec().name, layers, profile, predictor, samples, ro, measure, progress, stop);
            if (rr.stopped) return f; // the measurements are kept in refine.jsonl
            predictor = std::move(rr.predictor);
            predictor.save(frontPredictorPath(runDir, profile.name));
            refined = std::move(rr.measured);
        }
        const BatchPredictor predict = [&predictor](const std::vector<SubnetConfig>& c) { return predictor.predict(c); };
        const ParetoResult r = paretoSearch(layers, profile, predict, opt.search, progress, stop);
        if (r.stopped) return f; // nothing written: the search is quick to run again
        f.model = net.spec().name;
        f.checkpointId = id;
        f.profile = profile;
        f.search = opt.search;
        f.evaluations = r.evaluations;
        f.searchSeconds = r.seconds;
        f.exhaustive = r.exhaustive;
        f.predictorTau = predictor.scores().kendallTau;
        f.bnImages = eval.bnImages;
        f.bnRepeats = eval.bnRepeats;
        f.refineRounds = opt.refineRounds;
        f.refinePoints = opt.refineRounds > 0 ? opt.refinePoints : 0;
        f.refineMeasured = int64_t(refined.size());
        for (const auto& c : r.front) {
            FrontPoint p{c.config, c.cost, c.predicted, {}, {}, "", ""};
            for (const auto& m : refined) // measured during refinement, with the same protocol
                if (m.config == c.config) p.validation = m.accuracy;
            f.points.push_back(std::move(p));
        }
        sortFront(f.points);
        if (opt.uniformBaselines) {
            const auto pred = predictor.predict(baselines);
            for (size_t i = 0; i < baselines.size(); ++i) {
                FrontPoint u{baselines[i], subnetCost(layers, baselines[i]), pred[i], {}, {}, baselineLabels[i], ""};
                for (const auto& m : refined)
                    if (m.config == u.config) u.validation = m.accuracy;
                f.uniform.push_back(std::move(u));
            }
            sortFront(f.uniform);
        }
        f.verification = summariseVerification(f);
        writeFileAtomic(path, frontToJson(f, layers));
    }
    if (!opt.verify) return f;

    // Verification: what to measure, most accurate predicted first when only the top K are.
    std::vector<FrontPoint*> todo;
    std::vector<size_t> order(f.points.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (opt.verifyTop > 0) {
        std::stable_sort(order.begin(), order.end(),
                         [&](size_t a, size_t b) { return f.points[a].predicted > f.points[b].predicted; });
        order.resize(std::min(order.size(), size_t(opt.verifyTop)));
    }
    for (size_t i : order) todo.push_back(&f.points[i]);
    for (auto& u : f.uniform) todo.push_back(&u);
    // A test measurement without per-image results (an older front file) is measured again.
    auto pending = [&](const FrontPoint* p) {
        return !p->validation || (opt.verifyTest && (!p->test || p->testCorrect.empty()));
    };
    int64_t done = 0, total = int64_t(todo.size());
    for (const auto* p : todo) done += !pending(p);
    if (done == total) return f;

    Progress pr;
    pr.stage = "verify";
    pr.total = total;
    pr.done = done;
    pr.doneAtStart = done;
    const auto t0 = std::chrono::steady_clock::now();
    // What each pending point lacks, fixed before the workers start.
    std::vector<FrontPoint*> work;
    std::vector<MeasurementTask> tasks;
    for (FrontPoint* p : todo)
        if (pending(p)) {
            work.push_back(p);
            tasks.push_back({p->config, !p->validation, opt.verifyTest && (!p->test || p->testCorrect.empty())});
        }
    pool().measure(
        tasks, data(), eval,
        [&](size_t i, const SubnetEvaluation& e) {
            FrontPoint* p = work[i];
            if (tasks[i].validation) p->validation = e.validation.accuracy;
            if (tasks[i].test) {
                p->test = e.test->accuracy;
                p->testCorrect = packCorrect(e.test->correct);
            }
            f.verification = summariseVerification(f);
            writeFileAtomic(path, frontToJson(f, layers));
            ++pr.done;
            if (progress) {
                pr.elapsedSeconds = secondsSince(t0);
                pr.values["predicted"] = p->predicted;
                pr.values["measured"] = *p->validation;
                pr.message = p->label.empty() ? formatBitops(p->cost.bitops) : p->label;
                progress(pr);
            }
        },
        stop);
    return f;
}

} // namespace eqnet
