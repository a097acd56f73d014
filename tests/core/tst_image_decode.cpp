// Image decoding and fitting (eqnet/image_decode.h): PNG and JPEG files written here with
// libpng and libjpeg in every layout a folder may hold, decoded and compared with what was
// written; damaged, cut, hostile and missing files; fitImage's channels, area averaging,
// bilinear enlarging and centre crop on pictures whose expected result is computable.
#include "error_check.h"
#include "eqtest.h"
#include "noise_bytes.h"
#include "image_writer.h"

#include "eqnet/error.h"
#include "eqnet/image_decode.h"

#include <png.h>
#include <zlib.h>

#include <csetjmp>
#include <cstdio> // before jpeglib.h, which uses FILE
#include <jpeglib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;
using eqtest::encodeJpeg;
using eqtest::encodePng;
using eqtest::JpegSpec;
using eqtest::jpegOf;
using eqtest::PngSpec;
using eqtest::pngOf;

// ---- pictures

using eqtest::noise;

// A smooth picture (gradients), which JPEG keeps within a few levels.
Bytes smooth(int h, int w, int c) {
    Bytes b(size_t(h * w * c));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int k = 0; k < c; ++k)
                b[size_t((y * w + x) * c + k)] = uint8_t(40 + (y * 120) / h + (x * 80) / w + 10 * k);
    return b;
}

// ---- PNG chunks by hand (hostile headers)

void putBE32(Bytes& b, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(v >> s));
}

uint32_t getBE32(const Bytes& b, size_t at) {
    return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}

// Length, type, data and a correct CRC: libpng sees a well-formed chunk.
void putChunk(Bytes& b, const char* type, const Bytes& data) {
    putBE32(b, uint32_t(data.size()));
    Bytes typed(type, type + 4);
    typed.insert(typed.end(), data.begin(), data.end());
    b.insert(b.end(), typed.begin(), typed.end());
    putBE32(b, uint32_t(crc32(0, typed.data(), uInt(typed.size()))));
}

const Bytes kPngSignature = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};

// An 8-bit grey PNG whose header declares width x height, with one tiny IDAT.
Bytes craftedPng(uint32_t width, uint32_t height) {
    Bytes b = kPngSignature, ihdr;
    putBE32(ihdr, width);
    putBE32(ihdr, height);
    ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0}); // depth 8, grey, deflate, filter 0, no interlace
    putChunk(b, "IHDR", ihdr);
    // Zero rows (filter byte and samples) for a small picture; a few bytes for a large one.
    const Bytes raw(std::min<size_t>(size_t(height) * (size_t(width) + 1), 64), 0);
    Bytes z(128);
    uLongf zn = uLongf(z.size());
    compress(z.data(), &zn, raw.data(), uLong(raw.size()));
    z.resize(zn);
    putChunk(b, "IDAT", z);
    putChunk(b, "IEND", {});
    return b;
}

// Where the first chunk of `type` starts (its length field) in a PNG; throws if absent.
size_t findChunk(const Bytes& png, const char* type) {
    for (size_t at = 8; at + 8 <= png.size(); at += 12 + getBE32(png, at))
        if (std::memcmp(png.data() + at + 4, type, 4) == 0) return at;
    throw std::runtime_error(std::string("test setup: no ") + type + " chunk");
}

// Where the SOFn marker (FF C0..C2) starts in a JPEG; throws if absent.
size_t findSof(const Bytes& jpeg) {
    for (size_t at = 2; at + 4 <= jpeg.size();) {
        if (jpeg[at] != 0xFF) break;
        const uint8_t m = jpeg[at + 1];
        if (m >= 0xC0 && m <= 0xC2) return at;
        at += 2 + (size_t(jpeg[at + 2]) << 8 | jpeg[at + 3]);
    }
    throw std::runtime_error("test setup: no SOF marker");
}

// ---- checking

DecodedImage decodeBytes(const Bytes& b, const std::string& name = "mem.img") {
    return decodeImage(b.data(), b.size(), name);
}

int maxAbsDiff(const Bytes& a, const Bytes& b) {
    if (a.size() != b.size()) return 1 << 30;
    int m = 0;
    for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(int(a[i]) - int(b[i])));
    return m;
}

// Interleaved picture from a DecodedImage-like layout, for fitImage.
DecodedImage picture(int64_t c, int64_t h, int64_t w, Bytes pixels) {
    DecodedImage d;
    d.channels = c;
    d.height = h;
    d.width = w;
    d.pixels = std::move(pixels);
    return d;
}

