#include "shared_options.h"

#include <chrono>
#include <cstdio>
#include <map>

namespace eqcli {

using namespace eqnet;

void addRuntimeOptions(CLI::App* cmd, RuntimeOptions& rt) {
    cmd->add_option("--device", rt.device, "cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_option("--threads", rt.threads, "CPU threads (0: all cores)")->capture_default_str();
}

void addDataOptions(CLI::App* cmd, DataSpec& spec) {
    static const std::map<std::string, DataFormat> formats = {{"auto", DataFormat::Auto},
                                                              {"idx", DataFormat::Idx},
                                                              {"cifar10", DataFormat::Cifar10},
                                                              {"synthetic", DataFormat::Synthetic}};
    cmd->add_option("--data", spec.dir, "data folder (IDX files or CIFAR-10 batches)")->capture_default_str();
    cmd->add_option("--data-format", spec.format, "auto (default), idx, cifar10 or synthetic")
        ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case));
    cmd->add_option("--val-size", spec.validationSize, "training images held out for validation")
        ->capture_default_str();
    cmd->add_option("--mean", spec.mean,
                    "input preprocessing: mean per channel of pixels scaled to [0,1], M or M,M,M "
                    "(default: the training images')")
        ->delimiter(',');
    cmd->add_option("--std", spec.std,
                    "input preprocessing: standard deviation per channel, S or S,S,S (default: the training images')")
        ->delimiter(',');
}

CLI::Option* addModelOption(CLI::App* cmd, std::string& model) {
    return cmd
        ->add_option("--model", model, "mbv2-28, fmnist-cnn, resnet20, resnet18, mobilenetv2, or an FP .onnx file")
        ->capture_default_str();
}

Dataset loadData(const DataSpec& spec) {
    const auto t0 = std::chrono::steady_clock::now();
    Dataset d = loadDataset(spec);
    std::fprintf(stderr, "data: %s, %lld train / %lld validation / %lld test images %lldx%lldx%lld (%.1f s)\n",
                 d.name.c_str(), (long long)d.train.size(), (long long)d.val.size(), (long long)d.test.size(),
                 (long long)d.train.channels, (long long)d.train.height, (long long)d.train.width,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return d;
}

void importedModelSkipsFpTraining(const CLI::Option* epochsOption, const std::string& model, int& epochs) {
    if (isModelFile(model) && epochsOption->count() == 0) epochs = 0;
}

} // namespace eqcli
