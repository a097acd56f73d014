#pragma once
// Deterministic pseudo-random bytes (xorshift): pictures and file contents that do not
// compress and differ everywhere, the same on every machine.
#include <cstdint>
#include <vector>

namespace eqtest {

inline std::vector<uint8_t> noise(size_t n, uint32_t seed) {
    std::vector<uint8_t> b(n);
    uint32_t x = seed * 2654435761u + 1;
    for (auto& v : b) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v = uint8_t(x >> 24);
    }
    return b;
}

} // namespace eqtest
