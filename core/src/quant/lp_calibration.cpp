#include "quant/lp_calibration.h"

#include <limits>

namespace eqnet::quant {

namespace {
// Activation samples larger than this are strided down before the search: the range (min,
// max) is taken from the whole tensor, the Lp error estimated from the sample.
constexpr int64_t kMaxSearchElements = int64_t(1) << 18;
constexpr double kMinStep = 1e-8;
} // namespace

void rangeToStep(const torch::Tensor& lo, const torch::Tensor& hi, QuantRange r, bool symmetric,
                 torch::Tensor& scale, torch::Tensor& zero) {
    if (symmetric) {
        // Signed: +-max|x| maps to the positive bound p; unsigned: [0, max] onto [0, p].
        auto a = r.n < 0 ? torch::maximum(lo.abs(), hi.abs()) : hi.clamp_min(0);
        scale = (a / double(r.p)).clamp_min(kMinStep);
        zero = torch::zeros_like(scale);
    } else {
        // The range always holds 0, so that 0 (padding, ReLU) is exactly representable.
        auto l = lo.clamp_max(0), h = hi.clamp_min(0);
        scale = ((h - l) / double(r.p - r.n)).clamp_min(kMinStep);
        zero = torch::round(double(r.n) - l / scale).clamp(double(r.n), double(r.p));
    }
}

ClipChoice searchClipRange(const torch::Tensor& x, QuantRange r, bool symmetric, bool perChannel,
                           int candidates) {
    torch::NoGradGuard ng;
    auto xf = x.detach().to(torch::kFloat);
    auto rows = perChannel ? xf.reshape({xf.size(0), -1}) : xf.reshape({1, -1});
    const auto mx = std::get<0>(rows.max(1));
    const auto mn = std::get<0>(rows.min(1));
    if (!perChannel && rows.size(1) > kMaxSearchElements) {
        const int64_t stride = (rows.size(1) + kMaxSearchElements - 1) / kMaxSearchElements;
        rows = rows.slice(1, 0, rows.size(1), stride);
    }
    auto bestErr = torch::full({rows.size(0)}, std::numeric_limits<float>::infinity(), rows.options());
    auto bestS = torch::ones({rows.size(0)}, rows.options());
    auto bestZ = torch::zeros({rows.size(0)}, rows.options());
    for (int i = 0; i < candidates; ++i) {
        const double f = 1.0 - kClipShrinkStep * i;
        torch::Tensor s, z;
        rangeToStep(mn * f, mx * f, r, symmetric, s, z);
        auto sc = s.unsqueeze(1), zc = z.unsqueeze(1);
        auto q = (torch::round(rows / sc) + zc).clamp(double(r.n), double(r.p));
        auto err = (rows - (q - zc) * sc).abs().pow(kLpNorm).mean(1);
        auto better = err < bestErr;
        bestErr = torch::where(better, err, bestErr);
        bestS = torch::where(better, s, bestS);
        bestZ = torch::where(better, z, bestZ);
    }
    if (!perChannel) return {bestS.reshape({}), bestZ.reshape({}), bestErr.reshape({})};
    return {bestS, bestZ, bestErr};
}

} // namespace eqnet::quant
