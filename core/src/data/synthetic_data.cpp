// The seeded synthetic image set (a smoke test without data files): smooth class patterns plus
// noise, in integer arithmetic only (floating point may differ between compilers through FMA
// contraction, and one ulp can flip a rounded byte), so it is the same bytes everywhere.
#include "eqnet/data.h"

#include "common/random.h"
#include "data/input_file.h"
#include "eqnet/error.h"

#include <string>
#include <vector>

namespace eqnet {

using datafile::kMaxDataBytes;

namespace {

// Adds a smooth bump: amp * (1 - d^2/r^2)^2 inside radius r. Coordinates are in 1/16 pixel.
void addBump(std::vector<int32_t>& field, int64_t h, int64_t w, int64_t cy16, int64_t cx16,
             int64_t r16, int64_t amp) {
    const int64_t r2 = r16 * r16;
    for (int64_t y = 0; y < h; ++y) {
        const int64_t dy = y * 16 + 8 - cy16;
        for (int64_t x = 0; x < w; ++x) {
            const int64_t dx = x * 16 + 8 - cx16;
            const int64_t d2 = dy * dy + dx * dx;
            if (d2 >= r2) continue;
            const int64_t q = (r2 - d2) * 65536 / r2; // 0..65536
            const int64_t q2 = q * q / 65536;
            field[static_cast<size_t>(y * w + x)] += static_cast<int32_t>(amp * q2 / 65536);
        }
    }
}

// A random smooth pattern: a gradient plus a few bumps.
void addPattern(SplitMix& rng, std::vector<int32_t>& field, int64_t h, int64_t w, int bumps,
                int64_t gradient, int64_t ampLo, int64_t ampHi) {
    const int64_t gy = rng.range(-gradient, gradient), gx = rng.range(-gradient, gradient);
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x)
            field[static_cast<size_t>(y * w + x)] += static_cast<int32_t>(
                gy * (2 * y + 1 - h) / (2 * h) + gx * (2 * x + 1 - w) / (2 * w));
    const int64_t minDim = std::min(h, w);
    for (int b = 0; b < bumps; ++b) {
        const int64_t cy16 = rng.range(h * 16 * 15 / 100, h * 16 * 85 / 100);
        const int64_t cx16 = rng.range(w * 16 * 15 / 100, w * 16 * 85 / 100);
        const int64_t r16 = rng.range(std::max<int64_t>(16, minDim * 16 / 5),
                                      std::max<int64_t>(24, minDim * 16 / 2));
        addBump(field, h, w, cy16, cx16, r16, rng.range(ampLo, ampHi));
    }
}

// How hard the synthetic task is, tuned on 28x28 images: a nearest-class-mean classifier
// reaches about 57% (tests/core/tst_data.cpp checks 40..95%), a two-layer CNN about 87-90%
// after 300-600 Adam steps of 64: clearly learnable, with room left to lose to quantization.
constexpr int kSharedBumps = 3;     // pattern common to all classes
constexpr int kClassBumps = 3;      // what tells the classes apart
constexpr int64_t kClassAmp = 45;   // class bump amplitude range +-
constexpr int64_t kNoise = 60;      // per-pixel noise, about this standard deviation
constexpr int64_t kBrightness = 24; // per-sample offset range +-

uint8_t clampByte(int64_t v) {
    return static_cast<uint8_t>(std::min<int64_t>(255, std::max<int64_t>(0, v)));
}

} // namespace

