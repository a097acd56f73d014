// The inner loop of the clipping search (docs/method.md §2): the sum of |x - x^|^2.4 over a
// sample for one candidate step and zero point, vectorised, with a fast power function.
#include "quant/lp_error.h"
#include "quant/simd_kernel.h"

#include <algorithm>
#include <cmath>

namespace eqnet::quant {

namespace {

using simd::bitsToFloat;
using simd::clampf;
using simd::floatToBits;
using simd::roundEven;

// e^2.4 for e >= 0, as exp2(2.4 log2 e) from polynomials (relative error below 1e-5 over the
// float range; 0 for 0). libm's powf does not vectorise, and was 28% of a calibration profile.
EQ_ALWAYS_INLINE inline float powLp(float e) {
    const int32_t b = floatToBits(e);
    const float k = float((b >> 23) - 127);                  // e = m 2^k
    const float m = bitsToFloat((b & 0x7fffff) | 0x3f800000); // [1, 2)
    // log2 m = 2/ln 2 * atanh(t), t = (m - 1) / (m + 1) in [0, 1/3): odd series to t^11.
    const float t = (m - 1.0f) / (m + 1.0f);
    const float t2 = t * t;
    const float atanh =
        t * (1.0f + t2 * (1.0f / 3 + t2 * (1.0f / 5 + t2 * (1.0f / 7 + t2 * (1.0f / 9 + t2 * (1.0f / 11))))));
    const float y = clampf(2.4f * (k + 2.8853900817779268f * atanh), -126.0f, 126.0f);
    // 2^y = 2^n 2^(y - n), n = y rounded; y - n in [-1/2, 1/2]: Taylor series of e^(f ln 2) to f^7.
    const float magic = 12582912.0f;
    const float shifted = y + magic;
    const float n = shifted - magic;
    const int32_t ni = floatToBits(shifted) - floatToBits(magic);
    const float f = (y - n) * 0.6931471805599453f;
    const float p =
        1.0f + f * (1.0f + f * (0.5f + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120 + f * (1.0f / 720 + f * (1.0f / 5040)))))));
    const float r = p * bitsToFloat((ni + 127) << 23);
    return e > 0.0f ? r : 0.0f;
}

// One block, a float sum (the loop shape GCC vectorises as a reduction).
EQ_ALWAYS_INLINE inline float blockSum(const float* __restrict x, int64_t len, float s, float z, float n, float p) {
    const float lo = n - z - 2.0f, hi = p - z + 2.0f;
    float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
    for (int64_t i = 0; i < len; ++i) {
        const float q = clampf(roundEven(clampf(x[i] / s, lo, hi)) + z, n, p);
        acc += powLp(std::fabs(x[i] - (q - z) * s));
    }
    return acc;
}

} // namespace

EQ_TARGET_CLONES
double lpErrorSum(const float* __restrict x, int64_t len, float s, float z, float n, float p, double limit) {
    constexpr int64_t kBlock = 2048; // float sums within a block, double across blocks
    double sum = 0;
    for (int64_t b = 0; b < len; b += kBlock) {
        sum += blockSum(x + b, std::min(kBlock, len - b), s, z, n, p);
        if (sum > limit) break; // already worse than the best candidate: its exact sum is not needed
    }
    return sum;
}

float lpPower(float e) { return powLp(e); }

} // namespace eqnet::quant
