#pragma once
// Exporting subnets of a run: a front point chosen by index or budget (the pipeline's and
// `eqnet export`'s stage), or any subnet (the studio's Export dialog), as the subnet JSON
// with its accuracy and provenance and as the ONNX QDQ model.
#include "eqnet/front.h"
#include "eqnet/job.h"
#include "eqnet/onnx_export.h"
#include "eqnet/subnet_json.h"

#include <optional>
#include <string>

namespace eqnet {

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
    std::string constraints;  // ... and content (profileToJson(); SubnetProvenance::constraints)
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

} // namespace eqnet
