#include "eqnet/cqap_stage.h"

#include "eqnet/error.h"
#include "io/json_fields.h"
#include "eqnet/files.h"
#include "eqnet/measurement_pool.h"
#include "eqnet/run_layout.h"
#include "eqnet/training.h"
#include "pipeline/trained_run.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace eqnet {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {
json scoresJson(const CqapScores& s) {
    return {{"kendall_tau", s.kendallTau},     {"rmse_pp", s.rmse},
            {"mae_pp", s.mae},                 {"train_rmse_pp", s.trainRmse},
            {"train_samples", s.trainSamples}, {"test_samples", s.testSamples},
            {"epochs", s.epochs},              {"seconds", s.seconds},
            {"kendall_tau_per_form", s.kendallTauPerForm}};
}
} // namespace

CqapStageResult runCqapStage(const std::string& runDir, const CqapStageOptions& opt, const ProgressFn& progress,
                             const StopToken& stop) {
    TrainedRun run = openTrainedRun(runDir, opt.device);
    removePartialFiles(runDir); // what a killed stage was writing (the stages that write clean up)
    const TrainConfig& cfg = run.config;
    const std::string& ckpt = run.checkpoint;
    const std::string& id = run.checkpointId;
    Supernet& net = run.net;
    if (!net.calibrated())
        throw Error(ckpt + ": the supernet has not reached stage 2 yet (not calibrated); finish training first");
    const Dataset data = loadDataset(cfg.data);

    CqapStageResult res;
    CqapSamplingOptions so = opt.sampling;
    const std::string device = opt.device;
    MeasurementPool pool(net, [&ckpt, device] { return Supernet::load(ckpt, device); }, opt.workers);
    if (opt.ranks) pool.shareWith(opt.ranks, runDir, id);
    res.sampling = sampleCqap(pool, data, cqapSamplesPath(runDir), id, so, progress, stop);
    if (!res.sampling.finished || opt.sampleOnly) return res;

    // Already fitted on exactly these samples with these settings: keep it.
    json fitKey = {{"hidden", opt.fit.hidden}, {"seed", opt.fit.seed}, {"lr", opt.fit.lr},
                   {"weight_decay", opt.fit.weightDecay}, {"test_fraction", opt.fit.testFraction},
                   {"ablation", opt.ablation}};
    if (opt.fit.ensemble > 1) fitKey["ensemble"] = opt.fit.ensemble; // runs fitted before ensembles still match
    if (!opt.refit && fs::exists(cqapScoresPath(runDir)) && fs::exists(cqapPredictorPath(runDir, true))) {
        const json old = jsonio::parseRecord(readTextFile(cqapScoresPath(runDir), kMaxSettingsFileBytes));
        // Compared as JSON values: a damaged scores file of any shape only means "fit again".
        if (old.is_object() && old.value("checkpoint", json()) == json(id) &&
            old.value("samples", json()) == json(res.sampling.samples.size()) && old.value("fit", json()) == fitKey) {
            try {
                res.conditional = CqapPredictor::load(cqapPredictorPath(runDir, true)).scores();
                if (opt.ablation) res.unconditional = CqapPredictor::load(cqapPredictorPath(runDir, false)).scores();
                res.fitted = true;
                return res;
            } catch (const Error&) {
                // unreadable: fit again below
            }
        }
    }

    if (progress) {
        Progress p;
        p.stage = "cqap-fit";
        p.message = "fitting the predictor on " + std::to_string(res.sampling.samples.size()) + " subnets";
        progress(p);
    }
    CqapFitOptions fo = opt.fit;
    fo.conditional = true;
    const CqapPredictor cond = CqapPredictor::fit(net.spec().name, net.layers(), res.sampling.samples, fo, stop);
    res.conditional = cond.scores();
    json scores;
    scores["schema"] = "eqnet.cqap-scores";
    scores["version"] = 1;
    scores["checkpoint"] = id;
    scores["samples"] = res.sampling.samples.size();
    scores["fit"] = fitKey;
    scores["conditional"] = scoresJson(res.conditional);
    CqapPredictor uncond;
    if (opt.ablation) {
        fo.conditional = false;
        uncond = CqapPredictor::fit(net.spec().name, net.layers(), res.sampling.samples, fo, stop);
        res.unconditional = uncond.scores();
        scores["unconditional"] = scoresJson(res.unconditional);
    }
    // Write only once everything is fitted: the files always belong together.
    cond.save(cqapPredictorPath(runDir, true));
    if (opt.ablation) uncond.save(cqapPredictorPath(runDir, false));
    writeFileAtomic(cqapScoresPath(runDir), scores.dump(2) + "\n");
    res.fitted = true;
    return res;
}

CqapPredictor loadRunPredictor(const std::string& runDir, bool conditional) {
    const std::string p = cqapPredictorPath(runDir, conditional);
    if (!fs::exists(p)) throw Error(p + " does not exist; fit the predictor first (`eqnet cqap --run " + runDir + "`)");
    return CqapPredictor::load(p);
}

} // namespace eqnet
