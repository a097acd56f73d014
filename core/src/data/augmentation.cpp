// Training-batch augmentation on C x H x W bytes (eqnet/augmentation.h).
#include "eqnet/augmentation.h"

#include "common/random.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace eqnet {

void augmentImage(uint8_t* image, int64_t channels, int64_t height, int64_t width,
                  const Augmentation& a, uint64_t seed) {
    if (!a.any() || channels <= 0 || height <= 0 || width <= 0) return;
    SplitMix rng(seed);
    // Offsets into the padded picture: 0 .. 2 * padding, so padding means "unshifted".
    const int64_t p = std::max<int64_t>(a.cropPadding, 0);
    const int64_t dy = p > 0 ? rng.range(0, 2 * p) - p : 0;
    const int64_t dx = p > 0 ? rng.range(0, 2 * p) - p : 0;
    const bool flip = a.horizontalFlip && (rng.next() >> 63) != 0;
    if (dy == 0 && dx == 0 && !flip) return;
    std::vector<uint8_t> src(image, image + channels * height * width);
    const int64_t plane = height * width;
    for (int64_t c = 0; c < channels; ++c)
        for (int64_t y = 0; y < height; ++y) {
            const int64_t sy = y + dy; // output (y, x) shows padded-source (y + dy, x + dx)
            uint8_t* out = image + c * plane + y * width;
            if (sy < 0 || sy >= height) {
                std::memset(out, 0, size_t(width));
                continue;
            }
            const uint8_t* row = src.data() + c * plane + sy * width;
            for (int64_t x = 0; x < width; ++x) {
                const int64_t sx = (flip ? width - 1 - x : x) + dx;
                out[x] = sx < 0 || sx >= width ? 0 : row[sx];
            }
        }
}

std::string augmentationName(const Augmentation& a) {
    std::string s;
    if (a.cropPadding > 0) s = "crop" + std::to_string(a.cropPadding);
    if (a.horizontalFlip) s += s.empty() ? "flip" : "+flip";
    return s.empty() ? "none" : s;
}

} // namespace eqnet
