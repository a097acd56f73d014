#pragma once
// Clipping-range initialisation of docs/method.md §2: try 80 shrinking ranges
// (max * (1 - 0.01 i), i = 0..79; asymmetric: min and max shrink alike) and keep the one whose
// quantized tensor has the smallest mean |x - x^|^2.4. Per-channel searches every channel.
#include "quant/fake_quant.h"

#include <torch/torch.h>

namespace eqnet::quant {

constexpr int kClipCandidates = 80;      // §2
constexpr double kClipShrinkStep = 0.01; // §2
constexpr double kLpNorm = 2.4;          // §2

struct ClipChoice {
    torch::Tensor scale; // [C] per-channel, 0-dim per-tensor (on the CPU)
    torch::Tensor zero;  // same shape; zeros for symmetric
    torch::Tensor error; // the Lp error of the choice, same shape
};

// x is [C, ...] for per-channel (channel = dim 0); any shape for per-tensor. Computed on the CPU
// in one thread (callers run several searches in parallel): the candidates' steps in float as
// rangeToStep computes them, their errors with the vectorised lpErrorSum, exact zeros (which
// every candidate represents exactly) skipped, and a candidate dropped as soon as its partial
// error passes the best so far. The choice equals searchClipRangeReference's up to the fast
// power function and the summation order (`eqnet bench calibration` prints the difference).
ClipChoice searchClipRange(const torch::Tensor& x, QuantRange r, bool symmetric, bool perChannel,
                           int candidates = kClipCandidates);

// The same search in LibTorch tensor operations (every candidate over the whole sample): the
// reference for tests and for the benchmark.
ClipChoice searchClipRangeReference(const torch::Tensor& x, QuantRange r, bool symmetric, bool perChannel,
                                    int candidates = kClipCandidates);

using ClipSearch = ClipChoice (*)(const torch::Tensor&, QuantRange, bool, bool, int);

// The step and zero point that map [lo, hi] onto the integer range (both include 0).
void rangeToStep(const torch::Tensor& lo, const torch::Tensor& hi, QuantRange r, bool symmetric,
                 torch::Tensor& scale, torch::Tensor& zero);

} // namespace eqnet::quant
