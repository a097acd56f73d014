#pragma once
// The training configuration of the suites' tiny runs: synthetic data (`train` training
// images, `heldOut` each for validation and test), one FP and one supernet epoch, small
// calibration and BN sets, no weight snapshots, the small fmnist-cnn (six quantized layers).
// Seconds on one core.
#include "eqnet/training.h"

#include <cstdint>

namespace eqtest {

inline eqnet::TrainConfig tinyRunConfig(int64_t train, int64_t heldOut, int64_t batchSize, uint64_t seed) {
    eqnet::TrainConfig c;
    c.model = "fmnist-cnn";
    c.data.format = eqnet::DataFormat::Synthetic;
    c.data.syntheticTrain = train;
    c.data.syntheticTest = heldOut;
    c.data.validationSize = heldOut;
    c.fpEpochs = 1;
    c.epochs = 1;
    c.batchSize = batchSize;
    c.calibImages = 64;
    c.eval.bnImages = 64;
    c.snapshotEvery = 0;
    c.seed = seed;
    return c;
}

} // namespace eqtest
