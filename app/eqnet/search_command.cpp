// eqnet search: the Pareto front of predicted accuracy vs BitOps for a hardware profile
// (NSGA-II), then verified by measuring.
#include "commands.h"
#include "shared_options.h"
#include "terminal_progress.h"

#include "eqnet/measurement_pool.h"
#include "eqnet/run_layout.h"
#include "eqnet/search_stage.h"
#include "eqnet/run_folder.h"
#include "eqnet/search.h"
#include "eqnet/supernet.h"

#include <cstdio>
#include <memory>
#include <string>

namespace eqcli {

using namespace eqnet;

namespace {

struct SearchArgs {
    std::string run;
    SearchStageOptions options;
    RuntimeOptions rt;
    DistributedArgs dist;
};

int runSearch(const std::string& run, const SearchStageOptions& opt, const RuntimeOptions& rt) {
    applyRuntime(rt);
    FrontFile f;
    {
        TerminalProgress bar("search");
        f = runSearchStage(run, opt, bar.callback(), stopToken());
    }
    if (f.points.empty()) {
        std::fprintf(stderr, "stopped before the search finished; nothing written\n");
        return 130;
    }
    const Supernet net = loadRunSupernet(run, rt.device);
    std::printf("%s", frontTable(f, net.layers()).c_str());
    std::printf("\nsaved %s\n", frontPath(run, f.profile.name).c_str());
    if (stopToken().stopRequested()) {
        std::fprintf(stderr, "stopped during verification; run the same command again to measure the rest\n");
        return 130;
    }
    return 0;
}

} // namespace

void registerSearch(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<SearchArgs>();
    SearchStageOptions& so = a->options;
    auto* cmd = app.add_subcommand("search", "search the Pareto front of predicted accuracy vs BitOps for a "
                                             "hardware profile (NSGA-II), then verify it by measuring");
    cmd->add_option("--run", a->run, "run folder with a fitted predictor (eqnet cqap)")->required();
    cmd->add_option("--profile", so.profile, "profile name (eqnet profiles) or JSON file")->capture_default_str();
    cmd->add_option("--population", so.search.population)->capture_default_str();
    cmd->add_option("--generations", so.search.generations)->capture_default_str();
    cmd->add_option("--seed", so.search.seed)->capture_default_str();
    cmd->add_option("--verify-top", so.verifyTop, "measure only the K best predicted points (0: all)")
        ->capture_default_str();
    cmd->add_flag("!--no-verify", so.verify, "do not measure the front");
    cmd->add_flag("!--no-test", so.verifyTest, "measure on the validation split only");
    cmd->add_flag("--fresh", so.fresh, "search again even when a front for this checkpoint exists");
    cmd->add_option("--bn-images", so.bnImages, "BN re-estimation images of every measurement (0: the run's setting)")
        ->capture_default_str();
    cmd->add_option("--bn-repeats", so.bnRepeats,
                    "BN estimates averaged per validation measurement (0: the run's setting); test "
                    "measurements keep one, as the exported model")
        ->capture_default_str();
    cmd->add_option("--refine", so.refineRounds,
                    "rounds of predictor refinement before the search: search, measure --refine-points "
                    "of the front, refit (docs/method.md §6)")
        ->capture_default_str();
    cmd->add_option("--refine-points", so.refinePoints, "front points measured per refinement round")
        ->capture_default_str();
    cmd->add_option("--workers", so.workers, "subnets measured at once (0: one per thread, at most 8)")
        ->capture_default_str();
    addRuntimeOptions(cmd, a->rt);
    addDistributedOptions(cmd, a->dist);
    set.add(cmd, [a] {
        SearchStageOptions& so = a->options;
        so.device = a->rt.device;
        // Distributed (docs/distributed.md): rank 0 searches and measures, the others measure with it.
        if (const auto rc = joinMeasuringRanks(a->dist, a->rt, so.workers, so.ranks)) return *rc;
        const SharedMeasurementScope shared(so.ranks.get());
        return runSearch(a->run, so, a->rt);
    });
}

} // namespace eqcli
