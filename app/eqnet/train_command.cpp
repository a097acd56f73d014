// eqnet train: train the quantization supernet (or a static QAT baseline) into a resumable
// run folder.
#include "commands.h"
#include "shared_options.h"
#include "terminal_progress.h"

#include "eqnet/distributed.h"
#include "eqnet/error.h"
#include "eqnet/supernet.h"
#include "eqnet/training.h"

#include <cstdio>
#include <memory>
#include <string>

namespace eqcli {

using namespace eqnet;

namespace {

struct TrainArgs {
    TrainConfig config;
    std::string out = "runs/fmnist-supernet";
    std::string resume;
    std::string guidance = "gpg";
    std::string staticForm = "pc-sym-asym";
    bool noWdr = false;
    int staticBits = 0;
    RuntimeOptions rt;
    DistributedArgs dist;
};

// The key under which rank 0 tells the other ranks that the run folder is ready (or why not).
constexpr const char* kRunReadyKey = "eqnet/train/run-ready";

int runTrain(TrainConfig cfg, const std::string& out, const std::string& resume, const RuntimeOptions& rt,
             const DistOptions& dist) {
    applyRuntime(rt);
    std::shared_ptr<RankGroup> group;
    if (dist.distributed()) group = RankGroup::connect(dist);
    const bool lead = !group || group->rank() == 0;
    std::unique_ptr<TrainingJob> job;
    // Rank 0 creates (or opens) the run; the others open it once it is there.
    startOnRankZero(group.get(), kRunReadyKey, [&] {
        if (!resume.empty()) {
            job = std::make_unique<TrainingJob>(TrainingJob::open(resume));
        } else {
            cfg.device = rt.device;
            job = std::make_unique<TrainingJob>(TrainingJob::create(out, cfg));
        }
    });
    if (!job) job = std::make_unique<TrainingJob>(TrainingJob::open(resume.empty() ? out : resume));
    job->setRankGroup(group);
    if (!lead) {
        // The other ranks train quietly; rank 0 reports for the run, and any rank's error is
        // printed by main().
        const TrainOutcome o = job->run({}, stopToken());
        return o.finished ? 0 : 130;
    }
    std::fprintf(stderr, "run folder %s (%s%s)\n", job->runDir().c_str(),
                 job->config().staticSubnet ? "static baseline" : "supernet",
                 group ? (", " + std::to_string(group->size()) + " ranks").c_str() : "");
    TerminalProgress bar("train");
    TrainCallbacks cb;
    cb.onProgress = [&](const Progress& p) {
        Progress q = p;
        q.message = p.stage;
        bar.update(q);
    };
    cb.onMessage = [&](const std::string& m) {
        bar.finish();
        std::fprintf(stderr, "%s\n", m.c_str());
    };
    cb.onEpoch = [&](const EpochMetrics& e) {
        bar.finish();
        std::string acc;
        for (size_t i = 0; i < e.names.size(); ++i) {
            char b[64];
            std::snprintf(b, sizeof b, "%s %.2f%%  ", e.names[i].c_str(), 100 * e.valAccuracy[i]);
            acc += b;
        }
        std::fprintf(stderr, "%s epoch %d (step %lld): validation %s\n", e.stage.c_str(), e.epoch,
                     (long long)e.step, acc.c_str());
    };
    const TrainOutcome o = job->run(cb, stopToken());
    bar.finish();
    std::fprintf(stderr, "%s after %s: %lld FP steps, %lld %s steps\n", o.finished ? "finished" : "stopped",
                 formatDuration(o.seconds).c_str(), (long long)o.fpSteps, (long long)o.steps,
                 job->config().staticSubnet ? "static" : "supernet");
    if (!o.finished) std::fprintf(stderr, "resume with: eqnet train --resume %s\n", job->runDir().c_str());
    return o.finished ? 0 : 130;
}

} // namespace

void registerTrain(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<TrainArgs>();
    TrainConfig& tc = a->config;
    auto* cmd = app.add_subcommand("train", "train the quantization supernet (or a static QAT baseline) "
                                            "into a run folder; resumable");
    cmd->add_option("--out", a->out, "run folder to create")->capture_default_str();
    cmd->add_option("--resume", a->resume, "continue the run in this folder");
    addModelOption(cmd, tc.model);
    CLI::Option* fpEpochs =
        cmd->add_option("--fp-epochs", tc.fpEpochs, "stage 1: FP training epochs (an imported model: 0 unless given)")
            ->capture_default_str();
    cmd->add_option("--from-fp", tc.fromFp, "stage 1 from this FP checkpoint (e.g. RUN/checkpoints/fp.pt)");
    cmd->add_option("--epochs", tc.epochs, "stage 2 epochs")->capture_default_str();
    cmd->add_option("--batch-size", tc.batchSize)->capture_default_str();
    cmd->add_option("--lr", tc.lr, "Adam, cosine decay to 0")->capture_default_str();
    cmd->add_option("--weight-decay", tc.weightDecay)->capture_default_str();
    cmd->add_option("--grad-clip", tc.gradClip, "clip gradients by value")->capture_default_str();
    cmd->add_option("--label-smoothing", tc.labelSmoothing)->capture_default_str();
    cmd->add_option("--subnets", tc.subnetsPerStep, "K subnets per step (largest, K-2 random, smallest)")
        ->capture_default_str();
    cmd->add_option("--guidance", a->guidance, "gpg, teacher or labels")->capture_default_str();
    cmd->add_option("--alpha", tc.alpha, "weight of the KL term")->capture_default_str();
    cmd->add_flag("--no-wdr", a->noWdr, "switch WDR-Loss off (ablation)");
    cmd->add_flag("--adam-moves-unused-slots", tc.adamMovesUnusedSlots,
                  "ablation: unused bit-widths of a used setting get a zero gradient, so Adam's "
                  "momentum moves them (the behaviour before per-slot parameters)");
    cmd->add_option("--wdr-skew-weight", tc.wdrSkewWeight)->capture_default_str();
    cmd->add_option("--wdr-kurt-weight", tc.wdrKurtWeight)->capture_default_str();
    cmd->add_option("--wdr-kurt-target", tc.wdrKurtTarget)->capture_default_str();
    cmd->add_option("--static", a->staticBits, "train a static baseline: ONE uniform subnet at these bits");
    cmd->add_option("--static-form", a->staticForm, "form of the static baseline")->capture_default_str();
    cmd->add_option("--calib-images", tc.calibImages)->capture_default_str();
    cmd->add_option("--eval-images", tc.evalImages, "validation images per epoch-end measurement (0: all)")
        ->capture_default_str();
    cmd->add_option("--seed", tc.seed)->capture_default_str();
    addRuntimeOptions(cmd, a->rt);
    addDistributedOptions(cmd, a->dist);
    addLocalBatchNormOption(cmd, tc);
    addDataOptions(cmd, tc.data);
    addAugmentationOptions(cmd, tc.data.augment);
    set.add(cmd, [a, fpEpochs] {
        TrainConfig& tc = a->config;
        tc.guidance = parseGuidance(a->guidance);
        tc.wdr = !a->noWdr;
        if (a->staticBits) {
            tc.staticSubnet = true;
            tc.staticBits = a->staticBits;
            tc.staticForm = parseForm(a->staticForm);
        }
        importedModelSkipsFpTraining(fpEpochs, tc.model, tc.fpEpochs);
        return runTrain(tc, a->out, a->resume, a->rt, resolveDistributed(a->dist));
    });
}

} // namespace eqcli
