// eqnet ptq: post-training quantization of uniform subnets (no supernet training).
#include "commands.h"
#include "shared_options.h"
#include "terminal_progress.h"

#include "eqnet/files.h"
#include "eqnet/fp_training.h"
#include "eqnet/run_layout.h"
#include "eqnet/supernet.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace eqcli {

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

struct PtqArgs {
    std::string model = kDefaultModel;
    std::string out = "runs/fmnist-ptq";
    std::string split = "test";
    std::vector<std::string> forms;
    int64_t calibImages = 256;
    EvalOptions eval;
    FpTrainOptions fp;
    DataSpec data;
    RuntimeOptions rt;
};

std::vector<QuantForm> formsFrom(const std::vector<std::string>& names) {
    if (names.empty()) return allForms();
    std::vector<QuantForm> f;
    for (const auto& n : names) f.push_back(parseForm(n));
    return f;
}

int runPtq(const PtqArgs& a) {
    const FpTrainOptions& fpOpt = a.fp;
    applyRuntime(a.rt);
    const std::vector<QuantForm> forms = formsFrom(a.forms);
    checkSplit(a.split);
    Dataset data = loadData(a.data, defaultModelSpec(a.model));
    Supernet net(modelSpecFor(a.model, data.train), a.rt.device, fpOpt.seed);
    {
        TerminalProgress bar("fp-train");
        const auto r = trainFullPrecision(net, data, fpOpt, bar.callback(), stopToken());
        bar.finish();
        std::fprintf(stderr, "fp-train: %lld steps in %s, last loss %.4f%s\n", (long long)r.steps,
                     formatDuration(r.seconds).c_str(), r.finalLoss, r.stopped ? " (stopped)" : "");
        if (r.stopped) return 130;
    }
    {
        TerminalProgress bar("calibrate");
        if (!net.calibrate(data, a.calibImages, bar.callback(), stopToken())) {
            bar.finish();
            std::fprintf(stderr, "calibrate: stopped\n");
            return 130;
        }
    }
    const std::string ckpt = (fs::path(runCheckpointDir(a.out)) / "fp-calibrated.pt").string();
    net.save(ckpt);
    std::fprintf(stderr, "saved %s\n", ckpt.c_str());

    const ImageSet& split = a.split == "test" ? data.test : data.val;
    net.setFullPrecision();
    const EvalResult fp = net.evaluate(data, split, a.eval);
    std::vector<int> bits;
    for (int b = kMaxBits; b >= kMinBits; --b) bits.push_back(b);
    std::vector<UniformResult> res;
    {
        TerminalProgress bar("evaluate");
        res = measureUniformSubnets(net, data, split, forms, bits, a.eval, bar.callback(), stopToken());
    }
    std::ostringstream md;
    md << "Post-training quantization of " << a.model << " (" << fpOpt.epochs << " FP epochs), "
       << (a.split == "test" ? "test" : "validation") << " accuracy (%) of " << split.size()
       << " images, " << describeBn(a.eval) << " per subnet.\n\n";
    md << "FP32: " << std::fixed;
    md.precision(2);
    md << 100 * fp.accuracy << "%\n\n| bits |";
    for (const auto& f : forms) md << " " << formName(f) << " |";
    md << "\n|---|";
    for (size_t i = 0; i < forms.size(); ++i) md << "---:|";
    md << "\n";
    for (int b : bits) {
        md << "| W" << b << "A" << b << " |";
        for (const auto& f : forms)
            for (const auto& r : res)
                if (r.bits == b && r.form == f) md << " " << 100 * r.result.accuracy << " |";
        md << "\n";
    }
    std::printf("\n%s", md.str().c_str());
    writeFileAtomic((fs::path(a.out) / "ptq-baseline.md").string(), md.str());
    std::fprintf(stderr, "wrote %s\n", (fs::path(a.out) / "ptq-baseline.md").string().c_str());
    return stopToken().stopRequested() ? 130 : 0;
}

} // namespace

void registerPtq(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<PtqArgs>();
    auto* cmd = app.add_subcommand("ptq", "train the FP network, calibrate the quantizer, measure the "
                                          "uniform W8A8..W2A2 subnets (post-training quantization)");
    addModelOption(cmd, a->model);
    cmd->add_option("--out", a->out, "run folder")->capture_default_str();
    CLI::Option* epochs =
        cmd->add_option("--epochs", a->fp.epochs, "FP training epochs (an imported model: 0 unless given)")
            ->capture_default_str();
    cmd->add_option("--batch-size", a->fp.batchSize)->capture_default_str();
    cmd->add_option("--lr", a->fp.lr)->capture_default_str();
    cmd->add_option("--seed", a->fp.seed)->capture_default_str();
    cmd->add_option("--calib-images", a->calibImages, "training images for the clipping search")
        ->capture_default_str();
    cmd->add_option("--bn-images", a->eval.bnImages, "training images to re-estimate BN per subnet")
        ->capture_default_str();
    cmd->add_option("--forms", a->forms, "forms to measure (default: all 8)");
    cmd->add_option("--split", a->split, "test or val")->capture_default_str();
    addRuntimeOptions(cmd, a->rt);
    addDataOptions(cmd, a->data);
    set.add(cmd, [a, epochs] {
        importedModelSkipsFpTraining(epochs, a->model, a->fp.epochs);
        return runPtq(*a);
    });
}

} // namespace eqcli
