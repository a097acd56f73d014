// eqnet bench data-parallel: the same small training run as one process and as N ranks on
// loopback (eqnet launch), compared: the largest parameter difference after each stage, the
// throughput of each and the bytes every rank all-reduces per step (docs/distributed.md).
#include "bench_data_parallel.h"

#include "child_process.h"
#include "shared_options.h"

#include "eqnet/distributed.h"
#include "eqnet/error.h"
#include "eqnet/metrics_schema.h"
#include "eqnet/run_layout.h"
#include "eqnet/state_difference.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <memory>
#include <string>
#include <vector>

namespace eqcli {

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

struct DataParallelArgs {
    std::string model = "fmnist-cnn";
    int ranks = 2;
    int64_t batch = 256;
    int epochs = 1;
    int threads = 1;
    uint64_t seed = 0; // train's default
    bool localBn = false; // the ranks' runs with --local-bn
    std::string keep;
};

struct StageFigures {
    double imagesPerSecond = 0; // median over the stage's steps after the first
    double bytesPerStep = 0;    // mean all-reduced bytes per step and rank
    int steps = 0;
};

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

StageFigures stageFigures(const std::string& run, const std::string& stage) {
    std::ifstream in(runMetricsPath(run));
    std::string line;
    std::vector<double> rates;
    double bytes = 0;
    StageFigures f;
    while (std::getline(in, line)) {
        MetricsRecord r;
        if (!parseMetricsLine(line, r) || r.kind != MetricsRecord::Kind::Step || r.step.stage != stage) continue;
        ++f.steps;
        if (f.steps > 1) rates.push_back(r.step.imagesPerSecond);
        bytes += double(r.step.allReduceBytes);
    }
    f.imagesPerSecond = median(rates);
    f.bytesPerStep = f.steps ? bytes / f.steps : 0;
    return f;
}

int runBenchDataParallel(const DataParallelArgs& a) {
    if (!distributedSupported()) throw Error("bench data-parallel: this build has no distributed engine (libgloo-dev)");
    const fs::path dir = a.keep.empty() ? fs::temp_directory_path() / ("eqnet-bench-dp-" + std::to_string(::getpid()))
                                        : fs::path(a.keep);
    if (fs::exists(dir / "one") || fs::exists(dir / "ranks"))
        throw Error(dir.string() + ": already holds the runs of a bench; give another --keep folder");
    fs::create_directories(dir);
    const std::string one = (dir / "one").string(), ranks = (dir / "ranks").string();
    // The run: FP stage and supernet stage of a.epochs each, or (fromFp) the supernet stage only,
    // from that FP network.
    const auto train = [&](const std::string& out, const std::string& fromFp = "") {
        std::vector<std::string> v{"train",        "--out",     out,     "--model",   a.model,
                                   "--data-format", "synthetic", "--val-size", "256", "--batch-size",
                                   std::to_string(a.batch), "--epochs", std::to_string(a.epochs), "--calib-images",
                                   "256", "--eval-images", "256", "--threads", std::to_string(a.threads),
                                   "--seed", std::to_string(a.seed)};
        if (a.localBn && out != one) v.push_back("--local-bn");
        if (fromFp.empty()) v.insert(v.end(), {"--fp-epochs", std::to_string(a.epochs)});
        else v.insert(v.end(), {"--from-fp", fromFp, "--fp-epochs", "0"});
        return v;
    };
    std::printf("data-parallel on loopback: %s, synthetic data, global batch %lld, %d epoch(s) per stage, %d "
                "thread(s) per process, batch norm %s\n",
                a.model.c_str(), (long long)a.batch, a.epochs, a.threads,
                a.localBn ? "per rank (--local-bn)" : "over the whole batch");
    std::fflush(stdout);
    ChildOptions quiet;
    quiet.log = (dir / "one.log").string();
    if (const int rc = waitChild(startSelf(train(one), quiet)); rc != 0)
        throw Error("bench data-parallel: the one-process run failed (exit " + std::to_string(rc) + "); see " + quiet.log);
    std::vector<std::string> launch{"launch", "-n", std::to_string(a.ranks), "--"};
    for (const auto& w : train(ranks)) launch.push_back(w);
    quiet.log = (dir / "ranks.log").string();
    if (const int rc = waitChild(startSelf(launch, quiet)); rc != 0)
        throw Error("bench data-parallel: the " + std::to_string(a.ranks) + "-rank run failed (exit " +
                    std::to_string(rc) + "); see " + quiet.log);

    std::printf("\n| stage | steps | 1 process images/s | %d ranks images/s | ratio | all-reduced per step and rank |\n",
                a.ranks);
    std::printf("|---|---:|---:|---:|---:|---:|\n");
    for (const char* stage : {"fp", "supernet"}) {
        const StageFigures s1 = stageFigures(one, stage), sn = stageFigures(ranks, stage);
        std::printf("| %s | %d | %.0f | %.0f | %.2fx | %s B |\n", stage, sn.steps, s1.imagesPerSecond,
                    sn.imagesPerSecond, s1.imagesPerSecond > 0 ? sn.imagesPerSecond / s1.imagesPerSecond : 0.0,
                    human(sn.bytesPerStep).c_str());
    }
    // The supernet stage once more as N ranks, from the one-process run's FP network: the same
    // calibration, so that the difference is the supernet steps' alone.
    const std::string fromFp = (dir / "ranks-from-fp").string();
    std::vector<std::string> again{"launch", "-n", std::to_string(a.ranks), "--"};
    for (const auto& w : train(fromFp, runFpCheckpointPath(one))) again.push_back(w);
    quiet.log = (dir / "ranks-from-fp.log").string();
    if (const int rc = waitChild(startSelf(again, quiet)); rc != 0)
        throw Error("bench data-parallel: the supernet-stage run failed (exit " + std::to_string(rc) + "); see " +
                    quiet.log);
    const StateDifference fp = checkpointDifference(runFpCheckpointPath(one), runFpCheckpointPath(ranks));
    const StateDifference all = checkpointDifference(runCheckpointPath(one), runCheckpointPath(fromFp));
    std::printf("\nlargest difference, 1 process vs %d ranks (parameters and batch-norm statistics):\n", a.ranks);
    for (const auto& [label, d] : {std::pair<const char*, const StateDifference&>{"FP stage, from the same initial weights", fp},
                                   {"supernet stage, from the same FP network", all}})
        std::printf("  %s: %.3g in %s (its largest value %.3g); relative ||a-b||/||a|| at most %.3g (%s)\n", label,
                    d.largest, d.where.c_str(), d.scale, d.relative, d.relativeWhere.c_str());
    if (a.keep.empty()) fs::remove_all(dir);
    else std::printf("\nruns kept in %s\n", dir.string().c_str());
    return 0;
}

} // namespace

void registerBenchDataParallel(CLI::App* bench, CommandSet& set) {
    auto a = std::make_shared<DataParallelArgs>();
    auto* cmd = bench->add_subcommand(
        "data-parallel", "one process vs N ranks on loopback: parameter difference, throughput, bytes all-reduced");
    cmd->add_option("--model", a->model, "built-in network")->capture_default_str();
    cmd->add_option("--ranks", a->ranks, "ranks of the data-parallel run")->capture_default_str();
    cmd->add_option("--batch-size", a->batch, "global batch (each rank: batch / ranks)")->capture_default_str();
    cmd->add_option("--epochs", a->epochs, "epochs of each stage (2048 synthetic images each)")->capture_default_str();
    cmd->add_option("--threads", a->threads, "CPU threads of each process")->capture_default_str();
    cmd->add_option("--seed", a->seed, "seed of both runs")->capture_default_str();
    cmd->add_flag("--local-bn", a->localBn, "the ranks train with --local-bn (each rank's own batch statistics)");
    cmd->add_option("--keep", a->keep, "keep both runs in this folder");
    set.add(cmd, [a] { return runBenchDataParallel(*a); });
}

} // namespace eqcli