Bytes fit(const DecodedImage& d, int64_t c, int64_t h, int64_t w) {
    Bytes out(size_t(c * h * w), 0xAB);
    fitImage(d, c, h, w, out.data());
    return out;
}


} // namespace

// ============================================================================ sniffing

EQ_TEST(sniff_signatures) {
    const Bytes png = pngOf(1, 1, PNG_COLOR_TYPE_GRAY, {7});
    EQ_VERIFY(sniffImageKind(png.data(), png.size()) == ImageKind::Png);
    EQ_VERIFY(sniffImageKind(png.data(), 8) == ImageKind::Png);
    EQ_VERIFY(sniffImageKind(png.data(), 7) == ImageKind::Unknown); // a cut signature
    const Bytes jpeg = {0xFF, 0xD8, 0xFF};
    EQ_VERIFY(sniffImageKind(jpeg.data(), 3) == ImageKind::Jpeg);
    EQ_VERIFY(sniffImageKind(jpeg.data(), 2) == ImageKind::Unknown);
    const Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 0, 0};
    EQ_VERIFY(sniffImageKind(gif.data(), gif.size()) == ImageKind::Unknown);
    EQ_VERIFY(sniffImageKind(nullptr, 0) == ImageKind::Unknown);
}

EQ_TEST(sniff_by_content_not_name) {
    const std::string dir = eqtest::scratchDir();
    const Bytes grey = noise(6 * 5, 1);
    eqtest::writeBytes(dir + "/png-in-disguise.jpg", pngOf(6, 5, PNG_COLOR_TYPE_GRAY, grey));
    const DecodedImage a = decodeImageFile(dir + "/png-in-disguise.jpg");
    EQ_COMPARE(a.channels, int64_t(1));
    EQ_VERIFY(a.pixels == grey);
    eqtest::writeBytes(dir + "/jpeg-in-disguise.png", jpegOf(16, 16, 3, smooth(16, 16, 3)));
    const DecodedImage b = decodeImageFile(dir + "/jpeg-in-disguise.png");
    EQ_COMPARE(b.channels, int64_t(3));
    EQ_COMPARE(b.height, int64_t(16));
    EQ_VERIFY(maxAbsDiff(b.pixels, smooth(16, 16, 3)) <= 8);
}

// ============================================================================ PNG, good files

EQ_TEST(png_grey8) {
    const Bytes px = noise(7 * 5, 2);
    const DecodedImage d = decodeBytes(pngOf(7, 5, PNG_COLOR_TYPE_GRAY, px));
    EQ_COMPARE(d.channels, int64_t(1));
    EQ_COMPARE(d.height, int64_t(7));
    EQ_COMPARE(d.width, int64_t(5));
    EQ_VERIFY(d.pixels == px);
}

EQ_TEST(png_rgb8) {
    const Bytes px = noise(4 * 9 * 3, 3);
    const DecodedImage d = decodeBytes(pngOf(4, 9, PNG_COLOR_TYPE_RGB, px));
    EQ_COMPARE(d.channels, int64_t(3));
    EQ_COMPARE(d.height, int64_t(4));
    EQ_COMPARE(d.width, int64_t(9));
    EQ_VERIFY(d.pixels == px);
}

EQ_TEST(png_rgba_alpha_dropped) {
    const Bytes px = noise(5 * 6 * 4, 4);
    const DecodedImage d = decodeBytes(pngOf(5, 6, PNG_COLOR_TYPE_RGB_ALPHA, px));
    EQ_COMPARE(d.channels, int64_t(3));
    Bytes rgb;
    for (size_t i = 0; i < px.size(); i += 4) rgb.insert(rgb.end(), {px[i], px[i + 1], px[i + 2]});
    EQ_VERIFY(d.pixels == rgb); // dropped, not composited over a background
}

EQ_TEST(png_grey_alpha) {
    const Bytes px = noise(3 * 8 * 2, 5);
    const DecodedImage d = decodeBytes(pngOf(3, 8, PNG_COLOR_TYPE_GRAY_ALPHA, px));
    EQ_COMPARE(d.channels, int64_t(1));
    Bytes grey;
    for (size_t i = 0; i < px.size(); i += 2) grey.push_back(px[i]);
    EQ_VERIFY(d.pixels == grey);
}

