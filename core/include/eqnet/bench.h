#pragma once
// Micro-benchmarks behind `eqnet bench ...`: figures are printed, never asserted in tests.
#include <string>
#include <vector>

namespace eqnet {

struct FakeQuantBenchLine {
    std::string name;          // what was quantized
    int64_t elements = 0;
    double fusedMs = 0;        // forward + backward, median per iteration
    double composedMs = 0;
    double fusedMelemPerS = 0; // elements / time
    double composedMelemPerS = 0;
    double ratio = 0;          // composed time / fused time
    double maxAbsDiff = 0;     // fused vs composed outputs (sanity)
};

// Fused vs composed fake quantization, forward + backward: a 4M-element activation
// (per-tensor, asymmetric, unsigned) and a per-channel weight [256, 256, 3, 3].
std::vector<FakeQuantBenchLine> benchFakeQuant(const std::string& device, int bits, double minSeconds);

struct TrainStepBench {
    double supernetMs = 0;          // WDR + K sandwich subnets + optimizer step, median, all threads
    double supernetOneThreadMs = 0; // the same on one thread (CPU; = supernetMs on a GPU)
    double threadScaling = 0;       // supernetOneThreadMs / supernetMs
    double fpMs = 0;                // three plain FP steps of the same network (the floor), median
    double fpOneThreadMs = 0;       // the same three FP steps on one thread (= fpMs on a GPU)
    double fpThreadScaling = 0;     // fpOneThreadMs / fpMs: what the plain network's kernels allow
    double ratio = 0;               // supernetMs / fpMs
    int threads = 0;                // LibTorch's intra-op threads for "all threads"
    int subnets = 0;
    int64_t batchSize = 0;
    // Resident memory of the process (host memory, MB): held after building the network,
    // calibrating it and making the batch; the peak over three FP steps; the peak over those
    // and one supernet step after them (never below the FP figure). All 0 where the kernel
    // cannot reset the peak (calibration's would be counted).
    double setupMegabytes = 0, fpPeakMegabytes = 0, supernetPeakMegabytes = 0;
};

// The supernet step (WDR + K sandwich subnets + optimizer step) on one thread and on all of
// them, and against its floor, three plain FP steps of the same network and batch
// (docs/performance.md). The settings take turns in `rounds` rounds within `minSeconds` (each
// at least twice a round).
TrainStepBench benchTrainStep(const std::string& model, const std::string& device, int64_t batchSize,
                              int subnets, double minSeconds, int rounds = 4);

struct CalibrationBench {
    std::string model;
    int64_t images = 0;
    int layers = 0, threads = 0;
    double referenceSeconds = 0; // the calibration as it was: searchClipRangeReference, every slot
    double fusedSeconds = 0;     // what calibrate() runs: searchClipRange, shared unsigned searches
    double speedup = 0;          // referenceSeconds / fusedSeconds
    int64_t steps = 0;           // chosen steps compared (per-channel slots: every channel)
    int64_t differingSteps = 0;  // of which differ by more than 1e-6 relative
    double maxRelativeStepDifference = 0;
    std::string worstStep;       // where the largest difference is
};

// Calibration (§2) of one network twice, as it was (the tensor-operation search for every slot)
// and as calibrate() runs it, timed, and every chosen step compared. From a run's
// trained weights and data when `run` is given, else a freshly initialised `model` on
// synthetic images.
CalibrationBench benchCalibration(const std::string& model, const std::string& run, const std::string& device,
                                  int64_t images);

struct SubnetMeasureBench {
    std::string model;
    int subnets = 0, threads = 0, workers = 0;
    int64_t bnImages = 0, valImages = 0, testImages = 0, batchSize = 0;
    // Verification of one subnet (validation + test), seconds per subnet: one subnet at a time
    // on every thread with a BN estimate per split (as verification measured before), and
    // on the measurement pool with one BN estimate for both splits (as it measures now).
    double verifyBeforeSeconds = 0, verifyNowSeconds = 0;
    // CQAP sampling (validation only), seconds per subnet: one at a time vs the pool.
    double sampleOneSeconds = 0, samplePoolSeconds = 0;
    // Largest |difference| of any accuracy between the two ways (0: the same figures), in points.
    double maxDifferencePoints = 0;
};

// Measuring subnets (§4) both ways in one process, on `subnets` subnets of the CQAP
// sequence: from a run's checkpoint and data when `run` is given, else a freshly initialised
// and calibrated `model` on synthetic images.
SubnetMeasureBench benchSubnetMeasure(const std::string& model, const std::string& run, const std::string& device,
                                      int subnets, int64_t bnImages, int64_t batchSize, int workers);

struct DecodeBenchLine {
    int threads = 0;
    double picturesPerS = 0;   // read + decode + fit, in batches of 128
    double megabytesPerS = 0;  // of files read
};

struct DecodeBench {
    std::string folder;
    int64_t pictures = 0;           // readable training pictures
    int64_t channels = 0, height = 0, width = 0;
    double fileMegabytes = 0;       // on disk
    double decodedMegabytes = 0;    // what keeping them all in memory would take
    double checkSeconds = 0;        // the load's check pass (all cores)
    double peakRssMegabytes = 0;    // of the process after streaming every batch
    std::vector<DecodeBenchLine> lines; // 1 thread, then all cores
};

// Decoding an image folder as training streams it (the pictures stay on disk): the load's
// check pass, then reading batches at 1 thread and at all cores, over at most `pictures`
// pictures (0: all) for at least `minSeconds` each. channels/size 0: the first picture's.
DecodeBench benchDecode(const std::string& folder, int64_t channels, int64_t size, int64_t pictures,
                        double minSeconds);

} // namespace eqnet
