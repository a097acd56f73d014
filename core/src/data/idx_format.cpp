// The IDX format of MNIST and Fashion-MNIST (plain or gzip): images and labels, every header
// field, length and trailing byte checked.
#include "eqnet/data.h"

#include "data/input_file.h"
#include "eqnet/error.h"

#include <cstdio>
#include <string>
#include <vector>

namespace eqnet {

using namespace datafile;

namespace {

constexpr uint32_t kIdxImagesMagic = 0x00000803; // unsigned bytes, 3 dimensions
constexpr uint32_t kIdxLabelsMagic = 0x00000801; // unsigned bytes, 1 dimension
constexpr int kMnistClasses = 10;

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(v));
    return buf;
}

// One IDX file of unsigned bytes: checks magic, dimensions, length and trailing bytes.
void readIdxFile(const std::string& path, bool images, std::vector<uint32_t>& dims,
                 std::vector<uint8_t>& data) {
    const uint32_t expected = images ? kIdxImagesMagic : kIdxLabelsMagic;
    const uint32_t other = images ? kIdxLabelsMagic : kIdxImagesMagic;
    const char* kind = images ? "images" : "labels";
    const char* otherKind = images ? "labels" : "images";
    const size_t ndims = images ? 3 : 1;

    InputFile f(path);
    uint8_t head[4 + 4 * 3];
    const uint64_t gotMagic = f.read(head, 4);
    if (gotMagic == 0)
        throw Error(path + ": empty file, expected IDX " + kind + f.earlyEndReason() +
                    f.gzipNote());
    if (gotMagic < 4)
        throw Error(path + ": truncated: expected a 4-byte IDX magic number, got " +
                    std::to_string(gotMagic) + " bytes" + f.earlyEndReason() + f.gzipNote());
    const uint32_t magic = bigEndian32(head);
    if (magic != expected) {
        std::string msg = path + ": wrong magic number " + hex32(magic) + ", expected " +
                          hex32(expected) + " (IDX " + kind + ")";
        if (magic == other)
            msg += std::string("; this is an IDX ") + otherKind +
                   " file: are the images and labels paths swapped?";
        throw Error(msg + f.gzipNote());
    }

    const uint64_t dimBytes = 4 * ndims;
    const uint64_t gotDims = f.read(head + 4, dimBytes);
    if (gotDims < dimBytes)
        throw Error(path + ": truncated: expected " + std::to_string(dimBytes) +
                    " bytes of dimensions after the magic number, got " + std::to_string(gotDims) +
                    f.earlyEndReason());

    static const char* const kImageDims[] = {"image count", "image height", "image width"};
    dims.assign(ndims, 0);
    std::string shape;
    for (size_t i = 0; i < ndims; ++i) {
        dims[i] = bigEndian32(head + 4 + 4 * i);
        shape += (i ? " x " : "") + std::to_string(dims[i]);
    }
    uint64_t total = 1;
    for (size_t i = 0; i < ndims; ++i) {
        if (dims[i] == 0)
            throw Error(path + ": absurd header: " + (images ? kImageDims[i] : "label count") +
                        " is zero (" + shape + ")");
        if (total > kMaxDataBytes / dims[i]) // total * dims[i] > limit, without overflow
            throw Error(path + ": absurd header: dimensions " + shape + " exceed the limit of " +
                        std::to_string(kMaxDataBytes) + " bytes");
        total *= dims[i];
    }

    const char* what = images ? "pixels" : "labels";
    const uint64_t got = readUpTo(f, total, data);
    if (got < total)
        throw Error(path + ": truncated: expected " + std::to_string(total) + " bytes of " + what +
                    " (header: " + shape + "), got " + std::to_string(got) + f.earlyEndReason());
    // Reading on also reaches the gzip trailer, so a bad checksum is reported here.
    const uint64_t extra = countRemaining(f);
    if (extra > 0)
        throw Error(path + ": " + (extra > kMaxDataBytes ? "more than " : "") +
                    std::to_string(std::min(extra, kMaxDataBytes)) + " trailing bytes after the " +
                    std::to_string(total) + " bytes of " + what + " the header declares (" + shape +
                    ")");
    f.requireCleanEnd(4 + dimBytes + total);
}

} // namespace

ImageSet readIdx(const std::string& imagesPath, const std::string& labelsPath) {
    ImageSet set;
    std::vector<uint32_t> imageDims, labelDims;
    readIdxFile(imagesPath, true, imageDims, set.pixels);
    std::vector<uint8_t> labelBytes;
    readIdxFile(labelsPath, false, labelDims, labelBytes);
    set.labels.assign(labelBytes.begin(), labelBytes.end());
    if (imageDims[0] != labelDims[0])
        throw Error("image and label counts disagree: " + imagesPath + " holds " +
                    std::to_string(imageDims[0]) + " images but " + labelsPath + " holds " +
                    std::to_string(labelDims[0]) + " labels");
    set.channels = 1;
    set.height = imageDims[1];
    set.width = imageDims[2];
    set.numClasses = kMnistClasses;
    set.source = imagesPath;
    for (size_t i = 0; i < set.labels.size(); ++i)
        if (set.labels[i] >= kMnistClasses)
            throw Error(labelsPath + ": label " + std::to_string(set.labels[i]) + " at index " +
                        std::to_string(i) + " out of range 0.." +
                        std::to_string(kMnistClasses - 1));
    return set;
}

} // namespace eqnet
