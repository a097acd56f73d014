#pragma once
// Fake quantization with a learnable step and an integer zero point (docs/method.md §2):
//   zr = clamp(round(z), n, p)                  (integer zero point, round with an STE)
//   q  = clamp(round(x / s) + zr, n, p)         (ONNX QuantizeLinear, round half to even)
//   x^ = (q - zr) * s                           (ONNX DequantizeLinear)
// i.e. the offset of LSQ+ restricted to beta = -zr * s, so an exported QDQ model reproduces
// the simulated one exactly. Gradients: the straight-through estimator for x (1 inside the
// clamp range, 0 outside), LSQ for s and z, both multiplied by the LSQ scale g = 1/sqrt(p*N).
//
// fakeQuantize() is the hot path of training: a custom autograd function whose forward and
// backward each make one pass over the data (fused CPU kernels; on other devices the same
// function falls back to tensor expressions). fakeQuantizeReference() composes the same
// maths from ordinary differentiable ops; tests hold the two equal.
#include <torch/torch.h>

namespace eqnet::quant {

struct QuantRange {
    int64_t n = 0; // lowest integer level
    int64_t p = 0; // highest integer level
    int64_t levels() const { return p - n + 1; }
};

// Signed range [-2^(b-1), 2^(b-1)-1]; unsigned (non-negative activations) [0, 2^b-1].
QuantRange quantRange(int bits, bool isUnsigned);

// LSQ gradient scale for a step shared by `elementsPerStep` elements (§2).
double lsqGradScale(const QuantRange& r, int64_t elementsPerStep);

// x: any shape. Per-tensor: s (and z) hold one element. Per-channel: s (and z) have
// x.size(0) elements, one per slice along dim 0. An undefined z means symmetric (zr = 0).
torch::Tensor fakeQuantize(const torch::Tensor& x, const torch::Tensor& s, const torch::Tensor& z,
                           QuantRange r, double gradScale);

// The same function composed from differentiable tensor ops (for tests and benchmarks).
torch::Tensor fakeQuantizeReference(const torch::Tensor& x, const torch::Tensor& s,
                                    const torch::Tensor& z, QuantRange r, double gradScale);

// The integer levels q (as float) for x, without autograd: what an exporter stores.
torch::Tensor quantizeToLevels(const torch::Tensor& x, const torch::Tensor& s, const torch::Tensor& z,
                               QuantRange r);

// The bias of a quantized layer as integer arithmetic adds it: int32 levels at the step
// s_x * s_w of the accumulator (one step per output channel when the weights are per channel),
// which is how ONNX Runtime runs a QDQ convolution (it rounds a float bias so) and how integer
// hardware must. biasStep: [C] (or [1]), without autograd.
torch::Tensor biasStep(const torch::Tensor& actStep, const torch::Tensor& weightStep);
// round(b / step) * step, the levels clamped to what int32 and float32 share; the gradient
// passes to b unchanged (straight-through).
torch::Tensor fakeQuantizeBias(const torch::Tensor& b, const torch::Tensor& step);
// The int32 levels (as float) that an exporter stores.
torch::Tensor biasLevels(const torch::Tensor& b, const torch::Tensor& step);

} // namespace eqnet::quant
