// eqnet export: a front point as a subnet JSON (with provenance) and an ONNX QDQ model.
#include "commands.h"
#include "shared_options.h"

#include "eqnet/export_stage.h"
#include "eqnet/profile.h"
#include "eqnet/supernet.h"

#include <cstdio>
#include <memory>
#include <string>

namespace eqcli {

using namespace eqnet;

namespace {

struct ExportArgs {
    std::string run;
    std::string format = "both";
    ExportStageOptions options;
    RuntimeOptions rt;
};

int runExport(const std::string& run, const ExportStageOptions& opt, const RuntimeOptions& rt) {
    applyRuntime(rt);
    const ExportStageResult r = runExportStage(run, opt);
    const FrontPoint& p = r.point;
    if (p.label.empty())
        std::printf("front point %d", r.pointIndex);
    else
        std::printf("uniform %s", p.label.c_str());
    std::printf(" of profile %s: %s, %s, predicted %.2f%%", opt.profile.c_str(), formatBitops(p.cost.bitops).c_str(),
                formatSizeBits(p.cost.sizeBits).c_str(), 100 * p.predicted);
    if (p.validation) std::printf(", validation %.2f%%", 100 * *p.validation);
    if (p.test) std::printf(", test %.2f%%", 100 * *p.test);
    std::printf("\n");
    if (!p.label.empty() && r.bestFrontValidation)
        std::printf("(better on validation than the best measured front point within the budget, %.2f%%; "
                    "--front-only exports that one)\n", 100 * *r.bestFrontValidation);
    else if (!p.label.empty())
        std::printf("(no front point within the budget is measured; --front-only exports the best predicted one)\n");
    if (!r.jsonPath.empty()) std::printf("wrote %s\n", r.jsonPath.c_str());
    if (!r.onnxPath.empty())
        std::printf("wrote %s (%lld nodes, %lld QuantizeLinear, %lld bytes)\n", r.onnxPath.c_str(),
                    (long long)r.onnx.nodes, (long long)r.onnx.quantizeNodes, (long long)r.onnx.fileBytes);
    return 0;
}

} // namespace

void registerExport(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<ExportArgs>();
    ExportStageOptions& eo = a->options;
    auto* cmd = app.add_subcommand("export", "export a front point as a subnet JSON (with provenance) and an ONNX "
                                             "QDQ model");
    cmd->add_option("--run", a->run, "run folder with a searched front")->required();
    cmd->add_option("--profile", eo.profile, "the profile the front was searched for")->capture_default_str();
    cmd->add_option("--point", eo.point, "front point index (see eqnet search); default: the best measured "
                                         "subnet within --max-bitops, a uniform baseline when it is better");
    cmd->add_flag("!--front-only", eo.includeUniform, "choose among the front points only, not the uniform baselines");
    cmd->add_option("--max-bitops", eo.maxBitops, "BitOps budget for choosing the point (0: the profile's)");
    cmd->add_option("--name", eo.name, "file name without extension (default <profile>-p<index>, <profile>-W<b>A<b>)");
    cmd->add_option("--out-dir", eo.outDir, "folder (default <run>/exports)");
    cmd->add_option("--format", a->format, "json, onnx or both")->check(CLI::IsMember({"json", "onnx", "both"}))
        ->capture_default_str();
    addRuntimeOptions(cmd, a->rt);
    set.add(cmd, [a] {
        ExportStageOptions& eo = a->options;
        eo.device = a->rt.device;
        eo.json = a->format != "onnx";
        eo.onnx = a->format != "json";
        return runExport(a->run, eo, a->rt);
    });
}

} // namespace eqcli
