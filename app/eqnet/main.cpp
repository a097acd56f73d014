// eqnet: the EQ-Net engine from the command line (headless: no Qt). The commands live in
// <command>_command.cpp (commands.h); this file builds the app from them, parses, handles
// Ctrl-C and runs the chosen command with the one error handling.
#include "commands.h"
#include "option_limits.h"

#include "eqnet/error.h"
#include "eqnet/supernet.h"
#include "eqnet/version.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace {

// Ctrl-C asks the running job to stop at the end of its current step.
eqnet::StopToken g_stop;
void onSigint(int) {
    if (g_stop.stopRequested()) std::_Exit(130); // second Ctrl-C: leave at once
    g_stop.requestStop();
}

// Every command, in the order `eqnet --help` lists them.
constexpr eqcli::RegisterFn kCommands[] = {
    eqcli::registerInfo,   eqcli::registerPtq,    eqcli::registerEval,     eqcli::registerRecalibrate,
    eqcli::registerTrain,  eqcli::registerReport, eqcli::registerBench,    eqcli::registerCqap,
    eqcli::registerSearch, eqcli::registerProfiles, eqcli::registerExport, eqcli::registerPipeline,
    eqcli::registerLaunch,
};

} // namespace

const eqnet::StopToken& eqcli::stopToken() { return g_stop; }

int main(int argc, char** argv) {
    CLI::App app{"eqnet: elastic quantization (EQ-Net) from the command line"};
    app.set_version_flag("--version", "eqnet " + eqnet::versionText());
    app.require_subcommand(1);
    eqcli::CommandSet commands;
    for (const eqcli::RegisterFn add : kCommands) add(app, commands);
    eqcli::applyOptionLimits(app);

    CLI11_PARSE(app, argc, argv);
    std::signal(SIGINT, onSigint);
    try {
        if (const eqcli::Action* run = commands.chosen()) return (*run)();
    } catch (const eqnet::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        // Anything else is a bug or a LibTorch failure (out of memory, say): say so plainly.
        std::fprintf(stderr, "error (internal): %s\n", e.what());
        return 3;
    }
    return 0;
}
