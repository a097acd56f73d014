// eqnet cqap: measure sampled subnets of a trained run and fit the CQAP accuracy predictor
// (or, with --score, score the fitted predictors on another samples file).
#include "commands.h"
#include "shared_options.h"
#include "terminal_progress.h"

#include "eqnet/cqap.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/measurement_pool.h"
#include "eqnet/cqap_stage.h"
#include "eqnet/run_layout.h"
#include "eqnet/run_folder.h"
#include "eqnet/search.h"
#include "eqnet/supernet.h"
#include "eqnet/training.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace eqcli {

using namespace eqnet;

namespace {

struct CqapArgs {
    std::string run;
    CqapStageOptions options;
    // Left out (0), the measurement protocol is the run's own (run.json "eval"): samples
    // measured under another protocol are not mixed into the fit.
    int64_t bnImages = 0;
    int bnRepeats = 0;
    std::string score;
    RuntimeOptions rt;
    DistributedArgs dist;
};

void printScores(const char* name, const CqapScores& s) {
    std::printf("| %s | %.3f | %.3f | %.3f | %lld / %lld | %d |\n", name, s.kendallTau, s.rmse, s.mae,
                (long long)s.trainSamples, (long long)s.testSamples, s.epochs);
}

int runCqap(const std::string& run, const CqapStageOptions& opt, const RuntimeOptions& rt) {
    applyRuntime(rt);
    CqapStageResult r;
    {
        TerminalProgress bar("cqap");
        r = runCqapStage(run, opt, bar.callback(), stopToken());
    }
    std::fprintf(stderr, "samples: %lld measured now, %lld reused, %zu in all (%s)\n",
                 (long long)r.sampling.measured, (long long)r.sampling.reused, r.sampling.samples.size(),
                 cqapSamplesPath(run).c_str());
    if (!r.sampling.finished) {
        std::fprintf(stderr, "stopped; run the same command again to go on where it stopped\n");
        return 130;
    }
    if (!r.fitted) return 0;
    std::printf("CQAP on the held-out 20%% (accuracy in percentage points)\n\n");
    std::printf("| predictor | Kendall tau | RMSE | MAE | fit / held-out | epochs |\n|---|---:|---:|---:|---:|---:|\n");
    printScores("conditional (form bits)", r.conditional);
    if (opt.ablation) printScores("unconditional (ablation)", r.unconditional);
    std::printf("\nper form (conditional):");
    for (const auto& [f, t] : r.conditional.kendallTauPerForm) std::printf(" %s %.3f", f.c_str(), t);
    std::printf("\nsaved %s\n", cqapPredictorPath(run).c_str());
    return 0;
}

// Scores the run's fitted predictors on subnets measured elsewhere (another samples file of
// the same checkpoint), e.g. drawn from another distribution.
int runCqapScore(const std::string& run, const std::string& file) {
    const Supernet net = loadRunSupernet(run);
    int skipped = 0;
    const auto samples = readCqapSamples(file, net.layers(), fileIdentity(runCheckpointPath(run)), &skipped);
    if (samples.empty())
        throw Error(file + ": no subnet measured on this run's checkpoint (" + std::to_string(skipped) +
                    " unreadable lines)");
    std::vector<SubnetConfig> cs;
    std::vector<double> measured;
    for (const auto& s : samples) {
        cs.push_back(s.config);
        measured.push_back(s.accuracy);
    }
    std::printf("| predictor | subnets | Kendall tau | RMSE pp |\n|---|---:|---:|---:|\n");
    for (const bool conditional : {true, false}) {
        const std::string path = cqapPredictorPath(run, conditional);
        if (!std::filesystem::exists(path)) continue;
        const auto pred = CqapPredictor::load(path).predict(cs);
        double se = 0;
        for (size_t i = 0; i < pred.size(); ++i) se += std::pow(100 * (pred[i] - measured[i]), 2);
        std::printf("| %s | %zu | %.3f | %.3f |\n", conditional ? "conditional" : "unconditional", pred.size(),
                    kendallTau(pred, measured), std::sqrt(se / double(pred.size())));
    }
    return 0;
}

} // namespace

void registerCqap(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<CqapArgs>();
    CqapStageOptions& cq = a->options;
    auto* cmd = app.add_subcommand("cqap", "measure sampled subnets of a trained run and fit the CQAP accuracy "
                                           "predictor (resumable; a larger budget reuses what exists)");
    cmd->add_option("--run", a->run, "run folder (trained with eqnet train)")->required();
    cmd->add_option("--per-form", cq.sampling.perForm, "subnets measured per form (8 forms)")->capture_default_str();
    cmd->add_option("--seed", cq.sampling.seed, "sample sequence seed")->capture_default_str();
    cmd->add_option("--bn-images", a->bnImages, "BN re-estimation images per subnet (0: the run's setting)")
        ->capture_default_str();
    cmd->add_option("--bn-repeats", a->bnRepeats,
                    "BN estimates averaged per subnet (0: the run's setting; docs/method.md §4)")
        ->capture_default_str();
    cmd->add_option("--bn-seed", cq.sampling.eval.bnSeed, "which training images re-estimate BN")
        ->capture_default_str();
    cmd->add_option("--val-images", cq.sampling.eval.maxImages, "validation images per subnet (0: all)")
        ->capture_default_str();
    cmd->add_option("--hidden", cq.fit.hidden, "MLP hidden layer sizes")->capture_default_str();
    cmd->add_option("--fit-seed", cq.fit.seed, "seed of the split and the MLP")->capture_default_str();
    cmd->add_option("--ensemble", cq.fit.ensemble, "MLPs averaged per prediction (docs/method.md §5)")
        ->capture_default_str();
    cmd->add_flag("--sample-only", cq.sampleOnly, "measure, do not fit");
    cmd->add_flag("!--no-ablation", cq.ablation, "skip the unconditional predictor");
    addRuntimeOptions(cmd, a->rt);
    cmd->add_option("--workers", cq.workers, "subnets measured at once (0: one per thread, at most 8)")
        ->capture_default_str();
    cmd->add_option("--score", a->score, "only score the fitted predictors on the subnets of this samples file");
    addDistributedOptions(cmd, a->dist);
    set.add(cmd, [a] {
        if (!a->score.empty()) return runCqapScore(a->run, a->score);
        CqapStageOptions& cq = a->options;
        // Distributed (docs/distributed.md): rank 0 runs the stage, the others measure with it.
        if (const auto rc = joinMeasuringRanks(a->dist, a->rt, cq.workers, cq.ranks)) return *rc;
        const SharedMeasurementScope shared(cq.ranks.get());
        const std::string config = runConfigPath(a->run);
        const EvalOptions runEval = trainConfigFromJson(readTextFile(config), config).eval;
        cq.sampling.eval.bnImages = a->bnImages > 0 ? a->bnImages : runEval.bnImages;
        cq.sampling.eval.bnRepeats = a->bnRepeats > 0 ? a->bnRepeats : runEval.bnRepeats;
        cq.device = a->rt.device;
        return runCqap(a->run, cq, a->rt);
    });
}

} // namespace eqcli
