#pragma once
// The command line's stage commands (cqap, search, export, pipeline, bench search) live in
// their own files; each adds its subcommands to the app and, when chosen, sets `action`.
#include "eqnet/job.h"

#include <CLI/CLI.hpp>

#include <functional>

namespace eqcli {

// The stop token Ctrl-C sets (main.cpp).
const eqnet::StopToken& stopToken();

void addStageCommands(CLI::App& app, std::function<int()>& action);

} // namespace eqcli
