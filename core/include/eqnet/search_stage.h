#pragma once
// The search stage over a run folder (docs/method.md §6): search the profile's space with
// the run's CQAP predictor (refined first, if asked), then verify the front by measuring its
// points beside the uniform baselines (front.h holds the file it writes).
#include "eqnet/front.h"
#include "eqnet/job.h"

#include <memory>
#include <string>

namespace eqnet {

class RankGroup; // eqnet/distributed.h

struct SearchStageOptions {
    std::string profile = "flex-2to8-pt"; // a profile name or a file
    ParetoOptions search;
    bool verify = true;
    int verifyTop = 0;         // measure only the K most accurate predicted points (0: all)
    bool verifyTest = true;    // also measure on the test split (reports only; never searched on)
    bool uniformBaselines = true;
    bool fresh = false;        // search again even when a front for this checkpoint exists
    // BN re-estimation images of every measurement of this stage (0: the run's setting).
    int64_t bnImages = 0;
    // BN estimates averaged per validation measurement (0: the run's setting). Test
    // measurements keep one estimate: they measure the model that an export deploys.
    int bnRepeats = 0;
    // Predictor refinement (docs/method.md §6): before the search that makes the front,
    // `refineRounds` times search, measure `refinePoints` of that front on the validation split
    // and fit the predictor again on the CQAP samples plus every subnet measured so far.
    int refineRounds = 0;
    int refinePoints = 16;
    std::string device = "cpu";
    int workers = 0; // subnets measured at once (MeasurementPool; 0: one per thread)
    // A distributed run's ranks (docs/distributed.md): the others measure with this one, which
    // must be rank 0; they serve (serveMeasurements) until it calls endMeasurements.
    std::shared_ptr<RankGroup> ranks;
};

// Searches the run's space for the profile with its CQAP predictor, writes the front, then
// measures its points and the uniform baselines, rewriting the front file after each
// measurement (so a stop keeps every measurement made, and running again goes on).
FrontFile runSearchStage(const std::string& runDir, const SearchStageOptions& opt,
                         const ProgressFn& progress = {}, const StopToken& stop = {});

} // namespace eqnet
