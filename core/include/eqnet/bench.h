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

} // namespace eqnet
