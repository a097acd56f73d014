#pragma once
// The options several commands share (--device/--threads, the data options, --model), defined
// once so that every command spells, documents and validates them the same way.
#include "eqnet/data.h"
#include "eqnet/supernet.h"

#include <CLI/CLI.hpp>

#include <string>

namespace eqcli {

void addRuntimeOptions(CLI::App* cmd, eqnet::RuntimeOptions& rt);
// --data, --data-format, --val-size, --mean, --std.
void addDataOptions(CLI::App* cmd, eqnet::DataSpec& spec);
// --model: a built-in network or the path of an FP .onnx file.
CLI::Option* addModelOption(CLI::App* cmd, std::string& model);
// Reads the data set and prints a one-line summary on stderr.
eqnet::Dataset loadData(const eqnet::DataSpec& spec);
// An imported model arrives trained: stage 1 (FP training) defaults to 0 epochs for it, a
// fine-tune only when --fp-epochs (or --epochs for ptq) is given.
void importedModelSkipsFpTraining(const CLI::Option* epochsOption, const std::string& model, int& epochs);

} // namespace eqcli
