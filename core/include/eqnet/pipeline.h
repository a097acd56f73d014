#pragma once
// `eqnet pipeline`: training and every stage after it (cqap_stage.h, search_stage.h,
// export_stage.h) end to end over one run folder, each resumable, with pipeline.json recording
// the options the folder was made with (DEVELOPERS.md). Including it includes every stage's
// header and the run layout: all that works over a run folder.
#include "eqnet/cqap_stage.h"
#include "eqnet/export_stage.h"
#include "eqnet/job.h"
#include "eqnet/run_layout.h"
#include "eqnet/search_stage.h"
#include "eqnet/subnet_measurement.h"
#include "eqnet/training.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace eqnet {

class RankGroup; // eqnet/distributed.h

struct PipelineOptions {
    std::string preset;        // "fmnist" or "quick"
    TrainConfig train;
    CqapStageOptions cqap;
    SearchStageOptions search;
    ExportStageOptions exportOptions;
    // Export budget as a uniform subnet: the best subnet whose BitOps are at most those of
    // uniform W<b>A<b> in the profile's form (0: the profile's own budget).
    int exportBudgetBits = 4;
    // Data-parallel (docs/distributed.md): the training stage runs on these ranks. Rank 0 runs
    // the pipeline; the other ranks train with it and return when training ends.
    std::shared_ptr<RankGroup> ranks;
};

// "fmnist": the published schedule shortened for this data set (FP 2 + supernet 3 epochs,
// 100 subnets per form, NSGA-II 100 x 500 after 3 rounds of predictor refinement);
// "quick": the same stages in about five minutes (no refinement).
PipelineOptions pipelinePreset(const std::string& name);
std::vector<std::string> pipelinePresetNames();

struct PipelineCallbacks {
    TrainCallbacks train;
    ProgressFn progress;                              // the stages after training
    std::function<void(const std::string&)> onStage; // "train", "cqap", "search", "export"
};

// Where a pipeline's time went: one stage's wall time and the CPU time of the process meanwhile
// (cpuSeconds / wallSeconds = the cores it kept busy on average).
struct StageTime {
    std::string stage; // "train", "cqap", "search", "export"
    double wallSeconds = 0;
    double cpuSeconds = 0;
    double cores() const { return wallSeconds > 0 ? cpuSeconds / wallSeconds : 0.0; }
};

struct PipelineResult {
    bool finished = false; // false: stopped (run the same command again to go on)
    FrontFile front;
    ExportStageResult exported;
    CqapScores cqap, cqapUnconditional;
    double seconds = 0;
    // The stages this call ran, in order (a stopped call: those it began). pipeline.json keeps
    // their sums over every call under "stage_times" (wall_s, cpu_s per stage).
    std::vector<StageTime> stageTimes;
};

// The CQAP settings `eqnet pipeline` used for a run: its preset's, with the sampling and fit
// fields pipeline.json recorded (samples per form, seed, validation images, hidden layers).
// None when the run was not made by the pipeline (no pipeline.json). Throws eqnet::Error
// naming pipeline.json when it cannot be read.
std::optional<CqapStageOptions> pipelineCqapOptions(const std::string& runDir);

// Runs every stage into runDir, skipping what is already done (each stage resumes where it
// stopped). pipeline.json records the options; running again with other options is refused.
PipelineResult runPipeline(const std::string& runDir, const PipelineOptions& opt,
                           const PipelineCallbacks& cb = {}, const StopToken& stop = {});

} // namespace eqnet
