#pragma once
// Helpers for the element loops that GCC must vectorise (fake_quant.cpp, lp_error.cpp). Files
// that use them are compiled with -fopenmp-simd -fno-trapping-math and without the precompiled
// header (core/CMakeLists.txt: GCC restores a PCH's options, which dropped -fno-trapping-math).
#include <cstdint>
#include <cstring>

// The element loops are compiled twice (AVX2 and the baseline ISA) and picked at load time: the
// distribution builds for plain x86-64, where they would otherwise run on SSE2.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define EQ_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define EQ_TARGET_CLONES
#endif
#if defined(__GNUC__)
#define EQ_ALWAYS_INLINE __attribute__((always_inline))
#else
#define EQ_ALWAYS_INLINE
#endif

namespace eqnet::quant::simd {

// Round half to even for |v| < 2^22 without a libm call, so the loops vectorise; callers
// clamp v first (values far outside the range quantize to a bound either way).
EQ_ALWAYS_INLINE inline float roundEven(float v) {
    const float magic = 12582912.0f; // 1.5 * 2^23
    return (v + magic) - magic;
}

// Written as compare-and-select (not std::min/max) so that GCC turns it into min/max
// instructions; with -fno-trapping-math the loops then vectorise.
EQ_ALWAYS_INLINE inline float clampf(float v, float lo, float hi) {
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
}

EQ_ALWAYS_INLINE inline float bitsToFloat(int32_t i) {
    float f;
    std::memcpy(&f, &i, sizeof f);
    return f;
}

EQ_ALWAYS_INLINE inline int32_t floatToBits(float f) {
    int32_t i;
    std::memcpy(&i, &f, sizeof i);
    return i;
}

} // namespace eqnet::quant::simd
