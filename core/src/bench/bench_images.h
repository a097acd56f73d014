// Synthetic images in a network's geometry for the benchmarks (a step's or a measurement's
// cost does not depend on the pixels). makeSynthetic() stores labels in a byte, so a network
// with more than 256 classes (mobilenetv2, resnet18: 1000) gets labels 0..255: valid classes
// of its classifier.
#pragma once
#include "eqnet/data.h"
#include "eqnet/model_spec.h"

#include <algorithm>

namespace eqnet::bench {

inline ImageSet benchImages(const ModelSpec& spec, int64_t n, uint64_t seed) {
    return makeSynthetic(n, spec.inChannels, spec.imageSize, spec.imageSize, std::min(spec.numClasses, 256), seed);
}

} // namespace eqnet::bench
