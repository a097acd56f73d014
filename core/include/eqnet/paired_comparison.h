#pragma once
// Paired comparison of two classifiers measured on the same images: the difference of their
// accuracies with a paired bootstrap confidence interval (resampling images, both classifiers
// together, so what the two have in common cancels). Plain C++, no LibTorch.
#include <cstdint>
#include <string>
#include <vector>

namespace eqnet {

// Per-image correctness (1 = correct) as a compact string for files: "<count>:<hex>", bit i of
// the hex digits (4 bits each, most significant first) is image i. unpackCorrect() throws
// eqnet::Error naming `what` for a malformed string.
std::string packCorrect(const std::vector<uint8_t>& correct);
std::vector<uint8_t> unpackCorrect(const std::string& packed, const std::string& what);

struct PairedDifference {
    double difference = 0; // accuracy(a) - accuracy(b), fraction 0..1 (negative: b is better)
    double low = 0, high = 0; // the bootstrap interval of the difference
    int64_t images = 0;
    int resamples = 0;
    double level = 0.95;
    bool above() const { return low > 0; } // a better than b beyond resampling noise
};

constexpr int kBootstrapResamples = 2000;

// a and b: per-image correctness on the same images, in the same order (same size). The
// interval is the percentile interval of `resamples` bootstrap draws of the images, from a
// generator seeded with `seed` (deterministic). Throws eqnet::Error when sizes differ or are 0.
PairedDifference pairedBootstrap(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b,
                                 int resamples = kBootstrapResamples, uint64_t seed = 0, double level = 0.95);

} // namespace eqnet
