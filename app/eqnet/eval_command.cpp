// eqnet eval: measure one subnet of a checkpoint (or an FP .onnx file as it is).
#include "commands.h"
#include "shared_options.h"

#include "eqnet/cost_model.h"
#include "eqnet/error.h"
#include "eqnet/subnet_json.h"
#include "eqnet/supernet.h"

#include <cstdio>
#include <memory>
#include <string>

namespace eqcli {

using namespace eqnet;

namespace {

struct EvalArgs {
    std::string checkpoint;
    std::string model; // instead of a checkpoint: a network as it is (an FP .onnx file, --fp)
    std::string subnetFile;
    std::string uniform;
    std::string form = "pc-sym-asym";
    std::string split = "val";
    bool fp = false;
    EvalOptions eval;
    DataSpec data;
    RuntimeOptions rt;
};

int runEval(const EvalArgs& a) {
    applyRuntime(a.rt);
    checkSplit(a.split);
    const int choices = int(!a.subnetFile.empty()) + int(!a.uniform.empty()) + int(a.fp);
    if (choices != 1) throw Error("give exactly one of --subnet FILE, --uniform WnAm or --fp");
    if (a.checkpoint.empty() == a.model.empty()) throw Error("give exactly one of --checkpoint FILE or --model FILE.onnx");
    if (!a.model.empty() && !isModelFile(a.model))
        throw Error("--model " + a.model + ": eval measures an FP .onnx file as it is; a built-in network "
                    "is measured from a checkpoint (--checkpoint)");
    if (!a.model.empty() && !a.fp)
        throw Error("--model " + a.model + " is not quantized yet: measure it with --fp, or quantize it with "
                    "eqnet ptq / eqnet train --model " + a.model);
    std::unique_ptr<Dataset> loaded;
    if (!a.model.empty()) // the model must fit the data
        loaded = std::make_unique<Dataset>(loadData(a.data, defaultModelSpec(a.model)));
    Supernet net = a.model.empty() ? Supernet::load(a.checkpoint, a.rt.device)
                                   : Supernet(modelSpecFor(a.model, loaded->train), a.rt.device);
    SubnetConfig cfg;
    if (!a.subnetFile.empty()) {
        cfg = readSubnetFile(a.subnetFile, net.spec().name, net.layers());
        net.setSubnet(cfg);
    } else if (!a.uniform.empty()) {
        const LayerBits b = parseUniformBits(a.uniform);
        cfg = net.uniform(b.w, b.a, parseForm(a.form));
        net.setSubnet(cfg);
    } else {
        net.setFullPrecision();
    }
    if (!loaded) loaded = std::make_unique<Dataset>(loadData(a.data, net.spec()));
    const Dataset& data = *loaded;
    const ImageSet& split = a.split == "test" ? data.test : data.val;
    const EvalResult r = net.evaluate(data, split, a.eval);
    std::printf("%s on %s split (%lld images): accuracy %.2f%%, loss %.4f",
                (a.model.empty() ? a.checkpoint : a.model).c_str(),
                a.split.c_str(), (long long)r.images, 100 * r.accuracy, r.loss);
    if (!a.fp) {
        const SubnetCost c = subnetCost(net.layers(), cfg);
        std::printf(", BitOps %s, size %s bytes, form %s", human(c.bitops).c_str(), human(c.sizeBits / 8).c_str(),
                    formName(cfg.form).c_str());
    }
    std::printf(" (%.1f s)\n", r.seconds);
    return 0;
}

} // namespace

void registerEval(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<EvalArgs>();
    auto* cmd = app.add_subcommand("eval", "measure one subnet of a checkpoint");
    cmd->add_option("--checkpoint", a->checkpoint, "supernet checkpoint (.pt)");
    cmd->add_option("--model", a->model, "instead of --checkpoint: an FP .onnx file, measured as it is (--fp)");
    cmd->add_option("--subnet", a->subnetFile, "subnet JSON file");
    cmd->add_option("--uniform", a->uniform, "uniform bits, e.g. W4A4 (with --form)");
    cmd->add_option("--form", a->form, "form for --uniform")->capture_default_str();
    cmd->add_flag("--fp", a->fp, "measure the full-precision network");
    cmd->add_option("--split", a->split, "val or test")->capture_default_str();
    CLI::Option* bn = cmd->add_option("--bn-images", a->eval.bnImages,
                                      "BN re-estimation images (with --model: 0, the model's own statistics)")
                          ->capture_default_str();
    cmd->add_option("--bn-repeats", a->eval.bnRepeats, "BN estimates averaged (docs/method.md §4)")
        ->capture_default_str();
    addRuntimeOptions(cmd, a->rt);
    addDataOptions(cmd, a->data);
    set.add(cmd, [a, bn] {
        if (!a->model.empty() && bn->count() == 0) a->eval.bnImages = 0;
        return runEval(*a);
    });
}

} // namespace eqcli
