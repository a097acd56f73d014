#pragma once
// Measuring one subnet of a run's supernet as the verification does, and recording the
// measurement in a stored front (the studio's Verify, the export stage's choice).
#include "eqnet/front.h"
#include "eqnet/job.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace eqnet {

// Measures one subnet of a run's supernet as the verification does (§4: BN re-estimated with
// the run's evaluation settings), on the validation split and, when `test`, the test split.
struct SubnetMeasurement {
    double validation = 0;
    std::optional<double> test;
    std::string testCorrect; // packCorrect() of the test split's per-image results
    double seconds = 0;
    std::string checkpointId; // fileIdentity() of the checkpoint measured
};
SubnetMeasurement measureRunSubnet(const std::string& runDir, const SubnetConfig& cfg, bool test = true,
                                   const std::string& device = "cpu", const ProgressFn& progress = {},
                                   const StopToken& stop = {});

// A run opened once to measure many subnets (the studio's Verify): the checkpoint and the data
// set stay loaded between measurements. Not thread-safe: one measurement at a time.
class RunSubnetMeter {
public:
    // Throws eqnet::Error as openTrainedRun / loadDataset do.
    RunSubnetMeter(const std::string& runDir, const std::string& device);
    ~RunSubnetMeter();
    // The measurement of measureRunSubnet.
    SubnetMeasurement measure(const SubnetConfig& cfg, bool test = true, const ProgressFn& progress = {},
                              const StopToken& stop = {});
    // False once the run's checkpoint is not the one loaded (training went on): open again.
    bool current() const;
    const std::string& runDir() const { return runDir_; }
    const std::string& device() const { return device_; }

private:
    struct Loaded;
    std::string runDir_, device_;
    std::unique_ptr<Loaded> d_;
};

// Writes a measurement of `cfg` into the stored front of `profileName` (every point and
// baseline with exactly that subnet), summarises the verification again and replaces the file
// atomically. False, with nothing written, when the front holds no such subnet, or when it was
// searched on another checkpoint than the one measured (m.checkpointId). Throws eqnet::Error
// when the front cannot be read or written.
bool recordFrontMeasurement(const std::string& runDir, const std::string& profileName,
                            const std::vector<LayerInfo>& layers, const SubnetConfig& cfg,
                            const SubnetMeasurement& m);

} // namespace eqnet
