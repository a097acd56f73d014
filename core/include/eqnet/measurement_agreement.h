#pragma once
// How far a subnet measurement can be trusted to rank subnets: the same subnets measured
// under several independent repetitions of the measurement protocol (batch norm re-estimated
// on independently drawn sets of training images, the same evaluation images), and how well the
// repetitions agree (Kendall's tau) and how much one measurement moves (noise, in points).
// `eqnet bench measurement` prints it; docs/method.md "Measuring a subnet" states the
// protocol it validates.
#include "eqnet/job.h"
#include "eqnet/supernet.h"

#include <string>
#include <vector>

namespace eqnet {

struct MeasurementAgreementOptions {
    int perForm = 12;                    // subnets of each form's CQAP sequence (8 forms: 96)
    uint64_t sampleSeed = 0;             // which sequence
    EvalOptions eval;                    // the protocol; bnSeed is replaced by each of bnSeeds
    std::vector<uint64_t> bnSeeds{0, 1}; // one repetition each: the seed draws the BN images
    int workers = 0;                     // subnets measured at once (MeasurementPool)
    std::string device = "cpu";
};

struct MeasurementPair {
    uint64_t seedA = 0, seedB = 0;
    double kendallTau = 0;
    double noisePp = 0; // standard deviation of one measurement: sd(a - b) / sqrt(2), points
    double meanAbsDiffPp = 0;
};

struct MeasurementAgreement {
    int64_t subnets = 0;
    std::vector<std::vector<double>> accuracy; // [repetition][subnet], the order of the sequence
    std::vector<MeasurementPair> pairs;        // every pair of repetitions
    double spreadPp = 0;                       // standard deviation of accuracy across subnets
    double seconds = 0;
    bool finished = false;
};

// Measurements are kept in RUN/bench/measurement-bn<N>-seed<S>.jsonl (the CQAP samples
// format), so a stopped run goes on and another protocol adds its own files.
MeasurementAgreement measureAgreement(const std::string& runDir, const MeasurementAgreementOptions& opt,
                                      const ProgressFn& progress = {}, const StopToken& stop = {});

} // namespace eqnet
