// One subnet of a run measured as the verification measures it, and the measurement written
// into a stored front (subnet_measurement.h).
#include "eqnet/subnet_measurement.h"

#include "eqnet/files.h"
#include "eqnet/run_layout.h"
#include "eqnet/timing.h"
#include "pipeline/trained_run.h"

#include <chrono>

namespace eqnet {

struct RunSubnetMeter::Loaded {
    TrainedRun run;
    Dataset data;
};

RunSubnetMeter::RunSubnetMeter(const std::string& runDir, const std::string& device)
    : runDir_(runDir), device_(device) {
    TrainedRun run = openTrainedRun(runDir, device);
    Dataset data = loadDataset(run.config.data);
    d_ = std::make_unique<Loaded>(Loaded{std::move(run), std::move(data)});
}

RunSubnetMeter::~RunSubnetMeter() = default;

bool RunSubnetMeter::current() const {
    try {
        return fileIdentity(d_->run.checkpoint) == d_->run.checkpointId;
    } catch (const std::exception&) {
        return false;
    }
}

SubnetMeasurement RunSubnetMeter::measure(const SubnetConfig& cfg, bool test, const ProgressFn& progress,
                                          const StopToken& stop) {
    const auto t0 = std::chrono::steady_clock::now();
    Supernet& net = d_->run.net;
    net.validate(cfg);
    net.setSubnet(cfg);
    if (progress) {
        Progress p;
        p.stage = "verify";
        p.total = 1;
        progress(p);
    }
    SubnetMeasurement m;
    if (stop.stopRequested()) return m;
    // Validation and test under one BN estimate (Supernet::evaluateSubnet).
    SubnetEvaluation e = net.evaluateSubnet(d_->data, d_->run.config.eval, test);
    m.validation = e.validation.accuracy;
    if (e.test) {
        m.test = e.test->accuracy;
        m.testCorrect = packCorrect(e.test->correct);
    }
    m.seconds = secondsSince(t0);
    m.checkpointId = d_->run.checkpointId;
    if (progress) {
        Progress p;
        p.stage = "verify";
        p.done = p.total = 1;
        p.elapsedSeconds = m.seconds;
        progress(p);
    }
    return m;
}

SubnetMeasurement measureRunSubnet(const std::string& runDir, const SubnetConfig& cfg, bool test,
                                   const std::string& device, const ProgressFn& progress, const StopToken& stop) {
    return RunSubnetMeter(runDir, device).measure(cfg, test, progress, stop);
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
