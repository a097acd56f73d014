#pragma once
// Random numbers, defined once for the whole engine.
//  - SplitMix: splitmix64, tiny, fast and the same sequence everywhere. std:: distributions are
//    not specified bit-for-bit, so anything that must be reproducible across machines and
//    library versions (synthetic images, the splits, augmentation, CQAP samples) uses integer
//    arithmetic on it and the mappings below.
//  - seededEngine: a std::mt19937_64 seeded from 64-bit words (the sandwich rule's per-step
//    draws, the genetic searches), for code that feeds an engine to std:: algorithms.
#include <cstdint>
#include <initializer_list>
#include <random>
#include <vector>

namespace eqnet {

// One splitmix64 step: a bijective mix of x (plus the golden-ratio increment).
inline uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Uniform in [0, 1) from the top 53 bits of a random word.
inline double unitFromBits(uint64_t bits) { return double(bits >> 11) * 0x1.0p-53; }

// Uniform in [0, n) from a random word by multiply-shift, n >= 1 (bias below n / 2^64).
inline uint32_t belowFromBits(uint64_t bits, uint32_t n) {
    return uint32_t((static_cast<unsigned __int128>(bits) * n) >> 64);
}

class SplitMix {
public:
    explicit SplitMix(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        const uint64_t r = splitmix64(state_);
        state_ += 0x9E3779B97F4A7C15ull;
        return r;
    }
    // Uniform in [0, n), without modulo bias; n > 0.
    uint64_t below(uint64_t n) {
        const uint64_t threshold = (0 - n) % n;
        for (;;) {
            const uint64_t r = next();
            if (r >= threshold) return r % n;
        }
    }
    // Uniform in [lo, hi].
    int64_t range(int64_t lo, int64_t hi) {
        return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
    }
    double unit() { return unitFromBits(next()); }

private:
    uint64_t state_;
};

// Independent seeds for different purposes from one user seed.
inline uint64_t deriveSeed(uint64_t seed, uint64_t stream) {
    SplitMix r(seed ^ (0xD1B54A32D192ED03ull * (stream + 1)));
    return r.next();
}

// A std::mt19937_64 seeded through std::seed_seq from the low and high halves of each word.
inline std::mt19937_64 seededEngine(std::initializer_list<uint64_t> words) {
    std::vector<uint32_t> halves;
    for (uint64_t w : words) {
        halves.push_back(uint32_t(w));
        halves.push_back(uint32_t(w >> 32));
    }
    std::seed_seq seq(halves.begin(), halves.end());
    return std::mt19937_64(seq);
}

} // namespace eqnet