EQ_TEST(png_palette_with_transparency) {
    PngSpec s;
    s.width = 6;
    s.height = 4;
    s.colorType = PNG_COLOR_TYPE_PALETTE;
    s.palette = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {12, 34, 56}, {200, 100, 50}};
    s.paletteAlpha = {0, 128}; // entries 0 and 1 (partly) transparent: ignored
    Bytes index(24);
    for (size_t i = 0; i < index.size(); ++i) index[i] = uint8_t((i * 7) % 5);
    const DecodedImage d = decodeBytes(encodePng(s, index));
    EQ_COMPARE(d.channels, int64_t(3));
    EQ_COMPARE(d.height, int64_t(4));
    EQ_COMPARE(d.width, int64_t(6));
    Bytes rgb;
    for (uint8_t i : index) rgb.insert(rgb.end(), {s.palette[i].red, s.palette[i].green, s.palette[i].blue});
    EQ_VERIFY(d.pixels == rgb);
}

EQ_TEST(png_16bit_keeps_high_byte) {
    // png_set_strip_16: the high byte, so 0x12FF -> 0x12 (scaling would give 0x13).
    const Bytes grey16 = {0x12, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0x80, 0x7F, 0x7F, 0x80, 0x01, 0x02};
    const DecodedImage g = decodeBytes(pngOf(2, 3, PNG_COLOR_TYPE_GRAY, grey16, 16));
    EQ_COMPARE(g.channels, int64_t(1));
    EQ_VERIFY(g.pixels == Bytes({0x12, 0x00, 0xFF, 0x80, 0x7F, 0x01}));

    const Bytes rgb16 = noise(3 * 4 * 3 * 2, 6);
    const DecodedImage c = decodeBytes(pngOf(3, 4, PNG_COLOR_TYPE_RGB, rgb16, 16));
    EQ_COMPARE(c.channels, int64_t(3));
    Bytes high;
    for (size_t i = 0; i < rgb16.size(); i += 2) high.push_back(rgb16[i]);
    EQ_VERIFY(c.pixels == high);

    const Bytes rgba16 = noise(2 * 2 * 4 * 2, 7);
    const DecodedImage a = decodeBytes(pngOf(2, 2, PNG_COLOR_TYPE_RGB_ALPHA, rgba16, 16));
    EQ_COMPARE(a.channels, int64_t(3));
    Bytes highRgb;
    for (size_t i = 0; i < rgba16.size(); i += 8) highRgb.insert(highRgb.end(), {rgba16[i], rgba16[i + 2], rgba16[i + 4]});
    EQ_VERIFY(a.pixels == highRgb);
}

EQ_TEST(png_low_bit_grey_expanded) {
    // 1, 2 and 4 bits scale to 8 bits by replication: v * 255, v * 85, v * 17.
    const struct { int depth, factor; } cases[] = {{1, 255}, {2, 85}, {4, 17}};
    for (const auto& c : cases) {
        const int levels = 1 << c.depth;
        Bytes px(5 * 11);
        for (size_t i = 0; i < px.size(); ++i) px[i] = uint8_t((i * 3) % size_t(levels));
        const DecodedImage d = decodeBytes(pngOf(5, 11, PNG_COLOR_TYPE_GRAY, px, c.depth));
        EQ_COMPARE(d.channels, int64_t(1));
        EQ_COMPARE(d.width, int64_t(11));
        Bytes expected;
        for (uint8_t v : px) expected.push_back(uint8_t(v * c.factor));
        EQ_VERIFY2(d.pixels == expected, "bit depth " + std::to_string(c.depth));
    }
}

EQ_TEST(png_grey_with_transparent_key) {
    PngSpec s;
    s.width = 4;
    s.height = 3;
    s.greyKey = true;
    s.greyKeyValue = 9;
    Bytes px = noise(12, 8);
    px[5] = 9;
    const DecodedImage d = decodeBytes(encodePng(s, px));
    EQ_COMPARE(d.channels, int64_t(1));
    EQ_VERIFY(d.pixels == px);
}

EQ_TEST(png_interlaced) {
    PngSpec s;
    s.width = 13;
    s.height = 11;
    s.colorType = PNG_COLOR_TYPE_RGB;
    s.interlaced = true;
    const Bytes px = noise(13 * 11 * 3, 9);
    const DecodedImage d = decodeBytes(encodePng(s, px));
    EQ_COMPARE(d.channels, int64_t(3));
    EQ_VERIFY(d.pixels == px);
}

// ============================================================================ JPEG, good files