ImageSet makeSynthetic(int64_t n, int64_t channels, int64_t height, int64_t width, int numClasses,
                       uint64_t seed) {
    const std::string args = "makeSynthetic(n=" + std::to_string(n) + ", " +
                             std::to_string(channels) + "x" + std::to_string(height) + "x" +
                             std::to_string(width) + ", classes=" + std::to_string(numClasses) +
                             ")";
    if (n < 0 || channels < 1 || height < 1 || width < 1 || numClasses < 1 || numClasses > 256)
        throw Error(args + ": need n >= 0, channels, height and width >= 1, 1..256 classes");
    if (channels > 4096 || height > 65536 || width > 65536 ||
        uint64_t(channels) * uint64_t(height) * uint64_t(width) > kMaxDataBytes ||
        uint64_t(n) > kMaxDataBytes / uint64_t(channels * height * width) ||
        uint64_t(numClasses) * uint64_t(channels * height * width) > kMaxDataBytes)
        throw Error(args + ": larger than the limit of " + std::to_string(kMaxDataBytes) +
                    " bytes");

    ImageSet set;
    set.channels = channels;
    set.height = height;
    set.width = width;
    set.numClasses = numClasses;
    set.source = "synthetic(seed=" + std::to_string(seed) + ")";
    const int64_t plane = height * width;
    const int64_t imageBytes = channels * plane;

    // The class prototypes depend on the geometry only, not on `seed`: two sets made with
    // different seeds (a training and a test set) pose the same task with different samples.
    SplitMix protoRng(deriveSeed(0x45514E6574ull ^ (uint64_t(channels) << 48) ^
                                (uint64_t(height) << 32) ^ (uint64_t(width) << 16) ^
                                uint64_t(numClasses),
                            0));
    std::vector<std::vector<int32_t>> shared(static_cast<size_t>(channels));
    for (auto& field : shared) {
        field.assign(static_cast<size_t>(plane), static_cast<int32_t>(protoRng.range(70, 130)));
        addPattern(protoRng, field, height, width, kSharedBumps, 50, -60, 90);
    }
    std::vector<int32_t> protos(static_cast<size_t>(numClasses * imageBytes));
    for (int k = 0; k < numClasses; ++k)
        for (int64_t c = 0; c < channels; ++c) {
            std::vector<int32_t> field = shared[static_cast<size_t>(c)];
            addPattern(protoRng, field, height, width, kClassBumps, 20, -kClassAmp, kClassAmp);
            std::copy(field.begin(), field.end(),
                      protos.begin() + static_cast<std::ptrdiff_t>(k * imageBytes + c * plane));
        }

    SplitMix rng(deriveSeed(seed, 1));
    // Balanced labels (i % classes), shuffled by Fisher-Yates.
    set.labels.resize(static_cast<size_t>(n));
    for (size_t i = 0; i < set.labels.size(); ++i) set.labels[i] = Label(i % size_t(numClasses));
    for (size_t i = set.labels.size(); i > 1; --i)
        std::swap(set.labels[i - 1], set.labels[size_t(rng.below(i))]);

    // Each sample: the prototype shifted by a pixel or two, with its own contrast and
    // brightness, plus per-pixel noise (the sum of three uniforms, roughly Gaussian).
    const int64_t maxShift = std::max<int64_t>(1, std::min(height, width) / 14);
    const int64_t noiseSpan = 2 * kNoise + 1;
    set.pixels.resize(static_cast<size_t>(n * imageBytes));
    for (int64_t i = 0; i < n; ++i) {
        const int32_t* proto = protos.data() + set.labels[static_cast<size_t>(i)] * imageBytes;
        uint8_t* out = set.pixels.data() + i * imageBytes;
        const int64_t sy = rng.range(-maxShift, maxShift), sx = rng.range(-maxShift, maxShift);
        const int64_t contrast = rng.range(205, 307); // /256: 0.8 .. 1.2
        const int64_t offset = rng.range(-kBrightness, kBrightness);
        for (int64_t c = 0; c < channels; ++c)
            for (int64_t y = 0; y < height; ++y) {
                const int64_t py = std::min(height - 1, std::max<int64_t>(0, y - sy));
                for (int64_t x = 0; x < width; ++x) {
                    const int64_t px = std::min(width - 1, std::max<int64_t>(0, x - sx));
                    const int64_t v = proto[c * plane + py * width + px];
                    const uint64_t r = rng.next();
                    int64_t noise = -3 * kNoise;
                    for (int k = 0; k < 3; ++k)
                        noise += static_cast<int64_t>(
                            (((r >> (16 * k)) & 0xFFFF) * uint64_t(noiseSpan)) >> 16);
                    out[c * plane + y * width + x] =
                        clampByte((v - 128) * contrast / 256 + 128 + offset + noise);
                }
            }
    }
    return set;
}

} // namespace eqnet
