#pragma once
// The front file, search/<profile>/front.json ("eqnet.front" v1): the Pareto front searched
// for a hardware profile, with predicted and measured accuracy side by side, the uniform
// baselines of the same form, and the verification statistics computed from them.
#include "eqnet/paired_comparison.h"
#include "eqnet/profile.h"
#include "eqnet/search.h"
#include "eqnet/supernet.h"

#include <optional>
#include <string>
#include <vector>

namespace eqnet {

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
FrontFile readFront(const std::string& runDir, const std::string& profileName, const std::vector<LayerInfo>& layers);
// Recomputes `verification` from the points.
FrontVerification summariseVerification(const FrontFile& f);

// A markdown table of a verified front and its baselines.
std::string frontTable(const FrontFile& f, const std::vector<LayerInfo>& layers);

} // namespace eqnet