EQ_TEST(jpeg_grey) {
    const Bytes px = smooth(24, 40, 1);
    const DecodedImage d = decodeBytes(jpegOf(24, 40, 1, px));
    EQ_COMPARE(d.channels, int64_t(1));
    EQ_COMPARE(d.height, int64_t(24));
    EQ_COMPARE(d.width, int64_t(40));
    EQ_VERIFY2(maxAbsDiff(d.pixels, px) <= 8, std::to_string(maxAbsDiff(d.pixels, px)));
}

EQ_TEST(jpeg_rgb) {
    const Bytes px = smooth(33, 17, 3); // sizes not multiples of the 16-pixel blocks
    const DecodedImage d = decodeBytes(jpegOf(33, 17, 3, px));
    EQ_COMPARE(d.channels, int64_t(3));
    EQ_COMPARE(d.height, int64_t(33));
    EQ_COMPARE(d.width, int64_t(17));
    EQ_VERIFY2(maxAbsDiff(d.pixels, px) <= 8, std::to_string(maxAbsDiff(d.pixels, px)));
}

EQ_TEST(jpeg_progressive) {
    const Bytes px = smooth(32, 48, 3);
    const DecodedImage d = decodeBytes(jpegOf(32, 48, 3, px, true));
    EQ_COMPARE(d.channels, int64_t(3));
    EQ_VERIFY2(maxAbsDiff(d.pixels, px) <= 8, std::to_string(maxAbsDiff(d.pixels, px)));
}

EQ_TEST(jpeg_cmyk_converted) {
    // libjpeg writes CMYK with an Adobe marker and the values as given; decoders read them as
    // Adobe's inverted inks (255 = no ink). (255, 0, 255, 255): full magenta ink, no black.
    JpegSpec s;
    s.width = 16;
    s.height = 8;
    s.components = 4;
    s.space = JCS_CMYK;
    Bytes px;
    for (int i = 0; i < 16 * 8; ++i) px.insert(px.end(), {255, 0, 255, 255});
    const DecodedImage d = decodeBytes(encodeJpeg(s, px));
    EQ_COMPARE(d.channels, int64_t(3));
    Bytes magenta;
    for (int i = 0; i < 16 * 8; ++i) magenta.insert(magenta.end(), {255, 0, 255});
    EQ_VERIFY2(maxAbsDiff(d.pixels, magenta) <= 4, std::to_string(maxAbsDiff(d.pixels, magenta)));
    // Half black everywhere: about half of each level.
    for (size_t i = 0; i < px.size(); i += 4) px[i + 3] = 128;
    const DecodedImage h = decodeBytes(encodeJpeg(s, px));
    for (size_t i = 0; i < magenta.size(); i += 3) magenta[i] = magenta[i + 2] = 128;
    EQ_VERIFY2(maxAbsDiff(h.pixels, magenta) <= 4, std::to_string(maxAbsDiff(h.pixels, magenta)));
}

// ============================================================================ damaged files

EQ_TEST(not_an_image) {
    const std::string dir = eqtest::scratchDir();
    eqtest::writeBytes(dir + "/empty.png", {});
    EQ_ERROR(decodeImageFile(dir + "/empty.png"), dir + "/empty.png", "empty", "not a PNG or JPEG");
    const std::string text = "<!DOCTYPE html><html>not really a picture</html>\n";
    eqtest::writeBytes(dir + "/page.jpg", Bytes(text.begin(), text.end()));
    EQ_ERROR(decodeImageFile(dir + "/page.jpg"), dir + "/page.jpg: not a PNG or JPEG image",
             "3C 21 44 4F");
    const Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0};
    EQ_ERROR(decodeBytes(gif, "anim.gif"), "anim.gif: not a PNG or JPEG image");
    EQ_ERROR(decodeBytes({0x89, 0x50, 0x4E}, "cut.png"), "cut.png: not a PNG or JPEG image");
}

EQ_TEST(file_errors) {
    const std::string dir = eqtest::scratchDir();
    EQ_ERROR(decodeImageFile(dir + "/nope.png"), dir + "/nope.png: cannot read",
             "No such file or directory");
    fs::create_directories(dir + "/folder.png");
    EQ_ERROR(decodeImageFile(dir + "/folder.png"), dir + "/folder.png", "not a regular file");
    // A 300 MiB file (sparse: nothing is written) is refused before it is read.
    eqtest::writeBytes(dir + "/huge.png", pngOf(1, 1, PNG_COLOR_TYPE_GRAY, {0}));
    fs::resize_file(dir + "/huge.png", uintmax_t(300) << 20);
    EQ_ERROR(decodeImageFile(dir + "/huge.png"), dir + "/huge.png", "314572800 bytes", "larger");
}

