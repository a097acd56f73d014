#pragma once
// The one place where every numeric command-line option gets its admissible range. Commands
// declare their options without checks; applyOptionLimits walks the whole command tree once,
// after every command has registered, and gives each INT/UINT/FLOAT option the range of the
// table in option_limits.cpp (a value outside it is refused before anything runs, naming the
// option and the range). A numeric option the table does not know is a programming error:
// applyOptionLimits throws, so a new option without limits cannot ship (every CLI test fails).
#include <CLI/CLI.hpp>


namespace eqcli {

void applyOptionLimits(CLI::App& app);

} // namespace eqcli
