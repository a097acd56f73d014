// The run every stage after training starts from (trained_run.h).
#include "pipeline/trained_run.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/run_layout.h"

#include <filesystem>

namespace eqnet {

namespace fs = std::filesystem;

TrainedRun openTrainedRun(const std::string& runDir, const std::string& device) {
    TrainConfig cfg = TrainingJob::open(runDir).config();
    const std::string ckpt = runCheckpointPath(runDir);
    if (!fs::exists(ckpt))
        throw Error(runDir + ": no trained supernet (" + ckpt + " is missing); run `eqnet train` first");
    Supernet net = loadRunSupernet(runDir, device);
    return TrainedRun{std::move(cfg), ckpt, fileIdentity(ckpt), std::move(net)};
}

} // namespace eqnet
