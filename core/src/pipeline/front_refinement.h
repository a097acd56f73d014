#pragma once
// docs/method.md §6, "Refining the predictor near the front": a search selects the subnets its
// predictor over-rates, so the front it returns is the least trustworthy part of the
// predictor's range. Refinement measures some of each round's front and fits the predictor
// again on the CQAP samples plus those, before the search that makes the front.
#include "eqnet/cqap.h"
#include "eqnet/search.h"

#include <functional>
#include <string>
#include <vector>

namespace eqnet {

struct RefinementOptions {
    int rounds = 0;          // search, measure, refit; this many times
    int points = 16;         // front points measured per round, spread over BitOps
    ParetoOptions search;    // each round's search
    EvalOptions eval;        // how a point is measured (validation split)
    std::string path;        // the measurements file (JSON lines, appended as measured)
    std::string checkpointId;
    // Subnets measured in the first round besides its front points (the stage passes the
    // uniform baselines it measures anyway, so the predictor learns where they stand).
    std::vector<SubnetConfig> anchors;
};

struct RefinementResult {
    CqapPredictor predictor;           // fitted on the CQAP samples + `measured`
    std::vector<CqapSample> measured;  // every refinement measurement of this checkpoint/protocol
    int64_t measuredNow = 0;           // of which measured by this call
    bool stopped = false;
};

// The measurements a refinement file holds for this checkpoint and BN setting (others, and
// damaged lines, are ignored).
std::vector<CqapSample> readRefinementMeasurements(const std::string& path, const std::vector<LayerInfo>& layers,
                                                   const std::string& checkpointId, const EvalOptions& eval);

// Up to k of the front's configs, spread evenly over the front by BitOps (both ends kept),
// leaving out those for which `known` is true.
std::vector<SubnetConfig> spreadOverFront(const std::vector<SearchCandidate>& front, int k,
                                          const std::function<bool(const SubnetConfig&)>& known);

// Measures subnets on the validation split: done(i, accuracy 0..1, seconds) for each of
// `configs` as it is measured, one call at a time, in any order. False when stopped before
// every one was measured.
using MeasureSubnets = std::function<bool(const std::vector<SubnetConfig>& configs,
                                          const std::function<void(size_t, double, double)>& done)>;

// Runs the rounds. Measurements already in the file are reused (a stopped refinement goes on
// where it stopped). Each round's points are measured by one `measure` call (in parallel when
// it measures on a MeasurementPool). Progress: stage "refine", done/total = measurements.
RefinementResult refinePredictor(const std::string& model, const std::vector<LayerInfo>& layers,
                                 const HardwareProfile& profile, const CqapPredictor& start,
                                 const std::vector<CqapSample>& samples, const RefinementOptions& opt,
                                 const MeasureSubnets& measure,
                                 const ProgressFn& progress = {}, const StopToken& stop = {});

} // namespace eqnet
