#pragma once
// The layout of a run folder: every file name a run holds, defined here once and used by the
// trainer, the stages, the command line and the studio (plain C++: the studio includes it).
//
//   run.json                      the training configuration (TrainConfig)
//   metrics.jsonl                 one record per step, evaluation and event (metrics_schema.h)
//   checkpoints/last.pt           the latest checkpoint (resume point; the finished supernet)
//   checkpoints/fp.pt             the full-precision network after stage 1
//   pipeline.json                 the options `eqnet pipeline` ran with (its resume key)
//   cqap/samples.jsonl            measured subnets, appended as measured
//   cqap/predictor.json           the fitted CQAP predictor (predictor-unconditional.json: the
//                                 ablation without form bits), cqap/scores.json their scores
//   search/<profile>/front.json   the Pareto front searched for a hardware profile
//   search/<profile>/refine.jsonl the predictor refinement's measurements (predictor.json: its
//                                 refitted predictor)
//   exports/                      exported subnets (JSON, ONNX)
#include <string>

namespace eqnet {
namespace runfile {
constexpr const char* kConfig = "run.json";
constexpr const char* kMetrics = "metrics.jsonl";
constexpr const char* kCheckpointDir = "checkpoints";
constexpr const char* kLastCheckpoint = "last.pt";
constexpr const char* kFpCheckpoint = "fp.pt";
constexpr const char* kPipeline = "pipeline.json";
constexpr const char* kCqapDir = "cqap";
constexpr const char* kSamples = "samples.jsonl";
constexpr const char* kPredictor = "predictor.json";
constexpr const char* kUnconditionalPredictor = "predictor-unconditional.json";
constexpr const char* kScores = "scores.json";
constexpr const char* kSearchDir = "search";
constexpr const char* kFront = "front.json";
constexpr const char* kRefine = "refine.jsonl";
constexpr const char* kExportsDir = "exports";
} // namespace runfile

std::string runConfigPath(const std::string& runDir);           // run.json
std::string runMetricsPath(const std::string& runDir);          // metrics.jsonl
std::string runCheckpointPath(const std::string& runDir);       // checkpoints/last.pt
std::string runFpCheckpointPath(const std::string& runDir);     // checkpoints/fp.pt
std::string runCheckpointDir(const std::string& runDir);        // checkpoints/
std::string pipelineRecordPath(const std::string& runDir);      // pipeline.json
std::string cqapSamplesPath(const std::string& runDir);         // cqap/samples.jsonl
std::string cqapPredictorPath(const std::string& runDir, bool conditional = true);
std::string cqapScoresPath(const std::string& runDir);          // cqap/scores.json
std::string runSearchDir(const std::string& runDir);            // search/
std::string frontPath(const std::string& runDir, const std::string& profileName);
std::string frontRefinePath(const std::string& runDir, const std::string& profileName);
std::string frontPredictorPath(const std::string& runDir, const std::string& profileName);
std::string runExportsDir(const std::string& runDir);           // exports/

} // namespace eqnet
