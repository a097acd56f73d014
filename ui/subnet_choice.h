#pragma once
// A subnet the person picked (a Pareto point, a uniform baseline): what the detail view, the
// Verify button and the Export dialog work on.
#include "eqnet/cost_model.h"
#include "eqnet/quant_types.h"

#include <QString>

#include <optional>
#include <string>

namespace eqnet {
namespace ui {

// The hardware profile a subnet was found for, as it was searched: with the person's edits
// in the constraints dock when they are not saved (`modified`, no file).
struct ChoiceProfile {
    QString name;            // the picked profile's name
    QString file;            // where it was read from; "" when edited and not saved
    bool modified = false;   // edited in the studio since it was picked
    std::string constraints; // its content (profileToJson): what an export records

    // "int8-pc-sym" or "int8-pc-sym (modified)": what the studio shows and an export records.
    QString displayName() const;
    // A file-name stem: "int8-pc-sym" or "int8-pc-sym-modified".
    QString fileStem() const;
    // What an export's provenance records, in any language: "int8-pc-sym (modified)".
    std::string recordedName() const;
};

struct SubnetChoice {
    SubnetConfig config;
    SubnetCost cost;
    double predicted = -1;            // CQAP, 0..1 (< 0: none)
    std::optional<double> validation; // measured, 0..1
    std::optional<double> test;
    ChoiceProfile profile;            // the hardware profile it was found for
    QString label;                    // "W4A4" for a uniform subnet, "" for a searched one

    bool isValid() const { return !config.layers.empty(); }
};

} // namespace ui
} // namespace eqnet
