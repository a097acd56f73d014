#pragma once
// The options several commands share (--device/--threads, the data options, --model), defined
// and validated here once so that every command spells, documents and checks them the same way;
// commands call these rather than declaring such options themselves. Options that only share a
// name (eval's, pipeline's and bench's own --model, ptq's and eval's --split) keep their own help
// in their command; the check they share is here (checkSplit). Also the helpers several
// commands' output shares.
#include "eqnet/data.h"
#include "eqnet/distributed.h"
#include "eqnet/model_spec.h"
#include "eqnet/supernet.h"
#include "eqnet/training.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

namespace eqcli {

void addRuntimeOptions(CLI::App* cmd, eqnet::RuntimeOptions& rt);
// --world-size, --rank, --master HOST:PORT, --dist-timeout: this process as one rank of a
// data-parallel run (eqnet/distributed.h). Where an option is not given, the environment's
// WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (what `eqnet launch` and PyTorch's
// launchers set).
struct DistributedArgs {
    eqnet::DistOptions options;
    std::string master;
    CLI::App* cmd = nullptr;
};
void addDistributedOptions(CLI::App* cmd, DistributedArgs& args);
// The options given, over the environment's; checked (eqnet::Error names what is wrong).
eqnet::DistOptions resolveDistributed(const DistributedArgs& args);
// --local-bn (commands that train): clears config.syncBatchNorm.
void addLocalBatchNormOption(CLI::App* cmd, eqnet::TrainConfig& config);
// A command that measures subnets (cqap, search) run as ranks: connects them when `args` (over
// the environment) make a distributed run. Rank 0 gets the group in `ranks`, to share its
// measurements with, and nothing is returned; any other rank measures its share of rank 0's
// subnets here until rank 0 says the work is over (eqnet/measurement_pool.h), prints one line
// and the exit status is returned (0, or 130 when stopped).
std::optional<int> joinMeasuringRanks(const DistributedArgs& args, const eqnet::RuntimeOptions& rt, int workers,
                                      std::shared_ptr<eqnet::RankGroup>& ranks);
// --data, --data-format, --val-size, --mean, --std, and for image folders --image-size,
// --channels, --cache-mb, --max-bad-images.
void addDataOptions(CLI::App* cmd, eqnet::DataSpec& spec);
// --random-crop, --hflip: augmentation of the training batches (commands that train).
void addAugmentationOptions(CLI::App* cmd, eqnet::Augmentation& augment);
// --model: a built-in network or the path of an FP .onnx file.
CLI::Option* addModelOption(CLI::App* cmd, std::string& model);
// Reads the data set (an image folder fitted to `model`'s input, with progress), prints a
// one-line summary and the pictures skipped on stderr.
eqnet::Dataset loadData(eqnet::DataSpec spec, const eqnet::ModelSpec& model);
// An imported model arrives trained: stage 1 (FP training) defaults to 0 epochs for it, a
// fine-tune only when --fp-epochs (or --epochs for ptq) is given.
void importedModelSkipsFpTraining(const CLI::Option* epochsOption, const std::string& model, int& epochs);
// --split of ptq and eval: throws eqnet::Error unless it is "test" or "val".
void checkSplit(const std::string& split);

// A number with a K/M/G/T/P suffix, 3 significant digits (BitOps, bytes in tables).
std::string human(double v);

} // namespace eqcli
