// One subnet of a run measured as the verification measures it, and the measurement written
// into a stored front (subnet_measurement.h).
#include "eqnet/subnet_measurement.h"

#include "eqnet/files.h"
#include "eqnet/run_layout.h"
#include "eqnet/timing.h"
#include "pipeline/trained_run.h"

#include <chrono>

namespace eqnet {

SubnetMeasurement measureRunSubnet(const std::string& runDir, const SubnetConfig& cfg, bool test,
                                   const std::string& device, const ProgressFn& progress, const StopToken& stop) {
    const auto t0 = std::chrono::steady_clock::now();
    TrainedRun run = openTrainedRun(runDir, device);
    run.net.validate(cfg);
    const Dataset data = loadDataset(run.config.data);
    run.net.setSubnet(cfg);
    SubnetMeasurement m;
    const auto report = [&](int64_t done) {
        if (!progress) return;
        Progress p;
        p.stage = "verify";
        p.done = done;
        p.total = test ? 2 : 1;
        p.elapsedSeconds = secondsSince(t0);
        progress(p);
    };
    report(0);
    m.validation = run.net.evaluate(data, data.val, run.config.eval).accuracy;
    report(1);
    if (test && !stop.stopRequested()) {
        const EvalResult t = run.net.evaluate(data, data.test, deployedEval(run.config.eval));
        m.test = t.accuracy;
        m.testCorrect = packCorrect(t.correct);
        report(2);
    }
    m.seconds = secondsSince(t0);
    m.checkpointId = run.checkpointId;
    return m;
}

bool recordFrontMeasurement(const std::string& runDir, const std::string& profileName,
                            const std::vector<LayerInfo>& layers, const SubnetConfig& cfg,
                            const SubnetMeasurement& m) {
    FrontFile f = readFront(runDir, profileName, layers);
    if (m.checkpointId.empty() || f.checkpointId != m.checkpointId) return false;
    bool found = false;
    for (auto* list : {&f.points, &f.uniform})
        for (FrontPoint& p : *list)
            if (p.config == cfg) {
                p.validation = m.validation;
                if (m.test) {
                    p.test = m.test;
                    p.testCorrect = m.testCorrect;
                }
                found = true;
            }
    if (!found) return false;
    f.verification = summariseVerification(f);
    writeFileAtomic(frontPath(runDir, profileName), frontToJson(f, layers));
    return true;
}

} // namespace eqnet
