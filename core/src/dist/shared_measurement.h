#pragma once
// A stage's measurements shared by the ranks of a distributed run (docs/distributed.md,
// "Measurement"): rank 0 posts the tasks, every rank measures the next free one, rank 0
// records every result (MeasurementPool::measure, serveMeasurements).
#include "eqnet/measurement_pool.h"

#include <string>

namespace eqnet::dist {

// What the other ranks need besides the tasks: the run and the checkpoint rank 0 measures.
struct SharedTasks {
    RankGroup& ranks;
    std::string runDir, checkpointId;
};

// Rank 0's side of MeasurementPool::measure with ranks.
bool measureShared(MeasurementPool& pool, const SharedTasks& shared, const std::vector<MeasurementTask>& tasks,
                   const Dataset& data, const EvalOptions& eval,
                   const std::function<void(size_t, const SubnetEvaluation&)>& done, const StopToken& stop);

} // namespace eqnet::dist
