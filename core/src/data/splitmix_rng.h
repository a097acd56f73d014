#pragma once
// Deterministic random numbers for the data layer: splitmix64, tiny, fast, and the same
// sequence everywhere. std:: distributions are not specified bit-for-bit, so only integer
// arithmetic on this generator is used for anything that must be reproducible (synthetic
// images, the splits, augmentation).
#include <cstdint>

namespace eqnet {

class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
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

private:
    uint64_t state_;
};

// Independent seeds for different purposes from one user seed.
inline uint64_t deriveSeed(uint64_t seed, uint64_t stream) {
    Rng r(seed ^ (0xD1B54A32D192ED03ull * (stream + 1)));
    return r.next();
}

} // namespace eqnet
