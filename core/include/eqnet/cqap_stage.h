#pragma once
// The CQAP stage over a run folder (docs/method.md §5): measure sampled subnets of the
// finished supernet into cqap/samples.jsonl, fit the predictor (and the unconditional
// ablation) and save them with their scores (run_layout.h names the files).
#include "eqnet/cqap.h"
#include "eqnet/job.h"

#include <memory>
#include <string>

namespace eqnet {

class RankGroup; // eqnet/distributed.h

struct CqapStageOptions {
    CqapSamplingOptions sampling;
    CqapFitOptions fit;
    bool ablation = true;       // also fit the unconditional predictor (no form bits)
    bool sampleOnly = false;    // measure, do not fit
    // Fit again even when the predictor was fitted on the same samples with the same settings
    // (the studio's Refit); otherwise such a fit is kept.
    bool refit = false;
    std::string device = "cpu";
    int workers = 0; // subnets measured at once (MeasurementPool; 0: one per thread)
    // A distributed run's ranks (docs/distributed.md): the others measure with this one, which
    // must be rank 0; they serve (serveMeasurements) until it calls endMeasurements.
    std::shared_ptr<RankGroup> ranks;
};

struct CqapStageResult {
    CqapSamplingOutcome sampling;
    bool fitted = false;
    CqapScores conditional, unconditional;
};

// Measures the missing samples of the run's finished supernet (appending each), then fits
// the conditional predictor (and the unconditional one) on every sample of this checkpoint
// and saves them with their scores. A stop during sampling returns with fitted == false.
CqapStageResult runCqapStage(const std::string& runDir, const CqapStageOptions& opt,
                             const ProgressFn& progress = {}, const StopToken& stop = {});

// The run's fitted predictor; throws eqnet::Error naming the file (and telling how to make it).
CqapPredictor loadRunPredictor(const std::string& runDir, bool conditional = true);

} // namespace eqnet
