#pragma once
// The command line's commands. Each command (or group: bench and its subcommands) lives in
// app/eqnet/<command>_command.cpp with one register function: it adds its subcommand and the
// subcommand's options to the app, and the action to run when that subcommand is chosen to the
// CommandSet. main.cpp calls the register functions in the order `eqnet --help` lists them,
// parses, and runs the chosen action. Options several commands share: shared_options.h.
#include "eqnet/job.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <utility>
#include <vector>

namespace eqcli {

// The stop token Ctrl-C sets (main.cpp). Long work polls it; a command stopped by it returns 130.
const eqnet::StopToken& stopToken();

// What a chosen command does; returns the exit code. An eqnet::Error thrown out of it is
// reported by main() as "error: ..." with exit code 2, any other exception as an internal error (3).
using Action = std::function<int()>;

class CommandSet {
public:
    // `action` runs when `cmd` is the (sub)command given on the command line. The action owns
    // the variables the command's options write to (capture them by shared_ptr).
    void add(CLI::App* cmd, Action action) { actions_.emplace_back(cmd, std::move(action)); }
    // After parsing: the action of the command that was given, or null.
    const Action* chosen() const {
        for (const auto& [cmd, action] : actions_)
            if (cmd->parsed()) return &action;
        return nullptr;
    }

private:
    std::vector<std::pair<CLI::App*, Action>> actions_;
};

using RegisterFn = void (*)(CLI::App& app, CommandSet& set);

void registerInfo(CLI::App& app, CommandSet& set);        // info_command.cpp
void registerPtq(CLI::App& app, CommandSet& set);         // ptq_command.cpp
void registerEval(CLI::App& app, CommandSet& set);        // eval_command.cpp
void registerRecalibrate(CLI::App& app, CommandSet& set); // recalibrate_command.cpp
void registerTrain(CLI::App& app, CommandSet& set);       // train_command.cpp
void registerReport(CLI::App& app, CommandSet& set);      // report_command.cpp
void registerBench(CLI::App& app, CommandSet& set);       // bench_command.cpp: bench and its subcommands
void registerCqap(CLI::App& app, CommandSet& set);        // cqap_command.cpp
void registerSearch(CLI::App& app, CommandSet& set);      // search_command.cpp
void registerProfiles(CLI::App& app, CommandSet& set);    // profiles_command.cpp
void registerExport(CLI::App& app, CommandSet& set);      // export_command.cpp
void registerPipeline(CLI::App& app, CommandSet& set);    // pipeline_command.cpp
void registerLaunch(CLI::App& app, CommandSet& set);      // launch_command.cpp

} // namespace eqcli
