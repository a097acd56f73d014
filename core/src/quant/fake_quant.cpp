#include "quant/fake_quant.h"
#include "quant/simd_kernel.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

namespace eqnet::quant {

QuantRange quantRange(int bits, bool isUnsigned) {
    TORCH_CHECK(bits >= 1 && bits <= 16, "bit-width ", bits, " out of range");
    if (isUnsigned) return {0, (int64_t(1) << bits) - 1};
    return {-(int64_t(1) << (bits - 1)), (int64_t(1) << (bits - 1)) - 1};
}

double lsqGradScale(const QuantRange& r, int64_t elementsPerStep) {
    return 1.0 / std::sqrt(double(std::max<int64_t>(r.p, 1)) * double(std::max<int64_t>(elementsPerStep, 1)));
}

namespace {

using simd::clampf;
using simd::roundEven;

// One contiguous run of elements sharing step s and zero point zr.
EQ_TARGET_CLONES
void forwardRun(const float* __restrict x, float* __restrict y, int64_t len, float s, float zr,
                float n, float p) {
    const float lo = n - zr - 2.0f, hi = p - zr + 2.0f;
#pragma omp simd
    for (int64_t i = 0; i < len; ++i) {
        const float q = clampf(roundEven(clampf(x[i] / s, lo, hi)) + zr, n, p);
        y[i] = (q - zr) * s;
    }
}

struct Sums {
    double ds = 0; // sum of dL/dx^ * dx^/ds
    double dz = 0; // sum of dL/dx^ over clamped elements (times -s later)
};

// One block of elements, float partial sums. A loop of its own (not nested in the block loop):
// GCC vectorises the reduction only in this shape.
EQ_ALWAYS_INLINE inline void backwardBlock(const float* __restrict x, const float* __restrict go,
                                           float* __restrict gx, int64_t len, float s, float zr,
                                           float n, float p, float& dsOut, float& dzOut) {
    const float lo = n - zr - 2.0f, hi = p - zr + 2.0f;
    float ds = 0.f, dz = 0.f;
#pragma omp simd reduction(+ : ds, dz)
    for (int64_t i = 0; i < len; ++i) {
        const float v = x[i] / s;
        const float r = roundEven(clampf(v, lo, hi)) + zr;
        const float q = clampf(r, n, p);
        // 1 where not clamped (the STE passes), else 0: r and q are integers, so |r - q| is 0
        // or at least 1. Arithmetic rather than a compare keeps the loop branch-free.
        const float inside = 1.0f - clampf(std::fabs(r - q), 0.0f, 1.0f);
        const float g = go[i];
        gx[i] = g * inside;
        // inside: d x^/ds = round(v) - v; clamped: q - zr
        ds += g * ((q - zr) - v * inside);
        dz += g - g * inside;
    }
    dsOut = ds;
    dzOut = dz;
}

EQ_TARGET_CLONES
void backwardRun(const float* __restrict x, const float* __restrict go, float* __restrict gx,
                 int64_t len, float s, float zr, float n, float p, Sums& out) {
    // Float sums over short blocks, double across blocks: accurate and vectorisable.
    constexpr int64_t kBlock = 2048;
    for (int64_t b = 0; b < len; b += kBlock) {
        float ds, dz;
        backwardBlock(x + b, go + b, gx + b, std::min(len - b, kBlock), s, zr, n, p, ds, dz);
        out.ds += ds;
        out.dz += dz;
    }
}

// Geometry of x as [channels, inner] (per-channel) or [1, numel] (per-tensor).
struct Layout {
    int64_t channels = 1;
    int64_t inner = 0;
};

Layout layoutOf(const torch::Tensor& x, const torch::Tensor& s) {
    Layout l;
    if (s.numel() > 1) {
        TORCH_CHECK(x.dim() >= 1 && x.size(0) == s.numel(), "per-channel step has ", s.numel(),
                    " elements but the tensor has ", x.dim() ? x.size(0) : 0, " channels");
        l.channels = s.numel();
    }
    l.inner = l.channels ? x.numel() / l.channels : 0;
    return l;
}

// Steps and rounded, clamped zero points as plain floats, one per channel.
void stepsAndZeros(const torch::Tensor& s, const torch::Tensor& z, QuantRange r,
                   std::vector<float>& sv, std::vector<float>& zv) {
    auto sc = s.detach().to(torch::kCPU, torch::kFloat).contiguous();
    sv.assign(sc.data_ptr<float>(), sc.data_ptr<float>() + sc.numel());
    zv.assign(sv.size(), 0.f);
    if (z.defined()) {
        auto zc = z.detach().to(torch::kCPU, torch::kFloat).contiguous();
        for (size_t c = 0; c < zv.size(); ++c)
            zv[c] = std::min(std::max(std::nearbyint(zc.data_ptr<float>()[c]), float(r.n)), float(r.p));
    }
}

// Work is split into chunks of about this many elements for the thread pool.
constexpr int64_t kGrain = 32768;

// Chunks per task: a per-channel weight has channels of a few elements each (9 for a depthwise
// 3x3), and handing each to the pool cost more than the work (measured: the backward took
// longer on 2 threads than on 1); tasks of at least kGrain elements.
int64_t chunkGrain(const Layout& l) {
    const int64_t chunkLen = std::max<int64_t>(1, std::min(l.inner, kGrain));
    return std::max<int64_t>(1, kGrain / chunkLen);
}

torch::Tensor forwardCpu(const torch::Tensor& xIn, const torch::Tensor& s, const torch::Tensor& z,
                         QuantRange r) {
    auto x = xIn.contiguous();
    auto y = torch::empty_like(x);
    const Layout l = layoutOf(x, s);
    std::vector<float> sv, zv;
    stepsAndZeros(s, z, r, sv, zv);
    const float* xp = x.data_ptr<float>();
    float* yp = y.data_ptr<float>();
    const int64_t chunksPerChannel = std::max<int64_t>(1, (l.inner + kGrain - 1) / kGrain);
    at::parallel_for(0, l.channels * chunksPerChannel, chunkGrain(l), [&](int64_t b, int64_t e) {
        for (int64_t k = b; k < e; ++k) {
            const int64_t c = k / chunksPerChannel, j = k % chunksPerChannel;
            const int64_t off = j * kGrain, len = std::min(kGrain, l.inner - off);
            if (len <= 0) continue;
            forwardRun(xp + c * l.inner + off, yp + c * l.inner + off, len, sv[size_t(c)],
                       zv[size_t(c)], float(r.n), float(r.p));
        }
    });
    return y;
}

std::vector<torch::Tensor> backwardCpu(const torch::Tensor& xIn, const torch::Tensor& s,
                                       const torch::Tensor& z, QuantRange r, double g,
                                       const torch::Tensor& gradOut) {
    auto x = xIn.contiguous();
    auto go = gradOut.contiguous().to(torch::kFloat);
    auto gx = torch::empty_like(x);
    const Layout l = layoutOf(x, s);
    std::vector<float> sv, zv;
    stepsAndZeros(s, z, r, sv, zv);
    const int64_t chunksPerChannel = std::max<int64_t>(1, (l.inner + kGrain - 1) / kGrain);
    const int64_t nChunks = l.channels * chunksPerChannel;
    std::vector<Sums> partial(static_cast<size_t>(nChunks));
    const float* xp = x.data_ptr<float>();
    const float* gp = go.data_ptr<float>();
    float* gxp = gx.data_ptr<float>();
    at::parallel_for(0, nChunks, chunkGrain(l), [&](int64_t b, int64_t e) {
        for (int64_t k = b; k < e; ++k) {
            const int64_t c = k / chunksPerChannel, j = k % chunksPerChannel;
            const int64_t off = j * kGrain, len = std::min(kGrain, l.inner - off);
            if (len <= 0) continue;
            const int64_t base = c * l.inner + off;
            backwardRun(xp + base, gp + base, gxp + base, len, sv[size_t(c)], zv[size_t(c)],
                        float(r.n), float(r.p), partial[size_t(k)]);
        }
    });
    auto ds = torch::empty({l.channels}, torch::kFloat);
    auto dz = torch::empty({l.channels}, torch::kFloat);
    float* dsp = ds.data_ptr<float>();
    float* dzp = dz.data_ptr<float>();
    for (int64_t c = 0; c < l.channels; ++c) {
        Sums t;
        for (int64_t j = 0; j < chunksPerChannel; ++j) {
            t.ds += partial[size_t(c * chunksPerChannel + j)].ds;
            t.dz += partial[size_t(c * chunksPerChannel + j)].dz;
        }
        dsp[c] = float(t.ds * g);
        dzp[c] = float(-t.dz * double(sv[size_t(c)]) * g);
    }
    torch::Tensor dzOut;
    if (z.defined()) {
        // The zero point is clamped into [n, p]: no gradient once it sits outside.
        auto zr = torch::round(z.detach().to(torch::kCPU, torch::kFloat)).reshape({-1});
        auto live = (zr >= double(r.n)).logical_and(zr <= double(r.p)).to(torch::kFloat);
        dzOut = (dz * live).reshape(z.sizes()).to(z.device(), z.scalar_type());
    }
    return {gx, ds.reshape(s.sizes()).to(s.device(), s.scalar_type()), dzOut};
}

// Broadcast shape of a per-channel parameter against x: [C, 1, 1, ...].
torch::Tensor asChannel(const torch::Tensor& t, const torch::Tensor& x) {
    if (t.numel() == 1) return t.reshape({});
    std::vector<int64_t> shape(size_t(x.dim()), 1);
    shape[0] = t.numel();
    return t.reshape(shape);
}

// Tensor-expression versions of the same maths for non-CPU devices (and non-float dtypes).
torch::Tensor forwardOps(const torch::Tensor& x, const torch::Tensor& s, const torch::Tensor& z,
                         QuantRange r) {
    auto sb = asChannel(s.detach(), x);
    auto zr = z.defined() ? asChannel(torch::round(z.detach()).clamp(double(r.n), double(r.p)), x)
                          : torch::zeros({}, x.options());
    auto q = (torch::round(x / sb) + zr).clamp(double(r.n), double(r.p));
    return (q - zr) * sb;
}

std::vector<torch::Tensor> backwardOps(const torch::Tensor& x, const torch::Tensor& s,
                                       const torch::Tensor& z, QuantRange r, double g,
                                       const torch::Tensor& go) {
    auto sb = asChannel(s.detach(), x);
    auto zr = z.defined() ? asChannel(torch::round(z.detach()).clamp(double(r.n), double(r.p)), x)
                          : torch::zeros({}, x.options());
    auto v = x / sb;
    auto rr = torch::round(v) + zr;
    auto inside = (rr >= double(r.n)).logical_and(rr <= double(r.p));
    auto q = rr.clamp(double(r.n), double(r.p));
    auto gx = go * inside;
    auto dsTerm = go * ((q - zr) - v * inside);
    auto dzTerm = go * inside.logical_not();
    torch::Tensor ds, dz;
    if (s.numel() > 1) {
        ds = dsTerm.reshape({s.numel(), -1}).sum(1);
        dz = dzTerm.reshape({s.numel(), -1}).sum(1) * -s.detach().reshape({-1});
    } else {
        ds = dsTerm.sum();
        dz = dzTerm.sum() * -s.detach().reshape({});
    }
    ds = (ds * g).reshape(s.sizes());
    torch::Tensor dzOut;
    if (z.defined()) {
        auto zround = torch::round(z.detach()).reshape(dz.sizes());
        auto live = (zround >= double(r.n)).logical_and(zround <= double(r.p));
        dzOut = (dz * g * live).reshape(z.sizes());
    }
    return {gx, ds, dzOut};
}

bool useCpuKernel(const torch::Tensor& x) {
    return x.device().is_cpu() && x.scalar_type() == torch::kFloat;
}

class FakeQuantFunction : public torch::autograd::Function<FakeQuantFunction> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& s, const torch::Tensor& z, int64_t n,
                                 int64_t p, double g) {
        ctx->save_for_backward({x, s, z});
        ctx->saved_data["n"] = n;
        ctx->saved_data["p"] = p;
        ctx->saved_data["g"] = g;
        const QuantRange r{n, p};
        const torch::Tensor zp = z.numel() ? z : torch::Tensor(); // empty: symmetric
        return useCpuKernel(x) ? forwardCpu(x, s, zp, r) : forwardOps(x, s, zp, r);
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads) {
        const auto saved = ctx->get_saved_variables();
        const QuantRange r{ctx->saved_data["n"].toInt(), ctx->saved_data["p"].toInt()};
        const double g = ctx->saved_data["g"].toDouble();
        const auto& x = saved[0];
        const torch::Tensor z = saved[2].numel() ? saved[2] : torch::Tensor();
        auto parts = useCpuKernel(x) ? backwardCpu(x, saved[1], z, r, g, grads[0])
                                     : backwardOps(x, saved[1], z, r, g, grads[0]);
        return {parts[0], parts[1], parts[2], torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

// Value exactly t, gradient g * dL/dt: LSQ gradient scaling written with ordinary ops.
// (t - t.detach()) is exactly 0, so the value is bit-identical to t.
torch::Tensor scaleGrad(const torch::Tensor& t, double g) {
    return t.detach() + (t - t.detach()) * g;
}

// round() whose gradient is the identity (straight-through estimator), value exactly round(t).
torch::Tensor roundSte(const torch::Tensor& t) {
    return torch::round(t).detach() + (t - t.detach());
}

} // namespace

torch::Tensor fakeQuantize(const torch::Tensor& x, const torch::Tensor& s, const torch::Tensor& z,
                           QuantRange r, double gradScale) {
    // Custom functions cannot take undefined tensors: symmetric passes an empty one.
    return FakeQuantFunction::apply(x, s, z.defined() ? z : torch::empty({0}, s.options()), r.n, r.p,
                                    gradScale);
}

torch::Tensor fakeQuantizeReference(const torch::Tensor& x, const torch::Tensor& s,
                                    const torch::Tensor& z, QuantRange r, double gradScale) {
    auto sb = asChannel(scaleGrad(s, gradScale), x);
    torch::Tensor zr = torch::zeros({}, x.options());
    if (z.defined()) zr = asChannel(roundSte(scaleGrad(z, gradScale)).clamp(double(r.n), double(r.p)), x);
    auto q = (roundSte(x / sb) + zr).clamp(double(r.n), double(r.p));
    return (q - zr) * sb;
}

torch::Tensor quantizeToLevels(const torch::Tensor& x, const torch::Tensor& s, const torch::Tensor& z,
                               QuantRange r) {
    torch::NoGradGuard ng;
    auto sb = asChannel(s, x);
    auto zr = z.defined() ? asChannel(torch::round(z).clamp(double(r.n), double(r.p)), x)
                          : torch::zeros({}, x.options());
    return (torch::round(x / sb) + zr).clamp(double(r.n), double(r.p));
}

namespace {
// The largest int32 that float32 holds exactly below 2^31.
constexpr double kInt32Levels = 2147483520.0;
} // namespace

torch::Tensor biasStep(const torch::Tensor& actStep, const torch::Tensor& weightStep) {
    torch::NoGradGuard ng;
    return (actStep.detach().reshape({}) * weightStep.detach().reshape({-1})).contiguous();
}

torch::Tensor biasLevels(const torch::Tensor& b, const torch::Tensor& step) {
    torch::NoGradGuard ng;
    return torch::round(b.detach() / step).clamp(-kInt32Levels, kInt32Levels);
}

torch::Tensor fakeQuantizeBias(const torch::Tensor& b, const torch::Tensor& step) {
    return b + (biasLevels(b, step) * step - b).detach();
}

} // namespace eqnet::quant
