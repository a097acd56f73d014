#pragma once
// Training-batch augmentation, torch-free and deterministic: the usual random crop (pad the
// picture by `cropPadding` black pixels on every side, cut a window of the original size at a
// random offset) and random horizontal flip (half of the pictures). Validation and test
// batches are never augmented.
#include <cstdint>
#include <string>

namespace eqnet {

struct Augmentation {
    int64_t cropPadding = 0; // 0: no random crop
    bool horizontalFlip = false;
    bool any() const { return cropPadding > 0 || horizontalFlip; }
};

// Augments one C x H x W picture in place. The crop offset and the flip are a pure function of
// `seed` (callers derive it from the run seed, the epoch and the image's position), so a
// resumed run sees the same pictures as an uninterrupted one.
void augmentImage(uint8_t* image, int64_t channels, int64_t height, int64_t width,
                  const Augmentation& a, uint64_t seed);

// "crop4+flip", "crop4", "flip" or "none": how runs and messages name a setting.
std::string augmentationName(const Augmentation& a);

} // namespace eqnet
