#pragma once
// Reading one image file, torch-free: PNG through libpng and JPEG through libjpeg(-turbo), the
// format found from the file's first bytes (not its name), and fitting the decoded picture to
// a network's input (channels, then shorter side resized, then the centre cropped).
#include <cstdint>
#include <string>
#include <vector>

namespace eqnet {

// A decoded picture: height x width pixels of `channels` bytes, row-major and interleaved
// (channels 1 = grey, 3 = RGB). Alpha is dropped (not composited); 16-bit samples are reduced
// to 8 bits (their high byte, as OpenCV does); palette and low-bit-depth grey are expanded
// (palette to RGB). CMYK JPEGs are converted to RGB without a colour profile (Adobe's
// inverted inks assumed where the file has an Adobe marker, as Photoshop writes them).
struct DecodedImage {
    int64_t channels = 0;
    int64_t height = 0;
    int64_t width = 0;
    std::vector<uint8_t> pixels; // height * width * channels
};

enum class ImageKind { Unknown, Png, Jpeg };
// From the file's signature: PNG 89 50 4E 47 0D 0A 1A 0A, JPEG FF D8 FF.
ImageKind sniffImageKind(const uint8_t* bytes, size_t size);

// Decodes the PNG or JPEG held in `bytes`. Throws eqnet::Error naming `name` and what is
// wrong (not an image, truncated, corrupt data, larger than kMaxImagePixels) for any damaged
// input; never crashes and never prints (libpng/libjpeg warnings and errors are captured).
// Strict about the pixel data: a file cut anywhere (even just its end marker), a chunk with
// a bad CRC, a broken JPEG scan is an error, never a partly grey picture; warnings that leave
// the pixels intact (odd ancillary chunks, extraneous bytes between JPEG markers) are ignored.
// Safe to call from several threads at once.
DecodedImage decodeImage(const uint8_t* bytes, size_t size, const std::string& name);
// Reads the file (at most 256 MiB) and decodes it; the error names the path (missing or
// unreadable file too).
DecodedImage decodeImageFile(const std::string& path);

// No picture may declare more pixels than this (a hostile header must not allocate gigabytes).
constexpr int64_t kMaxImagePixels = int64_t(1) << 28;

// The network input from a decoded picture, written to `dst` as channels x height x width
// bytes (channel-first, as eqnet::ImageSet holds images):
//  - channels: grey -> RGB repeats the grey value; RGB -> grey uses the ITU-R BT.601 luma
//    weights (0.299, 0.587, 0.114), rounded;
//  - geometry: the picture (h x w) is scaled, keeping its aspect ratio, by the smallest
//    factor that makes it cover the target, max(height/h, width/w) (for a square target:
//    its shorter side matches), then the centre height x width is cut out. Scaling averages the covered source area when shrinking (no aliasing) and
//    interpolates bilinearly when enlarging; a picture of the target size is copied exactly.
//    Precisely: the scaled size is the target's along the axis that sets the scale and
//    round(length * scale) (at least the target's) along the other; each axis is resampled
//    on its own (rows, then columns) with pixel centres aligned; the crop's offsets are
//    (scaled - target) / 2 rounded down;
//  - after the channel conversion, every value is the exact resampled result rounded once,
//    to nearest (halves up); integer arithmetic, so the same bytes on every machine.
// Throws eqnet::Error for an inconsistent picture or a target that is not 1 or 3 channels of
// at most kMaxImagePixels pixels.
void fitImage(const DecodedImage& image, int64_t channels, int64_t height, int64_t width,
              uint8_t* dst);

} // namespace eqnet
