#pragma once
// `eqnet report`: the accuracy of a trained supernet's uniform subnets in every form, on the
// validation and the test split, beside the static baselines trained for the same setting.
#include "eqnet/job.h"
#include "eqnet/supernet.h"

#include <string>
#include <vector>

namespace eqnet {

struct ReportOptions {
    EvalOptions eval;
    std::vector<std::string> staticRuns; // run folders trained with --static
    std::vector<QuantForm> forms;        // empty: all 8
    std::vector<int> bits;               // empty: 2..8
    std::string device = "cpu";
};

// A markdown table, one row per (form, W=A bits).
std::string runReport(const std::string& runDir, const ReportOptions& opt, const ProgressFn& progress = {},
                      const StopToken& stop = {});

// Per-layer sensitivity: for each form, the W8A8 subnet and, for every searchable layer, the
// same subnet with that layer alone at `bits` (weights and activations), measured on the
// validation split. A markdown table: one row per layer, its accuracy drop per form (pp).
std::string runSensitivityReport(const std::string& runDir, const ReportOptions& opt, int bits = kMinBits,
                                 const ProgressFn& progress = {}, const StopToken& stop = {});

} // namespace eqnet
