// Fitting a decoded picture to a network's input (eqnet::fitImage, eqnet/image_decode.h):
// channels first, then the picture scaled so that it covers the target, then the centre cut
// out. Standard library only.
//
// The resampling is separable (rows, then columns) and exact: along each axis a destination
// pixel is a weighted sum of source pixels whose weights are integers over a common
// denominator (the exact area fractions when shrinking, the exact bilinear fractions when
// enlarging), so the only rounding is the final one, to the nearest integer (halves up), of
// an exact rational number. Integer arithmetic gives the same bytes on every machine and
// compiler, which floating point (FMA contraction, vector widths) would not promise.
#include "eqnet/image_decode.h"

#include "eqnet/error.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <string>
#include <vector>

namespace eqnet {
namespace {

using u128 = unsigned __int128;

// One axis: source length n resampled to length m, for the destination indices
// begin .. begin+count-1 only (the part the crop keeps). Destination j reads the source
// samples first[j] .. first[j] + (offset[j+1] - offset[j]) - 1 with weights
// weights[offset[j]..] / denom, which sum to exactly 1. `first` never decreases.
struct AxisTaps {
    std::vector<int64_t> first;
    std::vector<size_t> offset;
    std::vector<uint64_t> weights;
    uint64_t denom = 1;
    size_t maxTaps = 1;

