// Export a front point of a run: the subnet JSON (with accuracy and provenance) and the ONNX
// QDQ model, into <run>/exports/.
#include "eqnet/export_stage.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/run_layout.h"
#include "pipeline/trained_run.h"

#include <chrono>
#include <filesystem>

namespace eqnet {

namespace fs = std::filesystem;

namespace {

SubnetExportResult exportSubnet(const std::string& runDir, TrainedRun& run, const SubnetConfig& config,
                                const SubnetExportOptions& opt) {
    Supernet& net = run.net;
    const auto& layers = net.layers();
    net.validate(config);
    if (opt.jsonPath.empty() && opt.onnxPath.empty()) throw Error("export: neither a JSON nor an ONNX path given");
    SubnetExportResult res;
    res.cost = subnetCost(layers, config);
    SubnetProvenance prov;
    prov.run = fs::absolute(runDir).lexically_normal().string();
    prov.checkpoint = fs::absolute(run.checkpoint).lexically_normal().string();
    prov.checkpointId = run.checkpointId;
    prov.profile = opt.profile;
    prov.profileFile = opt.profileFile;
    prov.constraints = opt.constraints;
    prov.predicted = opt.predicted;
    prov.validation = opt.validation;
    prov.test = opt.test;
    // ONNX first: it is the step that can fail (an unwritable folder, a build without ONNX),
    // and the JSON then never describes a model that was not written.
    if (!opt.onnxPath.empty()) {
        const Dataset data = loadDataset(run.config.data);
        OnnxExportOptions oo;
        oo.bn = deployedEval(run.config.eval);
        res.onnxPath = opt.onnxPath;
        res.onnx = exportOnnx(net, data, config, res.onnxPath, oo);
    }
    if (!opt.jsonPath.empty()) {
        res.jsonPath = opt.jsonPath;
        writeSubnetFile(res.jsonPath, config, net.spec().name, layers, &prov);
    }
    return res;
}

} // namespace

SubnetExportResult exportRunSubnet(const std::string& runDir, const SubnetConfig& cfg, const SubnetExportOptions& opt,
                                   const ProgressFn& progress) {
    TrainedRun run = openTrainedRun(runDir, opt.device);
    if (progress) {
        Progress p;
        p.stage = "export";
        p.message = !opt.onnxPath.empty() ? opt.onnxPath : opt.jsonPath;
        progress(p);
    }
    return exportSubnet(runDir, run, cfg, opt);
}

ExportStageResult runExportStage(const std::string& runDir, const ExportStageOptions& opt, const ProgressFn& progress) {
    TrainedRun run = openTrainedRun(runDir, opt.device);
    removePartialFiles(runDir); // what a killed stage was writing (the stages that write clean up)
    const std::string& ckpt = run.checkpoint;
    const std::string& id = run.checkpointId;
    Supernet& net = run.net;
    const auto& layers = net.layers();
    const HardwareProfile profile = findProfile(opt.profile);
    const FrontFile front = readFront(runDir, profile.name, layers);
    if (front.points.empty()) throw Error(frontPath(runDir, profile.name) + ": the front has no points");
    if (front.checkpointId != id)
        throw Error(frontPath(runDir, profile.name) + ": searched on another checkpoint than " + ckpt +
                    " (search again with --fresh)");

    ExportStageResult res;
    if (opt.point >= 0) {
        if (opt.point >= int(front.points.size()))
            throw Error("front point " + std::to_string(opt.point) + " does not exist; the front of profile " +
                        profile.name + " has points 0.." + std::to_string(front.points.size() - 1));
        res.pointIndex = opt.point;
        res.point = front.points[size_t(res.pointIndex)];
    } else {
        const double cap = opt.maxBitops > 0 ? opt.maxBitops : profile.bitopsBudget.value_or(0.0);
        // Measured points first (a measurement beats a prediction); predictions only when
        // none within the budget is measured.
        for (const bool measuredOnly : {true, false}) {
            double best = -1;
            for (size_t i = 0; i < front.points.size(); ++i) {
                const FrontPoint& p = front.points[i];
                if (cap > 0 && p.cost.bitops > cap) continue;
                if (measuredOnly && !p.validation) continue;
                const double score = p.validation ? *p.validation : p.predicted;
                if (score > best) {
                    best = score;
                    res.pointIndex = int(i);
                }
            }
            if (res.pointIndex >= 0) break;
        }
        if (res.pointIndex < 0)
            throw Error("no front point of profile " + profile.name + " costs at most " + formatBitops(cap) +
                        "; the cheapest costs " + formatBitops(front.points.front().cost.bitops));
        res.point = front.points[size_t(res.pointIndex)];
        if (res.point.validation) res.bestFrontValidation = res.point.validation;
        if (opt.includeUniform) {
            // A measured uniform baseline within the budget that is better on validation than
            // every measured front point (or measured where no front point is) wins.
            for (const FrontPoint& u : front.uniform) {
                if (!u.validation || (cap > 0 && u.cost.bitops > cap)) continue;
                if (!res.point.validation || *u.validation > *res.point.validation) {
                    res.point = u;
                    res.pointIndex = -1;
                }
            }
        }
    }
    const std::string name = !opt.name.empty()          ? opt.name
                             : res.point.label.empty() ? profile.name + "-p" + std::to_string(res.pointIndex)
                                                        : profile.name + "-" + res.point.label;
    checkFileName(name, "export name");
    const fs::path dir = opt.outDir.empty() ? fs::path(runExportsDir(runDir)) : fs::path(opt.outDir);

    if (progress) {
        Progress p;
        p.stage = "export";
        p.message = name;
        progress(p);
    }
    SubnetExportOptions eo;
    eo.jsonPath = opt.json ? (dir / (name + ".json")).string() : std::string();
    eo.onnxPath = opt.onnx ? (dir / (name + ".onnx")).string() : std::string();
    eo.profile = profile.name;
    eo.profileFile = profile.source;
    eo.constraints = profileToJson(profile);
    eo.predicted = res.point.predicted;
    eo.validation = res.point.validation.value_or(-1.0);
    eo.test = res.point.test.value_or(-1.0);
    const SubnetExportResult r = exportSubnet(runDir, run, res.point.config, eo);
    res.jsonPath = r.jsonPath;
    res.onnxPath = r.onnxPath;
    res.onnx = r.onnx;
    return res;
}

} // namespace eqnet
