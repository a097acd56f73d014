#pragma once
// What every stage after training starts from: the run's configuration, its last checkpoint
// (with the identity its results are keyed by) and the supernet loaded from it.
#include "eqnet/supernet.h"
#include "eqnet/training.h"

#include <string>

namespace eqnet {

struct TrainedRun {
    TrainConfig config;
    std::string checkpoint;   // runCheckpointPath(runDir)
    std::string checkpointId; // fileIdentity(checkpoint)
    Supernet net;
};

// Throws eqnet::Error naming the run when it is not a run folder or holds no checkpoint.
TrainedRun openTrainedRun(const std::string& runDir, const std::string& device);

} // namespace eqnet
