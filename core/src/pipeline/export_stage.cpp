// Export a front point of a run: the subnet JSON (with accuracy and provenance) and the ONNX
// QDQ model, into <run>/exports/.
#include "eqnet/pipeline.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "pipeline/trained_run.h"

#include <filesystem>

namespace eqnet {

namespace fs = std::filesystem;

ExportStageResult runExportStage(const std::string& runDir, const ExportStageOptions& opt, const ProgressFn& progress) {
    TrainedRun run = openTrainedRun(runDir, opt.device);
    const TrainConfig& cfg = run.config;
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
    }
    res.point = front.points[size_t(res.pointIndex)];
    const std::string name = opt.name.empty() ? profile.name + "-p" + std::to_string(res.pointIndex) : opt.name;
    const fs::path dir = opt.outDir.empty() ? fs::path(runDir) / "exports" : fs::path(opt.outDir);

    SubnetProvenance prov;
    prov.run = fs::absolute(runDir).lexically_normal().string();
    prov.checkpoint = fs::absolute(ckpt).lexically_normal().string();
    prov.checkpointId = id;
    prov.profile = profile.name;
    prov.profileFile = profile.source;
    prov.predicted = res.point.predicted;
    prov.validation = res.point.validation.value_or(-1.0);
    prov.test = res.point.test.value_or(-1.0);
    if (progress) {
        Progress p;
        p.stage = "export";
        p.message = name;
        progress(p);
    }
    // ONNX first: it is the step that can fail (an unwritable folder, a build without ONNX),
    // and the JSON then never describes a model that was not written.
    if (opt.onnx) {
        const Dataset data = loadDataset(cfg.data);
        OnnxExportOptions oo;
        oo.bn = cfg.eval;
        res.onnxPath = (dir / (name + ".onnx")).string();
        res.onnx = exportOnnx(net, data, res.point.config, res.onnxPath, oo);
    }
    if (opt.json) {
        res.jsonPath = (dir / (name + ".json")).string();
        writeSubnetFile(res.jsonPath, res.point.config, net.spec().name, layers, &prov);
    }
    return res;
}

} // namespace eqnet
