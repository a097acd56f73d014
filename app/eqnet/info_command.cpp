// eqnet info: the layer table and the BitOps/size of the uniform subnets of a model.
#include "commands.h"
#include "shared_options.h"

#include "eqnet/cost_model.h"
#include "eqnet/error.h"
#include "eqnet/supernet.h"
#include "eqnet/timing.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace eqcli {

using namespace eqnet;

namespace {

struct InfoArgs {
    std::string model = kDefaultModel;
    std::string form = "pc-sym-asym";
    int64_t imageSize = 0;
    int64_t inChannels = 0;
    int classes = 0;
};

std::string shapeText(const std::vector<int64_t>& s) {
    std::string t;
    for (size_t i = 0; i < s.size(); ++i) t += (i ? "x" : "") + std::to_string(s[i]);
    return t;
}

int runInfo(const ModelSpec& spec, const std::string& formText) {
    const auto t0 = std::chrono::steady_clock::now();
    Supernet net(spec);
    if (spec.imported)
        std::fprintf(stderr, "imported %s in %.2f s\n", spec.name.c_str(),
                     secondsSince(t0));
    const QuantForm form = parseForm(formText);
    const auto& L = net.layers();
    std::printf("model %s, input %lldx%lldx%lld, %d classes, %zu quantized layers\n\n", spec.name.c_str(),
                (long long)spec.inChannels, (long long)spec.imageSize, (long long)spec.imageSize,
                spec.numClasses, L.size());
    std::printf("| # | layer | kind | weight | output | MACs | params | input | bits |\n");
    std::printf("|---|---|---|---|---|---:|---:|---|---|\n");
    for (size_t i = 0; i < L.size(); ++i)
        std::printf("| %zu | %s | %s | %s | %s | %lld | %lld | %s | %s |\n", i, L[i].name.c_str(),
                    L[i].kind == LayerKind::Conv2d ? (L[i].groups > 1 ? "dwconv" : "conv") : "linear",
                    shapeText(L[i].weightShape).c_str(), shapeText(L[i].outputShape).c_str(),
                    (long long)L[i].macs, (long long)(L[i].weightParams + L[i].biasParams),
                    L[i].actUnsigned ? "unsigned" : "signed", L[i].fixedBits ? "fixed 8/8" : "2..8");
    const SubnetCost fp = fp32Cost(L);
    std::printf("\ntotal MACs per image: %lld\n\n", (long long)totalMacs(L));
    std::printf("Uniform subnets, form %s (%s); first and last layer 8/8:\n\n", formName(form).c_str(),
                formDescription(form).c_str());
    std::printf("| subnet | BitOps | vs FP32 | size (bytes) | vs FP32 |\n|---|---:|---:|---:|---:|\n");
    std::printf("| FP32 | %s | 1.000 | %s | 1.000 |\n", human(fp.bitops).c_str(), human(fp.sizeBits / 8).c_str());
    for (int b = kMaxBits; b >= kMinBits; --b) {
        const SubnetCost c = subnetCost(L, net.uniform(b, b, form));
        std::printf("| W%dA%d | %s | %.4f | %s | %.4f |\n", b, b, human(c.bitops).c_str(), c.bitops / fp.bitops,
                    human(c.sizeBits / 8).c_str(), c.sizeBits / fp.sizeBits);
    }
    return 0;
}

} // namespace

void registerInfo(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<InfoArgs>();
    auto* cmd = app.add_subcommand("info", "layer table and BitOps/size of the uniform subnets");
    addModelOption(cmd, a->model);
    cmd->add_option("--form", a->form, "quantization form, e.g. pc-sym-asym")->capture_default_str();
    cmd->add_option("--image-size", a->imageSize, "input height and width (default: the model's)");
    cmd->add_option("--in-channels", a->inChannels, "input channels (default: the model's)");
    cmd->add_option("--classes", a->classes, "output classes (default: the model's)");
    set.add(cmd, [a] {
        ModelSpec m = defaultModelSpec(a->model);
        if (m.imported && (a->imageSize > 0 || a->inChannels > 0 || a->classes > 0))
            throw Error(a->model + ": an imported model's input and classes are its own; "
                        "--image-size, --in-channels and --classes apply to built-in models");
        if (a->imageSize > 0) m.imageSize = a->imageSize;
        if (a->inChannels > 0) m.inChannels = a->inChannels;
        if (a->classes > 0) m.numClasses = a->classes;
        return runInfo(m, a->form);
    });
}

} // namespace eqcli