EQ_TEST(png_truncated) {
    const Bytes png = pngOf(64, 64, PNG_COLOR_TYPE_RGB, noise(64 * 64 * 3, 10));
    const size_t idat = findChunk(png, "IDAT"), idatLength = getBE32(png, idat);
    EQ_VERIFY(idatLength > 1000);
    EQ_VERIFY(decodeBytes(png).pixels.size() == 64 * 64 * 3); // whole, it is fine
    const size_t cuts[] = {8,                           // the signature alone
                           20,                          // inside IHDR
                           33,                          // after IHDR
                           idat + 8 + idatLength / 2,   // in the middle of the pixel data
                           idat + 8 + idatLength + 2,   // inside IDAT's CRC
                           png.size() - 12,             // no IEND
                           png.size() - 1};             // IEND's CRC cut
    for (const size_t cut : cuts) {
        const Bytes part(png.begin(), png.begin() + std::ptrdiff_t(cut));
        EQ_ERROR(decodeBytes(part, "cut.png"), "cut.png: truncated PNG data",
                 "ends after " + std::to_string(cut) + " bytes");
    }
}

EQ_TEST(png_corrupt) {
    const Bytes png = pngOf(32, 32, PNG_COLOR_TYPE_RGB, noise(32 * 32 * 3, 11));
    const size_t idat = findChunk(png, "IDAT"), idatLength = getBE32(png, idat);
    // One pixel-data byte changed: zlib's check (as here) or the chunk's CRC, whichever
    // libpng meets first, fails.
    Bytes bad = png;
    bad[idat + 8 + idatLength / 2] ^= 0x40;
    EQ_ERROR(decodeBytes(bad, "data.png"), "data.png: corrupt PNG data (libpng: ");
    // IDAT's CRC wrong, its data intact.
    bad = png;
    bad[idat + 8 + idatLength] ^= 0x01;
    EQ_ERROR(decodeBytes(bad, "crc.png"), "crc.png: corrupt PNG data", "IDAT: CRC error");
    // IHDR's CRC wrong.
    bad = png;
    bad[29] ^= 0x01;
    EQ_ERROR(decodeBytes(bad, "ihdr.png"), "ihdr.png: corrupt PNG data", "CRC");
    // A broken zlib header in IDAT with a CRC that matches: zlib itself refuses.
    bad = png;
    bad[idat + 8] = 0x00;
    bad[idat + 9] = 0x00;
    const uint32_t crc = uint32_t(crc32(0, bad.data() + idat + 4, uInt(4 + idatLength)));
    for (int k = 0; k < 4; ++k) bad[idat + 8 + idatLength + size_t(k)] = uint8_t(crc >> (24 - 8 * k));
    EQ_ERROR(decodeBytes(bad, "zlib.png"), "zlib.png: corrupt PNG data (libpng:");
    // Random bytes after a valid signature.
    Bytes junk = kPngSignature;
    const Bytes n = noise(200, 12);
    junk.insert(junk.end(), n.begin(), n.end());
    EQ_ERROR(decodeBytes(junk, "junk.png"), "junk.png: ", "PNG data");
}

EQ_TEST(png_hostile_dimensions) {
    // Valid chunks (correct CRCs) declaring 10^10 pixels: refused from the header, before any
    // allocation.
    EQ_ERROR(decodeBytes(craftedPng(100000, 100000), "big.png"),
             "big.png: image of 100000 x 100000 pixels", "larger than the 268435456 pixels");
    // Each side under the limit, the product over it.
    EQ_ERROR(decodeBytes(craftedPng(1u << 20, 1u << 9), "wide.png"), "wide.png", "larger");
    // The crafted file itself is sound: 4 x 4 decodes.
    const DecodedImage d = decodeBytes(craftedPng(4, 4));
    EQ_COMPARE(d.pixels.size(), size_t(16));
    // A zero side: libpng refuses the header.
    EQ_ERROR(decodeBytes(craftedPng(0, 4), "zero.png"), "zero.png", "PNG data");
}

