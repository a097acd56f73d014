#pragma once
// The inner loop of the clipping search (quant/lp_calibration.h), vectorised; no LibTorch here.
#include <cstdint>

namespace eqnet::quant {

// Sum over x[0..len) of |x - x^|^2.4, x^ = (clamp(round(x / s) + z, n, p) - z) s, summed in
// float over blocks of 2048 and in double across blocks. Once the sum passes `limit` the rest
// is skipped and a value above `limit` returned (the search only needs to know it lost).
double lpErrorSum(const float* x, int64_t len, float s, float z, float n, float p, double limit);

// The power function of that loop, |e|^2.4 for e >= 0 (relative error below 1e-5 where the
// result is a normal float; below 2^-52 it returns at most 2^-125; tests).
float lpPower(float e);

} // namespace eqnet::quant
