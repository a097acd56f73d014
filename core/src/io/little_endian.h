#pragma once
// An unsigned little-endian integer of n bytes (n <= 8) at b[at], which the caller has checked
// to lie inside b (zip directories, pickle opcodes).
#include <cstdint>
#include <string_view>

namespace eqnet {

inline uint64_t readLittleEndian(std::string_view b, uint64_t at, uint64_t n) {
    uint64_t v = 0;
    for (uint64_t i = n; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
    return v;
}

} // namespace eqnet