EQ_TEST(jpeg_truncated) {
    const Bytes jpeg = jpegOf(64, 64, 3, noise(64 * 64 * 3, 13));
    EQ_VERIFY(jpeg.size() > 4000);
    EQ_VERIFY(decodeBytes(jpeg).pixels.size() == 64 * 64 * 3);
    for (const size_t cut : {size_t(20), jpeg.size() / 2, jpeg.size() - 100, jpeg.size() - 2}) {
        const Bytes part(jpeg.begin(), jpeg.begin() + std::ptrdiff_t(cut));
        EQ_ERROR(decodeBytes(part, "cut.jpg"), "cut.jpg: truncated JPEG data",
                 "ends after " + std::to_string(cut) + " bytes", "Premature end of JPEG file");
    }
    // A progressive file cut after its first scans (the picture would be blurred, not missing).
    const Bytes prog = jpegOf(64, 64, 3, noise(64 * 64 * 3, 14), true);
    const Bytes part(prog.begin(), prog.begin() + std::ptrdiff_t(prog.size() / 2));
    EQ_ERROR(decodeBytes(part, "prog.jpg"), "prog.jpg: truncated JPEG data");
}

EQ_TEST(jpeg_corrupt) {
    const Bytes jpeg = jpegOf(64, 64, 3, noise(64 * 64 * 3, 15));
    // An end-of-image marker in the middle of the entropy-coded data.
    Bytes bad = jpeg;
    bad[jpeg.size() / 2] = 0xFF;
    bad[jpeg.size() / 2 + 1] = 0xD9;
    EQ_ERROR(decodeBytes(bad, "eoi.jpg"), "eoi.jpg: corrupt JPEG data", "premature end of data segment");
    // Random bytes after a valid signature.
    Bytes junk = {0xFF, 0xD8, 0xFF};
    const Bytes n = noise(300, 16);
    junk.insert(junk.end(), n.begin(), n.end());
    EQ_ERROR(decodeBytes(junk, "junk.jpg"), "junk.jpg: ", "JPEG data (libjpeg: ");
    // The signature alone.
    EQ_ERROR(decodeBytes({0xFF, 0xD8, 0xFF}, "sig.jpg"), "sig.jpg: truncated JPEG data");
}

EQ_TEST(jpeg_hostile_dimensions) {
    // A sound file whose frame header is changed to 65000 x 65000 (JPEG's own limit is 65500).
    Bytes jpeg = jpegOf(16, 16, 1, smooth(16, 16, 1));
    const size_t sof = findSof(jpeg);
    jpeg[sof + 5] = jpeg[sof + 7] = uint8_t(65000 >> 8);
    jpeg[sof + 6] = jpeg[sof + 8] = uint8_t(65000 & 0xFF);
    EQ_ERROR(decodeBytes(jpeg, "big.jpg"), "big.jpg: image of 65000 x 65000 pixels", "larger");
}

// ============================================================================ fitImage

EQ_TEST(fit_same_size_exact) {
    const Bytes px = noise(5 * 7 * 3, 20);
    const Bytes out = fit(picture(3, 5, 7, px), 3, 5, 7);
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < 5; ++y)
            for (int x = 0; x < 7; ++x)
                EQ_COMPARE(int(out[size_t((c * 5 + y) * 7 + x)]), int(px[size_t((y * 7 + x) * 3 + c)]));
    const Bytes grey = noise(4 * 4, 21);
    EQ_VERIFY(fit(picture(1, 4, 4, grey), 1, 4, 4) == grey);
}

EQ_TEST(fit_halve_is_block_average) {
    const int h = 8, w = 6;
    const Bytes px = noise(size_t(h * w * 3), 22);
    const Bytes out = fit(picture(3, h, w, px), 3, h / 2, w / 2);
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < h / 2; ++y)
            for (int x = 0; x < w / 2; ++x) {
                auto at = [&](int yy, int xx) { return int(px[size_t((yy * w + xx) * 3 + c)]); };
                const int sum = at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) +
                                at(2 * y + 1, 2 * x + 1);
                EQ_COMPARE(int(out[size_t((c * h / 2 + y) * w / 2 + x)]), (sum + 2) / 4);
            }
}

EQ_TEST(fit_fractional_area) {
    // 3 -> 2: each output pixel covers one and a half input pixels (weights 2/3, 1/3).
    const Bytes px = {0, 90, 180, 0, 90, 180, 0, 90, 180};
    EQ_VERIFY(fit(picture(1, 3, 3, px), 1, 2, 2) == Bytes({30, 150, 30, 150}));
    // 3 -> 2 on 1, 2, 0: (2*1 + 2)/3 = 1.33 -> 1, (2 + 2*0)/3 = 0.67 -> 1.
    EQ_VERIFY(fit(picture(1, 3, 3, {1, 2, 0, 1, 2, 0, 1, 2, 0}), 1, 2, 2) == Bytes({1, 1, 1, 1}));
    // 4 -> 3 in both directions keeps a constant exactly.
    EQ_VERIFY(fit(picture(1, 4, 4, Bytes(16, 201)), 1, 3, 3) == Bytes(9, 201));
}

