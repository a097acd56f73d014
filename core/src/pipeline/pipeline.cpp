// `eqnet pipeline`: training, CQAP, search, verification and export in one resumable run.
#include "eqnet/pipeline.h"

#include "eqnet/measurement_pool.h"
#include "io/json_fields.h"

#include "eqnet/distributed.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/run_layout.h"
#include "eqnet/timing.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

namespace eqnet {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {
constexpr int64_t kPipelineBnImages = 2048;
} // namespace

std::vector<std::string> pipelinePresetNames() { return {"fmnist", "quick"}; }

PipelineOptions pipelinePreset(const std::string& name) {
    PipelineOptions o;
    o.preset = name;
    // The search and export profile: flexible 2..8-bit per-tensor hardware, the widest space.
    o.search.profile = "flex-2to8-pt";
    o.exportOptions.profile = o.search.profile;
    if (name == "fmnist") {
        // TrainConfig's defaults: FP 2 epochs, supernet 3 epochs, published loss settings.
        o.cqap.sampling.perForm = 100;
        // Every CQAP sample and every verification re-estimates BN on 2,048 training images,
        // not 512: on mbv2-28 two measurements of the same subnets with other BN images agree
        // to Kendall tau 0.887-0.891 at 512 and 0.895-0.916 at 2,048 (docs/method.md §4).
        o.train.eval.bnImages = kPipelineBnImages;
        o.cqap.sampling.eval.bnImages = kPipelineBnImages;
        // Three rounds of 16 measured front points refit the predictor where the search looks
        // (docs/method.md §6): without them the front over-rated its points by about 1 pp.
        o.search.refineRounds = 3;
        o.search.refinePoints = 16;
        return o;
    }
    if (name == "quick") {
        // The same stages at a small scale: 20,000 training images, FP 2 epochs and supernet
        // 1 epoch, 25 subnets per form measured on 2,000 validation images, a shorter search.
        o.train.data.trainLimit = 20000;
        o.train.fpEpochs = 2;
        o.train.epochs = 1;
        o.train.evalImages = 2000;
        o.cqap.sampling.perForm = 25;
        o.cqap.sampling.eval.maxImages = 2000;
        o.search.search.generations = 200;
        o.search.verifyTop = 10;
        return o;
    }
    std::string names;
    for (const auto& n : pipelinePresetNames()) names += (names.empty() ? "" : ", ") + n;
    throw Error("unknown pipeline preset '" + name + "'; available: " + names);
}

namespace {

json optionsKey(const PipelineOptions& o) {
    json k = {{"preset", o.preset},
            {"train", json::parse(trainConfigToJson(o.train))},
            {"cqap", {{"per_form", o.cqap.sampling.perForm}, {"seed", o.cqap.sampling.seed},
                      {"val_images", o.cqap.sampling.eval.maxImages}, {"hidden", o.cqap.fit.hidden}}},
            {"search", {{"profile", o.search.profile}, {"population", o.search.search.population},
                        {"generations", o.search.search.generations}, {"seed", o.search.search.seed},
                        {"verify_top", o.search.verifyTop}}},
            {"export", {{"budget_bits", o.exportBudgetBits}, {"max_bitops", o.exportOptions.maxBitops}}}};
    // Recorded only when used, so that runs made before refinement existed still match.
    if (o.cqap.fit.ensemble > 1) k["cqap"]["ensemble"] = o.cqap.fit.ensemble;
    if (o.search.refineRounds > 0) {
        k["search"]["refine_rounds"] = o.search.refineRounds;
        k["search"]["refine_points"] = o.search.refinePoints;
    }
    return k;
}

// The options part of pipeline.json, what a rerun must match: not the versions of eqnet and
// LibTorch that wrote it (kept in the file, as in run.json, so another build resumes the
// folder), not the stage times.
json optionsPart(json record) {
    if (record.is_object() && record.contains("train") && record["train"].is_object()) record["train"].erase("versions");
    if (record.is_object()) record.erase("stage_times");
    return record;
}

// Adds a stage's times to pipeline.json's "stage_times" (sums over every call).
void recordStageTime(const std::string& recordPath, const StageTime& t) {
    if (!fs::exists(recordPath)) return;
    json j = jsonio::parseRecord(readTextFile(recordPath, kMaxSettingsFileBytes));
    if (!j.is_object()) return; // checked at the start of the call; never clobber it here
    json& times = j["stage_times"];
    if (!times.is_object()) times = json::object();
    json& e = times[t.stage];
    if (!e.is_object()) e = json::object();
    double wall = 0, cpu = 0; // a damaged sum restarts at 0
    jsonio::tryAs(e.value("wall_s", json()), wall);
    jsonio::tryAs(e.value("cpu_s", json()), cpu);
    e["wall_s"] = wall + t.wallSeconds;
    e["cpu_s"] = cpu + t.cpuSeconds;
    writeFileAtomic(recordPath, j.dump(2) + "\n");
}

} // namespace

std::optional<CqapStageOptions> pipelineCqapOptions(const std::string& runDir) {
    const std::string path = pipelineRecordPath(runDir);
    if (!fs::exists(path)) return std::nullopt;
    const json j = jsonio::parseRecord(readTextFile(path, kMaxSettingsFileBytes));
    if (j.is_discarded() || !j.is_object()) throw Error(path + ": not valid JSON");
    CqapStageOptions o;
    try {
        o = pipelinePreset(jsonio::optional<std::string>(j, "preset", "", "", path)).cqap;
    } catch (const Error&) {
        // a preset this version does not know: the recorded fields below still hold
    }
    // The fields optionsKey() records; a missing or mistyped one keeps the preset's value.
    const auto cqIt = j.find("cqap");
    const json cq = cqIt != j.end() && cqIt->is_object() ? *cqIt : json::object();
    const auto number = [&](const char* key, auto& out) {
        const auto it = cq.find(key);
        if (it != cq.end()) jsonio::tryAs(*it, out);
    };
    number("per_form", o.sampling.perForm);
    number("seed", o.sampling.seed);
    number("val_images", o.sampling.eval.maxImages);
    o.fit.ensemble = 1; // recorded only when more than one
    number("ensemble", o.fit.ensemble);
    const auto hidden = cq.find("hidden");
    if (hidden != cq.end() && hidden->is_array() && !hidden->empty()) {
        o.fit.hidden.clear();
        for (const auto& h : *hidden)
            if (int n = 0; jsonio::tryAs(h, n) && n > 0) o.fit.hidden.push_back(n);
    }
    return o;
}

PipelineResult runPipeline(const std::string& runDir, const PipelineOptions& optIn, const PipelineCallbacks& cb,
                           const StopToken& stop) {
    const auto t0 = std::chrono::steady_clock::now();
    PipelineOptions opt = optIn;
    PipelineResult res;
    const std::string recordPath = pipelineRecordPath(runDir);
    json key = optionsKey(opt);
    key["schema"] = "eqnet.pipeline";
    key["version"] = 1;
    // Rank 0 checks the folder and creates (or opens) the run; the other ranks of a data-parallel
    // run open it once it is there, train with rank 0 and leave the later stages to it.
    RankGroup* const group = opt.ranks.get();
    std::optional<TrainingJob> job;
    startOnRankZero(group, "eqnet/pipeline/run-ready", [&] {
        if (fs::exists(recordPath)) {
            const json old = jsonio::parseRecord(readTextFile(recordPath, kMaxSettingsFileBytes));
            // Removing a damaged record does not help: the run.json beside it makes the folder a
            // run the pipeline did not start. Its stages can still be continued one by one.
            if (old.is_discarded() || !old.is_object())
                throw Error(recordPath + ": not valid JSON (damaged); the pipeline cannot tell which options made this "
                            "folder: use another --out folder, or continue its stages by hand (`eqnet train --resume`, "
                            "`eqnet cqap`, `eqnet search`, `eqnet export`)");
            if (optionsPart(old) != optionsPart(key)) {
                std::string preset = "?";
                jsonio::tryAs(old.value("preset", json()), preset);
                throw Error(recordPath + ": this folder holds a pipeline run with other options (preset \"" + preset +
                            "\"); use another --out folder");
            }
        } else if (fs::exists(runConfigPath(runDir))) {
            throw Error(runDir + " already holds a run not made by `eqnet pipeline`; use another --out folder");
        }
        job.emplace(fs::exists(runConfigPath(runDir)) ? TrainingJob::open(runDir) : TrainingJob::create(runDir, opt.train));
        if (!fs::exists(recordPath)) writeFileAtomic(recordPath, key.dump(2) + "\n");
    });
    if (!job) {
        TrainingJob rank = TrainingJob::open(runDir);
        rank.setRankGroup(opt.ranks);
        res.finished = rank.run({}, stop).finished;
        // Then this rank measures with rank 0 (CQAP samples, refinement, verification).
        if (res.finished) serveMeasurements(*group, opt.train.device, opt.cqap.workers, cb.progress, stop);
        res.seconds = secondsSince(t0);
        return res;
    }

    // Each stage's wall and CPU time, printed by the caller and summed into pipeline.json.
    SteadyClock::time_point stageWall0;
    double stageCpu0 = 0;
    const auto endStage = [&] {
        if (res.stageTimes.empty() || res.stageTimes.back().wallSeconds > 0) return;
        StageTime& t = res.stageTimes.back();
        t.wallSeconds = std::max(secondsSince(stageWall0), 1e-9);
        t.cpuSeconds = processCpuSeconds() - stageCpu0;
        recordStageTime(recordPath, t);
    };
    auto stage = [&](const char* s) {
        endStage();
        res.stageTimes.push_back(StageTime{s, 0, 0});
        stageWall0 = SteadyClock::now();
        stageCpu0 = processCpuSeconds();
        if (cb.onStage) cb.onStage(s);
    };
    const auto finish = [&]() -> PipelineResult {
        endStage();
        res.seconds = secondsSince(t0);
        return res;
    };

    // 1. Training (stage 1 FP + calibration + stage 2 supernet), resumable.
    stage("train");
    {
        job->setRankGroup(opt.ranks);
        const TrainOutcome t = job->run(cb.train, stop);
        if (!t.finished) return finish();
    }
    const std::string device = opt.train.device;
    opt.cqap.device = device;
    opt.search.device = device;
    opt.exportOptions.device = device;
    // From here the other ranks measure with rank 0 and are told when the work is over.
    opt.cqap.ranks = opt.ranks;
    opt.search.ranks = opt.ranks;
    const SharedMeasurementScope shared(group);

    // 2. CQAP: sample, measure, fit.
    stage("cqap");
    const CqapStageResult c = runCqapStage(runDir, opt.cqap, cb.progress, stop);
    if (!c.fitted) return finish();
    res.cqap = c.conditional;
    res.cqapUnconditional = c.unconditional;

    // 3. Search and verification.
    stage("search");
    res.front = runSearchStage(runDir, opt.search, cb.progress, stop);
    if (stop.stopRequested() || res.front.points.empty()) return finish();

    // 4. Export the best verified subnet at the cost of a uniform b-bit model.
    stage("export");
    ExportStageOptions eo = opt.exportOptions;
    eo.profile = opt.search.profile;
    if (eo.maxBitops <= 0 && opt.exportBudgetBits > 0) {
        const Supernet net = loadRunSupernet(runDir, device);
        const SubnetConfig u = net.uniform(opt.exportBudgetBits, opt.exportBudgetBits, res.front.profile.form);
        eo.maxBitops = subnetCost(net.layers(), u).bitops;
    }
    res.exported = runExportStage(runDir, eo, cb.progress);
    res.finished = true;
    return finish();
}

} // namespace eqnet
