// The run folder's file names (run_layout.h).
#include "eqnet/run_layout.h"

#include <filesystem>

namespace eqnet {

namespace fs = std::filesystem;
using namespace runfile;

namespace {
std::string in(const std::string& runDir, const char* a) { return (fs::path(runDir) / a).string(); }
std::string in(const std::string& runDir, const char* a, const std::string& b) { return (fs::path(runDir) / a / b).string(); }
std::string searchFile(const std::string& runDir, const std::string& profileName, const char* name) {
    return (fs::path(runDir) / kSearchDir / profileName / name).string();
}
} // namespace

std::string runConfigPath(const std::string& runDir) { return in(runDir, kConfig); }
std::string runMetricsPath(const std::string& runDir) { return in(runDir, kMetrics); }
std::string runCheckpointPath(const std::string& runDir) { return in(runDir, kCheckpointDir, kLastCheckpoint); }
std::string runFpCheckpointPath(const std::string& runDir) { return in(runDir, kCheckpointDir, kFpCheckpoint); }
std::string runCheckpointDir(const std::string& runDir) { return in(runDir, kCheckpointDir); }
std::string pipelineRecordPath(const std::string& runDir) { return in(runDir, kPipeline); }
std::string cqapSamplesPath(const std::string& runDir) { return in(runDir, kCqapDir, kSamples); }
std::string cqapPredictorPath(const std::string& runDir, bool conditional) {
    return in(runDir, kCqapDir, conditional ? kPredictor : kUnconditionalPredictor);
}
std::string cqapScoresPath(const std::string& runDir) { return in(runDir, kCqapDir, kScores); }
std::string runSearchDir(const std::string& runDir) { return in(runDir, kSearchDir); }
std::string frontPath(const std::string& runDir, const std::string& profileName) {
    return searchFile(runDir, profileName, kFront);
}
std::string frontRefinePath(const std::string& runDir, const std::string& profileName) {
    return searchFile(runDir, profileName, kRefine);
}
std::string frontPredictorPath(const std::string& runDir, const std::string& profileName) {
    return searchFile(runDir, profileName, kPredictor);
}
std::string runExportsDir(const std::string& runDir) { return in(runDir, kExportsDir); }

} // namespace eqnet
