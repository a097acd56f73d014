// eqnet::ImageSet: subsets and reads of images held in memory or streamed from image files.
#include "data/parallel_for.h"
#include "eqnet/data.h"
#include "eqnet/error.h"
#include "eqnet/image_decode.h"

#include <algorithm>
#include <cstring>

namespace eqnet {

void ImageSet::checkConsistent(const char* what) const {
    const uint64_t expected = static_cast<uint64_t>(size()) * static_cast<uint64_t>(imageBytes());
    const bool ok = channels >= 0 && height >= 0 && width >= 0 &&
                    (streamed() ? pixels.empty() && fileIndex.size() == labels.size()
                                : pixels.size() == expected);
    if (!ok)
        throw Error(std::string(what) + ": inconsistent image set '" + source + "': " +
                    std::to_string(size()) + " labels of " + std::to_string(channels) + "x" +
                    std::to_string(height) + "x" + std::to_string(width) + " but " +
                    (streamed() ? std::to_string(fileIndex.size()) + " files"
                                : std::to_string(pixels.size()) + " pixel bytes"));
}

ImageSet ImageSet::subset(const std::vector<int64_t>& idx) const {
    checkConsistent("subset");
    ImageSet out;
    out.channels = channels;
    out.height = height;
    out.width = width;
    out.numClasses = numClasses;
    out.source = source;
    out.files = files;
    const int64_t n = size();
    const size_t bytes = static_cast<size_t>(imageBytes());
    out.labels.reserve(idx.size());
    if (streamed())
        out.fileIndex.reserve(idx.size());
    else
        out.pixels.reserve(idx.size() * bytes);
    for (const int64_t i : idx) {
        if (i < 0 || i >= n)
            throw Error("subset index " + std::to_string(i) + " out of range 0.." +
                        std::to_string(n - 1) + " of " + source);
        out.labels.push_back(labels[static_cast<size_t>(i)]);
        if (streamed()) {
            out.fileIndex.push_back(fileIndex[static_cast<size_t>(i)]);
            continue;
        }
        const auto first = pixels.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(i) * bytes);
        out.pixels.insert(out.pixels.end(), first, first + static_cast<std::ptrdiff_t>(bytes));
    }
    return out;
}

void ImageSet::read(const std::vector<int64_t>& idx, uint8_t* dst) const {
    const int64_t n = size(), per = imageBytes();
    for (const int64_t i : idx)
        if (i < 0 || i >= n)
            throw Error("image index " + std::to_string(i) + " out of range 0.." + std::to_string(n - 1) +
                        " of " + source);
    if (!streamed()) {
        for (size_t k = 0; k < idx.size(); ++k)
            std::memcpy(dst + int64_t(k) * per, pixels.data() + idx[k] * per, size_t(per));
        return;
    }
    try {
        parallelFor(idx.size(), files->threads, [&](size_t k) {
            const std::string& path = files->paths[size_t(fileIndex[size_t(idx[k])])];
            fitImage(decodeImageFile(path), channels, height, width, dst + int64_t(k) * per);
        });
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + " (the picture was readable when " + source +
                    " was loaded: was it changed since?)");
    }
}

} // namespace eqnet
