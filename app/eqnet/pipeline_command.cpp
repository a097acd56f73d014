// eqnet pipeline: FP training, supernet, CQAP, search, verification and export end to end
// (resumable: the same command goes on where it stopped).
#include "commands.h"
#include "shared_options.h"
#include "terminal_progress.h"

#include "eqnet/distributed.h"
#include "eqnet/pipeline.h"
#include "eqnet/supernet.h"
#include "eqnet/timing.h"
#include "eqnet/training.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

namespace eqcli {

using namespace eqnet;

namespace {

// What the pipeline command may change in its preset: the network, the data and stage 1.
struct PipelineChoices {
    std::string model;        // empty: the preset's
    DataSpec data;
    int fpEpochs = -1;        // -1: the preset's (0 for an imported model)
    int perForm = 0;          // 0: the preset's
    TrainConfig train;        // only syncBatchNorm is taken from it (--local-bn)
};

struct PipelineArgs {
    std::string out = "runs/fmnist";
    std::string preset = "fmnist";
    PipelineChoices choices;
    RuntimeOptions rt;
    DistributedArgs dist;
};

int runPipelineCmd(const std::string& out, const std::string& preset, const std::string& device,
                   const RuntimeOptions& rt, const PipelineChoices& ch, const DistOptions& dist) {
    applyRuntime(rt);
    PipelineOptions opt = pipelinePreset(preset);
    opt.train.device = device;
    if (ch.perForm > 0) opt.cqap.sampling.perForm = ch.perForm;
    if (!ch.model.empty()) opt.train.model = ch.model;
    const int64_t trainLimit = opt.train.data.trainLimit; // the quick preset trains on a subset
    opt.train.data = ch.data;
    opt.train.data.trainLimit = trainLimit;
    opt.train.syncBatchNorm = ch.train.syncBatchNorm;
    if (ch.fpEpochs >= 0) opt.train.fpEpochs = ch.fpEpochs;
    else if (isModelFile(opt.train.model)) opt.train.fpEpochs = 0;
    if (dist.distributed()) {
        opt.ranks = RankGroup::connect(dist);
        if (opt.ranks->rank() != 0) // trains quietly with rank 0, which reports and runs the later stages
            return runPipeline(out, opt, {}, stopToken()).finished ? 0 : 130;
    }
    std::fprintf(stderr, "pipeline preset %s into %s%s\n", preset.c_str(), out.c_str(),
                 dist.distributed() ? (", training on " + std::to_string(dist.worldSize) + " ranks").c_str() : "");
    auto bar = std::make_shared<std::unique_ptr<TerminalProgress>>();
    PipelineCallbacks cb;
    cb.onStage = [bar](const std::string& s) {
        bar->reset();
        std::fprintf(stderr, "== %s\n", s.c_str());
        *bar = std::make_unique<TerminalProgress>(s);
    };
    cb.progress = [bar](const Progress& p) {
        if (*bar) (*bar)->update(p);
    };
    cb.train.onProgress = [bar](const Progress& p) {
        Progress q = p;
        q.message = p.stage;
        if (*bar) (*bar)->update(q);
    };
    cb.train.onMessage = [bar](const std::string& m) {
        if (*bar) (*bar)->finish();
        std::fprintf(stderr, "%s\n", m.c_str());
    };
    cb.train.onEpoch = [bar](const EpochMetrics& e) {
        if (*bar) (*bar)->finish();
        std::string acc;
        for (size_t i = 0; i < e.names.size(); ++i) {
            char b[64];
            std::snprintf(b, sizeof b, "%s %.2f%%  ", e.names[i].c_str(), 100 * e.valAccuracy[i]);
            acc += b;
        }
        std::fprintf(stderr, "%s epoch %d: validation %s\n", e.stage.c_str(), e.epoch, acc.c_str());
    };
    const auto t0 = std::chrono::steady_clock::now();
    const PipelineResult r = runPipeline(out, opt, cb, stopToken());
    bar->reset();
    const double secs = secondsSince(t0);
    // Where the time went (pipeline.json sums these over every call).
    std::string times;
    for (const StageTime& t : r.stageTimes) {
        char b[96];
        std::snprintf(b, sizeof b, "%s%s %s (%.2f cores)", times.empty() ? "" : ", ", t.stage.c_str(),
                      formatDuration(t.wallSeconds).c_str(), t.cores());
        times += b;
    }
    if (!times.empty()) std::fprintf(stderr, "stage times: %s\n", times.c_str());
    if (!r.finished) {
        std::fprintf(stderr, "stopped after %s; run the same command again to go on where it stopped\n",
                     formatDuration(secs).c_str());
        return 130;
    }
    const Supernet net = loadRunSupernet(out, device);
    std::printf("\nCQAP (held-out 20%%): Kendall tau %.3f, RMSE %.2f pp; without the form bits: tau %.3f, RMSE %.2f pp\n\n",
                r.cqap.kendallTau, r.cqap.rmse, r.cqapUnconditional.kendallTau, r.cqapUnconditional.rmse);
    std::printf("%s\n", frontTable(r.front, net.layers()).c_str());
    if (r.exported.point.label.empty())
        std::printf("exported front point %d: %s", r.exported.pointIndex, r.exported.jsonPath.c_str());
    else
        std::printf("exported uniform %s (better on validation than every front point within the budget): %s",
                    r.exported.point.label.c_str(), r.exported.jsonPath.c_str());
    if (!r.exported.onnxPath.empty()) std::printf(" and %s", r.exported.onnxPath.c_str());
    std::printf("\npipeline finished; this call took %s\n", formatDuration(secs).c_str());
    return 0;
}

} // namespace

void registerPipeline(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<PipelineArgs>();
    PipelineChoices& ch = a->choices;
    auto* cmd = app.add_subcommand("pipeline", "FP training, supernet, CQAP, search, verification and export end to "
                                               "end; run it again to resume");
    cmd->add_option("--preset", a->preset, "fmnist (the full default) or quick (about five minutes)")
        ->check(CLI::IsMember(pipelinePresetNames()))->capture_default_str()
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast); // scripts/run passes defaults first
    cmd->add_option("--out", a->out, "run folder")->capture_default_str()
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    cmd->add_option("--per-form", ch.perForm, "CQAP subnets per form (default: the preset's)");
    cmd->add_option("--model", ch.model, "mbv2-28 (default), another built-in network, or an FP .onnx file");
    cmd->add_option("--fp-epochs", ch.fpEpochs,
                    "stage 1 FP training epochs (default: the preset's; 0 for an imported model)");
    addDataOptions(cmd, ch.data);
    addAugmentationOptions(cmd, ch.data.augment);
    addRuntimeOptions(cmd, a->rt);
    addDistributedOptions(cmd, a->dist);
    addLocalBatchNormOption(cmd, ch.train);
    set.add(cmd, [a] {
        return runPipelineCmd(a->out, a->preset, a->rt.device, a->rt, a->choices, resolveDistributed(a->dist));
    });
}

} // namespace eqcli