EQ_TEST(fit_rgb_to_grey) {
    const Bytes px = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 10, 20, 30, 77, 77, 77};
    const Bytes out = fit(picture(3, 1, 6, px), 1, 1, 6);
    // round(0.299*255) = 76, round(0.587*255) = 150, round(0.114*255) = 29,
    // 0.299*10 + 0.587*20 + 0.114*30 = 18.15 -> 18; grey stays itself.
    EQ_VERIFY(out == Bytes({76, 150, 29, 255, 18, 77}));
}

EQ_TEST(fit_grey_to_rgb) {
    const Bytes grey = noise(3 * 4, 23);
    const Bytes out = fit(picture(1, 3, 4, grey), 3, 3, 4);
    for (int c = 0; c < 3; ++c)
        EQ_VERIFY(Bytes(out.begin() + c * 12, out.begin() + (c + 1) * 12) == grey);
    // Through a resize too: the three planes are the grey result.
    const Bytes big = noise(9 * 9, 24);
    const Bytes g = fit(picture(1, 9, 9, big), 1, 4, 4);
    const Bytes rgb = fit(picture(1, 9, 9, big), 3, 4, 4);
    for (int c = 0; c < 3; ++c)
        EQ_VERIFY(Bytes(rgb.begin() + c * 16, rgb.begin() + (c + 1) * 16) == g);
}

EQ_TEST(fit_centre_crop) {
    // 40 x 20 (h x w) to 10 x 10: scale 0.5 (set by the width) -> 20 x 10, rows 5..14 kept:
    // output (y, x) is the average of input rows 2(y+5), 2(y+5)+1 and columns 2x, 2x+1.
    const int h = 40, w = 20;
    Bytes px(size_t(h * w));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) px[size_t(y * w + x)] = uint8_t(y * 6 + x * 3 + (x % 2));
    const Bytes out = fit(picture(1, h, w, px), 1, 10, 10);
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 10; ++x) {
            const int r = 2 * (y + 5);
            const int sum = px[size_t(r * w + 2 * x)] + px[size_t(r * w + 2 * x + 1)] +
                            px[size_t((r + 1) * w + 2 * x)] + px[size_t((r + 1) * w + 2 * x + 1)];
            EQ_COMPARE(int(out[size_t(y * 10 + x)]), (sum + 2) / 4);
        }
    // Landscape 20 x 40 to 10 x 10: columns 5..14 of the 10 x 20 halved picture.
    Bytes t(size_t(h * w));
    for (int y = 0; y < w; ++y)
        for (int x = 0; x < h; ++x) t[size_t(y * h + x)] = px[size_t(x * w + y)];
    const Bytes outT = fit(picture(1, w, h, t), 1, 10, 10);
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 10; ++x) EQ_COMPARE(int(outT[size_t(y * 10 + x)]), int(out[size_t(x * 10 + y)]));
}

EQ_TEST(fit_crop_without_scaling) {
    // 5 x 9 to 5 x 4: scale 1, the centre columns 2..5 (offset (9 - 4) / 2 = 2, rounded down).
    const Bytes px = noise(5 * 9 * 3, 25);
    const Bytes out = fit(picture(3, 5, 9, px), 3, 5, 4);
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < 5; ++y)
            for (int x = 0; x < 4; ++x)
                EQ_COMPARE(int(out[size_t((c * 5 + y) * 4 + x)]), int(px[size_t((y * 9 + x + 2) * 3 + c)]));
}

