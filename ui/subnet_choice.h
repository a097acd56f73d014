#pragma once
// A subnet the person picked (a Pareto point, a uniform baseline): what the detail view, the
// Verify button and the Export dialog work on.
#include "eqnet/cost_model.h"
#include "eqnet/quant_types.h"

#include <QString>

#include <optional>

namespace eqnet {
namespace ui {

struct SubnetChoice {
    SubnetConfig config;
    SubnetCost cost;
    double predicted = -1;            // CQAP, 0..1 (< 0: none)
    std::optional<double> validation; // measured, 0..1
    std::optional<double> test;
    QString profileName;              // the hardware profile it was found for
    QString profileFile;              // "" for a profile edited in the studio and not saved
    QString label;                    // "W4A4" for a uniform subnet, "" for a searched one

    bool isValid() const { return !config.layers.empty(); }
};

} // namespace ui
} // namespace eqnet
