// eqnet recalibrate: the way out for a checkpoint whose quantizer slots cannot be used (an
// older build let learned steps turn negative): §2's calibration again for those slots only,
// from the FP weights and calibration images; every valid (learned) slot is kept.
#include "commands.h"
#include "shared_options.h"
#include "terminal_progress.h"

#include "eqnet/error.h"
#include "eqnet/supernet.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace eqcli {

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

struct RecalibrateArgs {
    std::string checkpoint;
    std::string out;
    int64_t images = 256;
    bool all = false;
    DataSpec data;
    RuntimeOptions rt;
};

int runRecalibrate(const RecalibrateArgs& a) {
    applyRuntime(a.rt);
    if (a.images < 1) throw Error("--images must be at least 1");
    if (fs::exists(a.out) && fs::equivalent(a.out, a.checkpoint))
        throw Error("--out " + a.out + " is the checkpoint itself; write the repaired one beside it");
    std::vector<std::string> invalid;
    Supernet net = Supernet::loadForRepair(a.checkpoint, a.rt.device, invalid);
    std::fprintf(stderr, "%s: %zu invalid quantizer slot value(s)\n", a.checkpoint.c_str(), invalid.size());
    for (size_t i = 0; i < invalid.size() && i < 5; ++i) std::fprintf(stderr, "  %s\n", invalid[i].c_str());
    if (invalid.empty() && !a.all) {
        std::printf("nothing to do: every slot of %s is valid (--all recalibrates every slot)\n", a.checkpoint.c_str());
        return 0;
    }
    Dataset data = loadData(a.data, net.spec());
    int replaced = 0;
    {
        TerminalProgress bar("calibrate");
        replaced = net.recalibrate(data, a.images, a.all, bar.callback());
    }
    net.save(a.out);
    std::printf("recalibrated %d slot(s) on %lld training images; wrote %s\n", replaced, (long long)a.images,
                a.out.c_str());
    return 0;
}

} // namespace

void registerRecalibrate(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<RecalibrateArgs>();
    auto* cmd = app.add_subcommand("recalibrate",
                                   "repair a checkpoint's invalid quantizer slots by calibrating them again");
    cmd->add_option("--checkpoint", a->checkpoint, "supernet checkpoint (.pt)")->required();
    cmd->add_option("--out", a->out, "where to write the repaired checkpoint")->required();
    cmd->add_option("--images", a->images, "calibration images (§2: 256)")->capture_default_str();
    cmd->add_flag("--all", a->all, "recalibrate every slot, not only the invalid ones");
    addRuntimeOptions(cmd, a->rt);
    addDataOptions(cmd, a->data);
    set.add(cmd, [a] { return runRecalibrate(*a); });
}

} // namespace eqcli