EQ_TEST(fit_enlarge) {
    // Bilinear with aligned centres: 2 -> 4 samples at -0.25 (clamped), 0.25, 0.75, 1.25
    // (clamped). Target 1 x 4 from 1 x 2: the scale 2 makes it 2 x 4, row 0 kept.
    EQ_VERIFY(fit(picture(1, 1, 2, {0, 100}), 1, 1, 4) == Bytes({0, 25, 75, 100}));
    EQ_VERIFY(fit(picture(1, 1, 1, {93}), 1, 4, 4) == Bytes(16, 93));
    EQ_VERIFY(fit(picture(1, 1, 1, {93}), 3, 4, 4) == Bytes(48, 93));
    // A constant stays constant at a scale that is not a whole number, in both directions.
    Bytes rgb;
    for (int i = 0; i < 3 * 5; ++i) rgb.insert(rgb.end(), {137, 2, 255});
    const Bytes out = fit(picture(3, 3, 5, rgb), 3, 17, 23);
    for (int c = 0; c < 3; ++c)
        EQ_VERIFY(std::all_of(out.begin() + c * 17 * 23, out.begin() + (c + 1) * 17 * 23,
                              [&](uint8_t v) { return v == rgb[size_t(c)]; }));
    // Enlarged, then cropped: 2 x 8 to 4 x 2 (scale 2 by the height -> 4 x 16, centre
    // columns 7..8). Column 7 samples x = 3.25, column 8 x = 3.75: 32.5 -> 33, 37.5 -> 38.
    const Bytes ramp = {0, 10, 20, 30, 40, 50, 60, 70, 0, 10, 20, 30, 40, 50, 60, 70};
    EQ_VERIFY(fit(picture(1, 2, 8, ramp), 1, 4, 2) == Bytes({33, 38, 33, 38, 33, 38, 33, 38}));
    // One axis enlarged, the other kept (rounded to its own length) and cropped: 10 x 3 to
    // 11 x 1 is scale 1.1 -> 11 x 3, column 1. Row j samples ((2j+1)*10 - 11) / 22.
    Bytes rows10;
    for (int y = 0; y < 10; ++y) rows10.insert(rows10.end(), {0, uint8_t(10 * y), 255});
    const Bytes col = fit(picture(1, 10, 3, rows10), 1, 11, 1);
    EQ_VERIFY(col == Bytes({0, 9, 18, 27, 36, 45, 54, 63, 72, 81, 90}));
}

EQ_TEST(fit_deterministic_and_bounded) {
    const Bytes px = noise(37 * 53 * 3, 26);
    const DecodedImage d = picture(3, 37, 53, px);
    const Bytes a = fit(d, 3, 224, 224), b = fit(d, 3, 224, 224);
    EQ_VERIFY(a == b);
    const Bytes s1 = fit(d, 1, 16, 16), s2 = fit(d, 1, 16, 16);
    EQ_VERIFY(s1 == s2);
    // A very thin picture to a square: enlarged along its short side a lot.
    const Bytes line = noise(1 * 5003, 27);
    const Bytes t = fit(picture(1, 1, 5003, line), 1, 64, 64);
    EQ_COMPARE(t.size(), size_t(64 * 64));
    // Every row is the same (one source row), and the centre of the line, enlarged 64 times.
    for (int y = 1; y < 64; ++y) EQ_VERIFY(std::equal(t.begin(), t.begin() + 64, t.begin() + y * 64));
}

EQ_TEST(fit_bad_arguments) {
    Bytes out(64);
    const DecodedImage good = picture(1, 2, 2, {1, 2, 3, 4});
    EQ_ERROR(fitImage(good, 2, 4, 4, out.data()), "fitImage", "2 channels");
    EQ_ERROR(fitImage(good, 1, 0, 4, out.data()), "fitImage", "0 x 4");
    EQ_ERROR(fitImage(good, 1, 4, 4, nullptr), "fitImage", "no destination");
    EQ_ERROR(fitImage(picture(3, 2, 2, {1, 2, 3, 4}), 1, 4, 4, out.data()), "fitImage",
             "inconsistent picture");
    EQ_ERROR(fitImage(picture(4, 1, 1, {1, 2, 3, 4}), 1, 4, 4, out.data()), "fitImage",
             "inconsistent picture");
}

EQ_TEST(png_to_network_input_roundtrip) {
    // A 28 x 28 grey PNG decoded and fitted to 1 x 28 x 28 is exactly what was written.
    const std::string dir = eqtest::scratchDir();
    const Bytes px = noise(28 * 28, 28);
    eqtest::writeBytes(dir + "/digit.png", pngOf(28, 28, PNG_COLOR_TYPE_GRAY, px));
    const DecodedImage d = decodeImageFile(dir + "/digit.png");
    EQ_VERIFY(fit(d, 1, 28, 28) == px);
    // An RGB JPEG to a 3 x 32 x 32 input: the right size, close to a direct fit of the source.
    const Bytes rgb = smooth(48, 64, 3);
    eqtest::writeBytes(dir + "/photo.jpg", jpegOf(48, 64, 3, rgb));
    const Bytes in = fit(decodeImageFile(dir + "/photo.jpg"), 3, 32, 32);
    EQ_VERIFY(maxAbsDiff(in, fit(picture(3, 48, 64, rgb), 3, 32, 32)) <= 8);
}
