#include "shared_options.h"

#include "commands.h"
#include "eqnet/measurement_pool.h"

#include "terminal_progress.h"

#include "eqnet/error.h"
#include "eqnet/timing.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

namespace eqcli {

using namespace eqnet;

namespace {
constexpr size_t kSkippedShown = 20; // unreadable pictures named one by one; the rest counted
}

void addRuntimeOptions(CLI::App* cmd, RuntimeOptions& rt) {
    cmd->add_option("--device", rt.device,
                    "cpu, cuda or cuda:N (cuda: a rank of a data-parallel run takes GPU LOCAL_RANK)")
        ->capture_default_str();
    cmd->add_option("--threads", rt.threads, "CPU threads (0: all cores)")->capture_default_str();
}

void addDistributedOptions(CLI::App* cmd, DistributedArgs& a) {
    a.cmd = cmd;
    cmd->add_option("--world-size", a.options.worldSize,
                    "data-parallel: number of ranks (processes) of the run (default: WORLD_SIZE, else 1)");
    cmd->add_option("--rank", a.options.rank, "data-parallel: this process's rank, 0 to world size - 1 (default: RANK)");
    cmd->add_option("--master", a.master,
                    "data-parallel: HOST:PORT where the ranks meet; rank 0 listens there (default: "
                    "MASTER_ADDR:MASTER_PORT, else 127.0.0.1:29500)");
    cmd->add_option("--dist-timeout", a.options.timeoutSeconds,
                    "data-parallel: seconds a rank waits for the others (a dead rank is noticed at once)")
        ->capture_default_str();
}

DistOptions resolveDistributed(const DistributedArgs& a) {
    DistOptions o = distOptionsFromEnvironment(DistOptions{});
    if (a.cmd->count("--world-size")) o.worldSize = a.options.worldSize;
    if (a.cmd->count("--rank")) o.rank = a.options.rank;
    if (!a.master.empty()) parseMaster(a.master, o);
    o.timeoutSeconds = a.options.timeoutSeconds;
    checkDistOptions(o);
    return o;
}

void addLocalBatchNormOption(CLI::App* cmd, TrainConfig& config) {
    cmd->add_flag_function(
        "--local-bn", [&config](int64_t) { config.syncBatchNorm = false; },
        "data-parallel: each rank's batch norm uses its own slice of the batch, not the whole batch; "
        "faster (no batch-norm all-reduces), but the run then depends on the number of ranks "
        "(docs/distributed.md)");
}

std::optional<int> joinMeasuringRanks(const DistributedArgs& args, const RuntimeOptions& rt, int workers,
                                      std::shared_ptr<RankGroup>& ranks) {
    const DistOptions dist = resolveDistributed(args);
    if (!dist.distributed()) return std::nullopt;
    applyRuntime(rt);
    ranks = RankGroup::connect(dist);
    if (ranks->rank() == 0) return std::nullopt;
    const int64_t n = serveMeasurements(*ranks, rt.device, workers, {}, stopToken());
    std::fprintf(stderr, "rank %d: measured %lld subnets for rank 0\n", ranks->rank(), (long long)n);
    return stopToken().stopRequested() ? 130 : 0;
}

void addDataOptions(CLI::App* cmd, DataSpec& spec) {
    const std::map<std::string, DataFormat> formats = {{"auto", DataFormat::Auto},
                                                       {"idx", DataFormat::Idx},
                                                       {"cifar10", DataFormat::Cifar10},
                                                       {"folder", DataFormat::Folder},
                                                       {"synthetic", DataFormat::Synthetic}};
    cmd->add_option("--data", spec.dir,
                    "data folder: IDX files, CIFAR-10 batches, or an image folder (train/<class>/*.png|jpg, "
                    "optional val/)")
        ->capture_default_str();
    cmd->add_option("--data-format", spec.format, "auto (default), idx, cifar10, folder or synthetic")
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
    cmd->add_option_function<std::vector<int64_t>>(
           "--image-size",
           [&spec](const std::vector<int64_t>& v) {
               if (v.size() > 2 || v.empty() || v[0] < 1 || v.back() < 1)
                   throw CLI::ValidationError("--image-size", "give N or H,W with positive sizes");
               spec.imageHeight = v[0];
               spec.imageWidth = v.back();
           },
           "image folders: the size pictures are fitted to, N or H,W (default: the model's input)")
        ->delimiter(',');
    cmd->add_option("--channels", spec.imageChannels,
                    "image folders: 1 (grey) or 3 (colour) (default: the model's input)");
    cmd->add_option("--cache-mb", spec.cacheMegabytes,
                    "image folders: decoded pictures up to this size stay in memory; larger folders stream from disk")
        ->capture_default_str();
    cmd->add_option("--max-bad-images", spec.badImageLimit,
                    "image folders: unreadable pictures are skipped and named; more than this many is an error "
                    "(default: no limit)");
}

void addAugmentationOptions(CLI::App* cmd, Augmentation& augment) {
    cmd->add_option("--random-crop", augment.cropPadding,
                    "training augmentation: pad by P pixels and crop at a random offset (0: off)")
        ->capture_default_str();
    cmd->add_flag("--hflip", augment.horizontalFlip, "training augmentation: flip half the images horizontally");
}

CLI::Option* addModelOption(CLI::App* cmd, std::string& model) {
    return cmd
        ->add_option("--model", model, "mbv2-28, fmnist-cnn, resnet20, resnet18, mobilenetv2, or an FP .onnx file")
        ->capture_default_str();
}

Dataset loadData(DataSpec spec, const ModelSpec& model) {
    const auto t0 = std::chrono::steady_clock::now();
    fitDataToModel(spec, model);
    TerminalProgress bar("check pictures");
    spec.progress = bar.callback();
    Dataset d = loadDataset(spec);
    bar.finish();
    for (size_t i = 0; i < d.skippedImages.size() && i < kSkippedShown; ++i)
        std::fprintf(stderr, "data: skipped %s\n", d.skippedImages[i].c_str());
    if (d.skippedImages.size() > kSkippedShown)
        std::fprintf(stderr, "data: ... and %zu more unreadable pictures skipped\n",
                     d.skippedImages.size() - kSkippedShown);
    std::fprintf(stderr, "data: %s, %lld train / %lld validation / %lld test images %lldx%lldx%lld%s%s (%.1f s)\n",
                 d.name.c_str(), (long long)d.train.size(), (long long)d.val.size(), (long long)d.test.size(),
                 (long long)d.train.channels, (long long)d.train.height, (long long)d.train.width,
                 d.train.streamed() ? ", streamed from disk" : "",
                 d.skippedImages.empty() ? ""
                                         : (", " + std::to_string(d.skippedImages.size()) + " unreadable skipped").c_str(),
                 secondsSince(t0));
    return d;
}

void importedModelSkipsFpTraining(const CLI::Option* epochsOption, const std::string& model, int& epochs) {
    if (isModelFile(model) && epochsOption->count() == 0) epochs = 0;
}

void checkSplit(const std::string& split) {
    if (split != "test" && split != "val") throw Error("--split must be test or val");
}

std::string human(double v) {
    const char* units[] = {"", "K", "M", "G", "T", "P"};
    int u = 0;
    while (std::abs(v) >= 1000 && u < 5) {
        v /= 1000;
        ++u;
    }
    char b[32];
    std::snprintf(b, sizeof b, "%.3g%s", v, units[u]);
    return b;
}

} // namespace eqcli