    size_t taps(size_t j) const { return offset[j + 1] - offset[j]; }
};

AxisTaps axisTaps(int64_t n, int64_t m, int64_t begin, int64_t count) {
    AxisTaps t;
    t.first.reserve(size_t(count));
    t.offset.reserve(size_t(count) + 1);
    t.offset.push_back(0);
    auto add = [&t](int64_t first, std::initializer_list<uint64_t> ws) {
        t.first.push_back(first);
        for (uint64_t w : ws) t.weights.push_back(w);
        t.offset.push_back(t.weights.size());
    };
    if (m == n) { // identity
        for (int64_t j = begin; j < begin + count; ++j) add(j, {1});
        return t;
    }
    // Every boundary below is a multiple of g: dividing the weights and the denominator by it
    // keeps them small (a 2x reduction has denominator 2, not n).
    const uint64_t g = uint64_t(std::gcd(n, m));
    if (m < n) {
        // Area average. In units of 1/m of a source pixel, source pixel i spans
        // [i*m, (i+1)*m) and destination pixel j spans [j*n, (j+1)*n): its weight on i is
        // the length of the overlap, over n. (n <= kMaxImagePixels: no overflow.)
        t.denom = uint64_t(n) / g;
        for (int64_t j = begin; j < begin + count; ++j) {
            const int64_t lo = j * n, hi = (j + 1) * n;
            const int64_t i0 = lo / m, i1 = (hi - 1) / m;
            t.first.push_back(i0);
            for (int64_t i = i0; i <= i1; ++i) {
                const int64_t overlap = std::min(hi, (i + 1) * m) - std::max(lo, i * m);
                t.weights.push_back(uint64_t(overlap) / g);
            }
            t.offset.push_back(t.weights.size());
            t.maxTaps = std::max(t.maxTaps, size_t(i1 - i0 + 1));
        }
        return t;
    }
    // Bilinear with pixel centres aligned: destination j samples the source at
    // (j + 0.5) * n / m - 0.5 = ((2j+1)*n - m) / (2m), clamped to [0, n-1]. m may be huge
    // (a thin picture enlarged a lot along its long side): 128-bit products.
    const u128 den = u128(2) * u128(m);
    t.denom = uint64_t(den / g);
    t.maxTaps = 2;
    for (int64_t j = begin; j < begin + count; ++j) {
        const u128 a = u128(2 * j + 1) * u128(n);
        if (a <= u128(m)) { // left of the first centre
            add(0, {t.denom});
            continue;
        }
        const u128 pos = a - u128(m);
        const int64_t i0 = int64_t(pos / den);
        const uint64_t frac = uint64_t(pos % den) / g; // weight of i0 + 1, over denom
        if (i0 >= n - 1)
            add(n - 1, {t.denom}); // right of the last centre
        else if (frac == 0)
            add(i0, {t.denom});
        else
            add(i0, {t.denom - frac, frac});
    }
    return t;
}

// Resamples `src` (h x w x c interleaved, bytes) with the taps of both axes into `dst`
// (c planes of rows.size() x cols.size()). Acc holds 256 * rows.denom * cols.denom.
// Rows are resampled along x once each, into a ring of cols-resampled rows that slides down
// the picture (the taps' first rows never decrease).
template <typename Acc>
void resample(const uint8_t* src, int64_t w, int64_t c, const AxisTaps& rows,
              const AxisTaps& cols, uint8_t* dst) {
    const size_t outH = rows.first.size(), outW = cols.first.size(), ch = size_t(c);
    const size_t ring = rows.maxTaps;
    std::vector<Acc> buffer(ring * outW * ch);
    int64_t done = 0; // source rows below this are in the ring (or no longer needed)
    const Acc denom = Acc(rows.denom) * Acc(cols.denom), half = denom / 2;
    const size_t plane = outH * outW;
    for (size_t y = 0; y < outH; ++y) {
        const int64_t r0 = rows.first[y], taps = int64_t(rows.taps(y));
        for (int64_t r = std::max(r0, done); r < r0 + taps; ++r) {
            const uint8_t* line = src + size_t(r) * size_t(w) * ch;
            Acc* out = buffer.data() + size_t(r) % ring * outW * ch;
            for (size_t x = 0; x < outW; ++x) {
                const uint8_t* p = line + size_t(cols.first[x]) * ch;
                const uint64_t* wx = cols.weights.data() + cols.offset[x];
                const size_t n = cols.taps(x);
                for (size_t k = 0; k < ch; ++k) {
                    Acc sum = 0;
                    for (size_t i = 0; i < n; ++i) sum += Acc(wx[i]) * p[i * ch + k];
                    out[x * ch + k] = sum;
                }
            }
        }
        done = std::max(done, r0 + taps);
        const uint64_t* wy = rows.weights.data() + rows.offset[y];
        for (size_t x = 0; x < outW; ++x)
            for (size_t k = 0; k < ch; ++k) {
                Acc sum = 0;
                for (int64_t i = 0; i < taps; ++i)
                    sum += Acc(wy[i]) * buffer[size_t(r0 + i) % ring * outW * ch + x * ch + k];
                dst[k * plane + y * outW + x] = uint8_t((sum + half) / denom);
            }
    }
}

// round(a / b) for a >= 0, b > 0 (halves up).
int64_t roundDiv(int64_t a, int64_t b) { return (2 * a + b) / (2 * b); }

} // namespace

void fitImage(const DecodedImage& image, int64_t channels, int64_t height, int64_t width,
              uint8_t* dst) {
    const int64_t c0 = image.channels, h = image.height, w = image.width;
    if ((c0 != 1 && c0 != 3) || h < 1 || w < 1 || h > kMaxImagePixels ||
        w > kMaxImagePixels || h * w > kMaxImagePixels ||
        image.pixels.size() != size_t(h * w * c0))
        throw Error("fitImage: inconsistent picture: " + std::to_string(c0) + " channels of " +
                    std::to_string(h) + " x " + std::to_string(w) + " (height x width) in " +
                    std::to_string(image.pixels.size()) + " bytes");
    if ((channels != 1 && channels != 3) || height < 1 || width < 1 ||
        height > kMaxImagePixels || width > kMaxImagePixels || height * width > kMaxImagePixels)
        throw Error("fitImage: unsupported target of " + std::to_string(channels) +
                    " channels of " + std::to_string(height) + " x " + std::to_string(width) +
                    " (height x width): 1 or 3 channels of at most " +
                    std::to_string(kMaxImagePixels) + " pixels");
    if (!dst) throw Error("fitImage: no destination");

    // Channels: RGB -> grey by the BT.601 luma weights, in thousandths so that the result is
    // exact and grey (r = g = b) stays itself. Grey -> RGB is done at the end, on the fitted
    // grey plane (the same result, a third of the work).
    const uint8_t* pixels = image.pixels.data();
    std::vector<uint8_t> grey;
    int64_t c = c0;
    if (c0 == 3 && channels == 1) {
        grey.resize(size_t(h * w));
        for (size_t i = 0; i < grey.size(); ++i) {
            const uint8_t* p = pixels + 3 * i;
            grey[i] = uint8_t((299u * p[0] + 587u * p[1] + 114u * p[2] + 500u) / 1000u);
        }
        pixels = grey.data();
        c = 1;
    }

    // Geometry: the scale is max(height / h, width / w); the axis that sets it matches the
    // target exactly, the other one is rounded and at least as long as the target. Compared
    // and rounded in integers (all products below 2^57).
    int64_t sh, sw;
    if (height * w >= width * h) {
        sh = height;
        sw = std::max(width, roundDiv(w * height, h));
    } else {
        sw = width;
        sh = std::max(height, roundDiv(h * width, w));
    }
    // The centre: offsets rounded down.
    const AxisTaps rows = axisTaps(h, sh, (sh - height) / 2, height);
    const AxisTaps cols = axisTaps(w, sw, (sw - width) / 2, width);

    if (u128(256) * rows.denom * cols.denom <= u128(UINT64_MAX)) // room for the sum and the half
        resample<uint64_t>(pixels, w, c, rows, cols, dst);
    else // only for extreme aspect ratios
        resample<u128>(pixels, w, c, rows, cols, dst);

    if (c == 1 && channels == 3) {
        const size_t plane = size_t(height * width);
        std::copy(dst, dst + plane, dst + plane);
        std::copy(dst, dst + plane, dst + 2 * plane);
    }
}

} // namespace eqnet
