#include "quant/lp_calibration.h"

#include "quant/lp_error.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace eqnet::quant {

namespace {
// Activation samples larger than this are strided down before the search: the range (min,
// max) is taken from the whole tensor, the Lp error estimated from the sample.
constexpr int64_t kMaxSearchElements = int64_t(1) << 18;
constexpr double kMinStep = 1e-8;

// The rows the error is estimated on ([C, N] per-channel, [1, N] per-tensor) and each row's
// range, from the whole tensor.
struct SearchRows {
    torch::Tensor rows, mn, mx;
};

SearchRows searchRows(const torch::Tensor& x, bool perChannel) {
    SearchRows s;
    auto xf = x.detach().to(torch::kFloat);
    s.rows = perChannel ? xf.reshape({xf.size(0), -1}) : xf.reshape({1, -1});
    s.mx = std::get<0>(s.rows.max(1));
    s.mn = std::get<0>(s.rows.min(1));
    if (!perChannel && s.rows.size(1) > kMaxSearchElements) {
        const int64_t stride = (s.rows.size(1) + kMaxSearchElements - 1) / kMaxSearchElements;
        s.rows = s.rows.slice(1, 0, s.rows.size(1), stride);
    }
    return s;
}

// rangeToStep for one row, in float as the tensor version computes it.
void candidateStep(float lo, float hi, QuantRange r, bool symmetric, float& s, float& z) {
    const float minStep = float(kMinStep);
    if (symmetric) {
        const float a = r.n < 0 ? std::max(std::fabs(lo), std::fabs(hi)) : std::max(hi, 0.0f);
        s = std::max(a / float(r.p), minStep);
        z = 0.0f;
    } else {
        const float l = std::min(lo, 0.0f), h = std::max(hi, 0.0f);
        s = std::max((h - l) / float(r.p - r.n), minStep);
        z = std::min(std::max(std::nearbyint(float(r.n) - l / s), float(r.n)), float(r.p));
    }
}
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

namespace {
// A row's non-zero values, largest magnitude first (a counting sort into kOrderBuckets bands of
// |x| / max|x|): the elements a shrunk range clips come first, so a candidate that clips too
// much passes the best error within its first blocks and is dropped there.
constexpr int kOrderBuckets = 16;

void orderedNonZero(const float* row, int64_t width, std::vector<float>& out) {
    float maxAbs = 0.0f;
    for (int64_t i = 0; i < width; ++i) maxAbs = std::max(maxAbs, std::fabs(row[i]));
    out.clear();
    if (!(maxAbs > 0.0f) || !std::isfinite(maxAbs)) {
        for (int64_t i = 0; i < width; ++i)
            if (row[i] != 0.0f) out.push_back(row[i]);
        return;
    }
    const float scale = float(kOrderBuckets) / maxAbs;
    const auto bucket = [&](float v) { return std::min(kOrderBuckets - 1, int(std::fabs(v) * scale)); };
    std::array<int64_t, kOrderBuckets + 1> start{};
    for (int64_t i = 0; i < width; ++i)
        if (row[i] != 0.0f) ++start[size_t(kOrderBuckets - 1 - bucket(row[i])) + 1];
    for (int k = 0; k < kOrderBuckets; ++k) start[size_t(k) + 1] += start[size_t(k)];
    out.resize(size_t(start[kOrderBuckets]));
    for (int64_t i = 0; i < width; ++i)
        if (row[i] != 0.0f) out[size_t(start[size_t(kOrderBuckets - 1 - bucket(row[i]))]++)] = row[i];
}

// Every 8th candidate is tried first (a good best error early makes the others stop early);
// then the rest, nearest `centre` (the best of those) first.
constexpr int kProbeStride = 8;

std::vector<int> remainingCandidates(int candidates, int centre) {
    std::vector<int> order;
    for (int i = 0; i < candidates; ++i)
        if (i % kProbeStride != 0) order.push_back(i);
    std::stable_sort(order.begin(), order.end(),
                     [centre](int a, int b) { return std::abs(a - centre) < std::abs(b - centre); });
    return order;
}
} // namespace

ClipChoice searchClipRange(const torch::Tensor& x, QuantRange r, bool symmetric, bool perChannel,
                           int candidates) {
    torch::NoGradGuard ng;
    const SearchRows sr = searchRows(x, perChannel);
    const auto rows = sr.rows.to(torch::kCPU).contiguous();
    const auto mn = sr.mn.to(torch::kCPU).contiguous(), mx = sr.mx.to(torch::kCPU).contiguous();
    const int64_t count = rows.size(0), width = rows.size(1);
    auto scale = torch::ones({count}, torch::kFloat), zero = torch::zeros({count}, torch::kFloat);
    auto error = torch::full({count}, std::numeric_limits<float>::infinity(), torch::kFloat);
    std::vector<float> values;
    for (int64_t c = 0; c < count; ++c) {
        // Exact zeros (ReLU outputs: about half of many activation samples) quantize to exactly
        // 0 under every candidate (the range holds 0 and the zero point is an integer).
        orderedNonZero(rows.data_ptr<float>() + c * width, width, values);
        const float lo0 = mn.data_ptr<float>()[c], hi0 = mx.data_ptr<float>()[c];
        double best = std::numeric_limits<double>::infinity();
        int bestIndex = -1;
        float bestS = 1.0f, bestZ = 0.0f;
        const auto tryCandidate = [&](int i) {
            const float f = float(1.0 - kClipShrinkStep * i);
            float s, z;
            candidateStep(lo0 * f, hi0 * f, r, symmetric, s, z);
            const double sum =
                lpErrorSum(values.data(), int64_t(values.size()), s, z, float(r.n), float(r.p), best);
            // The smallest error wins, the first candidate among equal ones (as in the reference).
            if (sum < best || (sum == best && i < bestIndex)) {
                best = sum;
                bestIndex = i;
                bestS = s;
                bestZ = z;
            }
        };
        for (int i = 0; i < candidates; i += kProbeStride) tryCandidate(i);
        for (int i : remainingCandidates(candidates, std::max(bestIndex, 0))) tryCandidate(i);
        scale.data_ptr<float>()[c] = bestS;
        zero.data_ptr<float>()[c] = bestZ;
        error.data_ptr<float>()[c] = width ? float(best / double(width)) : 0.0f;
    }
    if (!perChannel) return {scale.reshape({}), zero.reshape({}), error.reshape({})};
    return {scale, zero, error};
}

ClipChoice searchClipRangeReference(const torch::Tensor& x, QuantRange r, bool symmetric, bool perChannel,
                                    int candidates) {
    torch::NoGradGuard ng;
    const SearchRows sr = searchRows(x, perChannel);
    const auto& rows = sr.rows;
    auto bestErr = torch::full({rows.size(0)}, std::numeric_limits<float>::infinity(), rows.options());
    auto bestS = torch::ones({rows.size(0)}, rows.options());
    auto bestZ = torch::zeros({rows.size(0)}, rows.options());
    for (int i = 0; i < candidates; ++i) {
        const double f = 1.0 - kClipShrinkStep * i;
        torch::Tensor s, z;
        rangeToStep(sr.mn * f, sr.mx * f, r, symmetric, s, z);
        auto sc = s.unsqueeze(1), zc = z.unsqueeze(1);
        auto q = (torch::round(rows / sc) + zc).clamp(double(r.n), double(r.p));
        auto err = (rows - (q - zc) * sc).abs().pow(kLpNorm).mean(1);
        auto better = err < bestErr;
        bestErr = torch::where(better, err, bestErr);
        bestS = torch::where(better, s, bestS);
        bestZ = torch::where(better, z, bestZ);
    }
    bestS = bestS.to(torch::kCPU), bestZ = bestZ.to(torch::kCPU), bestErr = bestErr.to(torch::kCPU);
    if (!perChannel) return {bestS.reshape({}), bestZ.reshape({}), bestErr.reshape({})};
    return {bestS, bestZ, bestErr};
}

} // namespace eqnet::quant
