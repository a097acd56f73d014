#pragma once
// The stages after training, each over a run folder and each resumable (DEVELOPERS.md):
//   cqap/      samples.jsonl (appended as measured), predictor.json, predictor-unconditional.json,
//              scores.json
//   search/    <profile>/front.json: the Pareto front searched for a hardware profile, with
//              predicted and measured accuracy side by side and the uniform baselines
//   exports/   subnet configs (JSON, with provenance) and ONNX models
// and `eqnet pipeline`, which runs training and all of these end to end.
#include "eqnet/cqap.h"
#include "eqnet/job.h"
#include "eqnet/onnx_export.h"
#include "eqnet/paired_comparison.h"
#include "eqnet/profile.h"
#include "eqnet/search.h"
#include "eqnet/subnet_json.h"
#include "eqnet/supernet.h"
#include "eqnet/training.h"

#include <optional>
#include <string>

namespace eqnet {

// Files of a run folder.
std::string runCheckpointPath(const std::string& runDir);      // checkpoints/last.pt
std::string cqapSamplesPath(const std::string& runDir);        // cqap/samples.jsonl
std::string cqapPredictorPath(const std::string& runDir, bool conditional = true);
std::string cqapScoresPath(const std::string& runDir);         // cqap/scores.json

struct CqapStageOptions {
    CqapSamplingOptions sampling;
    CqapFitOptions fit;
    bool ablation = true;       // also fit the unconditional predictor (no form bits)
    bool sampleOnly = false;    // measure, do not fit
    // Fit again even when the predictor was fitted on the same samples with the same settings
    // (the studio's Refit); otherwise such a fit is kept.
    bool refit = false;
    std::string device = "cpu";
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

// ---- Search and verification (§6) --------------------------------------------------------

// One subnet of a front (or a uniform baseline) with its cost, its prediction and, once
// verified, its measured accuracy (§4) on the validation and the test split.
struct FrontPoint {
    SubnetConfig config;
    SubnetCost cost;
    double predicted = 0;
    std::optional<double> validation, test;
    std::string label; // "W4A4" for a uniform subnet; "" for a searched one
    std::string testCorrect; // packCorrect() of the test measurement's per-image results
};

// A uniform baseline against the front point a user would pick for the same hardware: the
// best on validation among those at no more BitOps, compared on the test split, image by
// image (paired bootstrap interval of the accuracy difference, front point minus baseline).
struct BaselineComparison {
    std::string baseline;  // "W4A4"
    int64_t point = -1;    // index into FrontFile::points; -1: no front point is that cheap
    double baselineTest = 0, pointTest = 0;
    PairedDifference difference;
};

struct FrontVerification {
    int64_t measured = 0;     // front points with a validation measurement
    double rmse = 0, mae = 0; // predicted vs measured (validation), percentage points
    double bias = 0;          // mean (predicted - measured), percentage points
    double kendallTau = 0;    // over the measured front points
    int64_t baselinesBeaten = 0; // uniform baselines some front point beats (no more BitOps, higher
                                 // measured validation accuracy)
    int64_t baselines = 0;       // uniform baselines measured
    // On the test split (points and baselines with per-image results): one comparison per
    // baseline, and how many the front beats with the whole 95 % interval above zero.
    std::vector<BaselineComparison> testComparisons;
    int64_t baselinesBeatenOnTest = 0;
};

// search/<profile>/front.json ("eqnet.front" v1).
struct FrontFile {
    std::string model;
    std::string checkpointId;  // the supernet the points were measured on
    HardwareProfile profile;
    ParetoOptions search;
    int64_t evaluations = 0;
    double searchSeconds = 0;
    bool exhaustive = false;
    double predictorTau = 0;   // the predictor's held-out Kendall tau when it was used
    int64_t bnImages = 0;      // BN re-estimation images of the measurements (0: unknown, older file)
    int bnRepeats = 1;         // BN estimates averaged per validation measurement (EvalOptions)
    int refineRounds = 0, refinePoints = 0; // predictor refinement (SearchStageOptions)
    int64_t refineMeasured = 0;             // subnets the refinement measured
    std::vector<FrontPoint> points;  // sorted by BitOps
    std::vector<FrontPoint> uniform; // uniform baselines of the profile's form
    FrontVerification verification;
};

std::string frontToJson(const FrontFile& f, const std::vector<LayerInfo>& layers);
FrontFile frontFromJson(const std::string& text, const std::string& source, const std::vector<LayerInfo>& layers);
std::string frontPath(const std::string& runDir, const std::string& profileName);
// search/<profile>/refine.jsonl: the refinement's measurements; predictor.json: its predictor.
std::string frontRefinePath(const std::string& runDir, const std::string& profileName);
std::string frontPredictorPath(const std::string& runDir, const std::string& profileName);
FrontFile readFront(const std::string& runDir, const std::string& profileName, const std::vector<LayerInfo>& layers);
// Recomputes `verification` from the points.
FrontVerification summariseVerification(const FrontFile& f);

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
};

// Searches the run's space for the profile with its CQAP predictor, writes the front, then
// measures its points and the uniform baselines, rewriting the front file after each
// measurement (so a stop keeps every measurement made, and running again goes on).
FrontFile runSearchStage(const std::string& runDir, const SearchStageOptions& opt,
                         const ProgressFn& progress = {}, const StopToken& stop = {});

// ---- Export ---------------------------------------------------------------------------------

struct ExportStageOptions {
    std::string profile = "flex-2to8-pt";
    int point = -1;             // index into the front; -1: choose (below)
    // With point = -1: of the front points whose BitOps are at most this (0: the profile's
    // budget, if any), the one with the best measured validation accuracy (the best predicted
    // one when none of them is measured).
    double maxBitops = 0;
    // With point = -1, the measured uniform baselines within the budget compete too: when one
    // is better on validation than every measured front point, it is exported (a mixed-precision
    // subnet is worth deploying only where it is better; docs/results.md). false: front only.
    bool includeUniform = true;
    std::string name;           // file names exports/<name>.json/.onnx; "" = <profile>-p<index>
    bool json = true;
    bool onnx = true;
    std::string outDir;         // "" = <run>/exports
    std::string device = "cpu";
};

struct ExportStageResult {
    int pointIndex = -1;        // the front point exported; -1 when a uniform baseline was
    FrontPoint point;           // what was exported (point.label: "W4A4" for a uniform baseline)
    std::optional<double> bestFrontValidation; // the best measured front point within the budget
    std::string jsonPath, onnxPath;
    OnnxExportSummary onnx;
};

ExportStageResult runExportStage(const std::string& runDir, const ExportStageOptions& opt,
                                 const ProgressFn& progress = {});

// One subnet of a run, exported to the given files (the studio's Export dialog): the subnet
// JSON with its accuracy and provenance, and/or the ONNX model. An empty path skips that
// file. ONNX is written first; each file is written atomically, so a failure leaves any
// existing file at the path as it was. Throws eqnet::Error naming the file or the field.
struct SubnetExportOptions {
    std::string jsonPath;
    std::string onnxPath;
    std::string profile;      // provenance: the hardware profile's name ...
    std::string profileFile;  // ... and file ("" for one edited in the studio)
    double predicted = -1;    // accuracies to record (< 0: none)
    double validation = -1;
    double test = -1;
    std::string device = "cpu";
};
struct SubnetExportResult {
    std::string jsonPath, onnxPath;
    OnnxExportSummary onnx;
    SubnetCost cost;
};
SubnetExportResult exportRunSubnet(const std::string& runDir, const SubnetConfig& cfg,
                                   const SubnetExportOptions& opt, const ProgressFn& progress = {});

// Measures one subnet of a run's supernet as the verification does (§4: BN re-estimated with
// the run's evaluation settings), on the validation split and, when `test`, the test split.
struct SubnetMeasurement {
    double validation = 0;
    std::optional<double> test;
    std::string testCorrect; // packCorrect() of the test split's per-image results
    double seconds = 0;
    std::string checkpointId; // fileIdentity() of the checkpoint measured
};
SubnetMeasurement measureRunSubnet(const std::string& runDir, const SubnetConfig& cfg, bool test = true,
                                   const std::string& device = "cpu", const ProgressFn& progress = {},
                                   const StopToken& stop = {});

// Writes a measurement of `cfg` into the stored front of `profileName` (every point and
// baseline with exactly that subnet), summarises the verification again and replaces the file
// atomically. False, with nothing written, when the front holds no such subnet, or when it was
// searched on another checkpoint than the one measured (m.checkpointId). Throws eqnet::Error
// when the front cannot be read or written.
bool recordFrontMeasurement(const std::string& runDir, const std::string& profileName,
                            const std::vector<LayerInfo>& layers, const SubnetConfig& cfg,
                            const SubnetMeasurement& m);

// ---- The whole pipeline -----------------------------------------------------------------------

struct PipelineOptions {
    std::string preset;        // "fmnist" or "quick"
    TrainConfig train;
    CqapStageOptions cqap;
    SearchStageOptions search;
    ExportStageOptions exportOptions;
    // Export budget as a uniform subnet: the best subnet whose BitOps are at most those of
    // uniform W<b>A<b> in the profile's form (0: the profile's own budget).
    int exportBudgetBits = 4;
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

struct PipelineResult {
    bool finished = false; // false: stopped (run the same command again to go on)
    FrontFile front;
    ExportStageResult exported;
    CqapScores cqap, cqapUnconditional;
    double seconds = 0;
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

// A markdown table of a verified front and its baselines.
std::string frontTable(const FrontFile& f, const std::vector<LayerInfo>& layers);

} // namespace eqnet
