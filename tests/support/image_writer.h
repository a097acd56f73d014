#pragma once
// Writing real PNG and JPEG pictures for the tests with libpng and libjpeg: in memory, in any
// layout a folder may hold (encodePng / encodeJpeg), or as files from channel-first bytes as
// eqnet::ImageSet holds them (writePng / writeJpeg).
#include <png.h>

#include <csetjmp>
#include <cstdint>
#include <cstdio> // before jpeglib.h, which uses FILE
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <jpeglib.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace eqtest {

using Bytes = std::vector<uint8_t>;

// ---- writing PNG with libpng

struct PngSpec {
    int width = 0, height = 0;
    int colorType = PNG_COLOR_TYPE_GRAY;
    int bitDepth = 8;
    bool interlaced = false;
    std::vector<png_color> palette;
    Bytes paletteAlpha;            // tRNS of a palette picture
    bool greyKey = false;          // tRNS of a grey picture: this grey is transparent
    png_uint_16 greyKeyValue = 0;
};

struct PngSink {
    Bytes bytes;
    char message[256] = {};
};

inline void pngSinkError(png_structp png, png_const_charp msg) {
    auto* sink = static_cast<PngSink*>(png_get_error_ptr(png));
    std::snprintf(sink->message, sizeof sink->message, "%s", msg);
    png_longjmp(png, 1);
}
inline void pngSinkWarning(png_structp, png_const_charp) {}
inline void pngSinkWrite(png_structp png, png_bytep data, size_t n) {
    auto* sink = static_cast<PngSink*>(png_get_io_ptr(png));
    sink->bytes.insert(sink->bytes.end(), data, data + n);
}
inline void pngSinkFlush(png_structp) {}

// Rows of one byte per sample (8 bits), two big-endian bytes (16 bits) or one byte per
// pixel (1, 2, 4 bits: packed by libpng).
inline bool pngWriteAll(png_structp png, png_infop info, const PngSpec* s, png_bytepp rows, PngSink* sink) {
    if (setjmp(png_jmpbuf(png))) return false;
    png_set_write_fn(png, sink, pngSinkWrite, pngSinkFlush);
    png_set_IHDR(png, info, png_uint_32(s->width), png_uint_32(s->height), s->bitDepth,
                 s->colorType, s->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (!s->palette.empty()) png_set_PLTE(png, info, s->palette.data(), int(s->palette.size()));
    png_color_16 key{};
    key.gray = s->greyKeyValue;
    if (!s->paletteAlpha.empty())
        png_set_tRNS(png, info, s->paletteAlpha.data(), int(s->paletteAlpha.size()), nullptr);
    else if (s->greyKey)
        png_set_tRNS(png, info, nullptr, 0, &key);
    png_write_info(png, info);
    if (s->bitDepth < 8) png_set_packing(png);
    png_write_image(png, rows);
    png_write_end(png, nullptr);
    return true;
}

inline int pngSamplesPerPixel(int colorType) {
    switch (colorType) {
    case PNG_COLOR_TYPE_GRAY: return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    default: return 1; // palette
    }
}

inline Bytes encodePng(const PngSpec& s, Bytes samples) {
    const size_t rowBytes = size_t(s.width) * size_t(pngSamplesPerPixel(s.colorType)) *
                            (s.bitDepth == 16 ? 2 : 1);
    if (samples.size() != rowBytes * size_t(s.height))
        throw std::runtime_error("test setup: wrong number of PNG samples");
    std::vector<png_bytep> rows(size_t(s.height));
    for (size_t y = 0; y < rows.size(); ++y) rows[y] = samples.data() + y * rowBytes;
    PngSink sink;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, pngSinkError, pngSinkWarning);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    const bool ok = info && pngWriteAll(png, info, &s, rows.data(), &sink);
    png_destroy_write_struct(&png, info ? &info : nullptr);
    if (!ok) throw std::runtime_error(std::string("test setup: libpng: ") + sink.message);
    return sink.bytes;
}

inline Bytes pngOf(int h, int w, int colorType, const Bytes& samples, int bitDepth = 8) {
    PngSpec s;
    s.width = w;
    s.height = h;
    s.colorType = colorType;
    s.bitDepth = bitDepth;
    return encodePng(s, samples);
}

// ---- writing JPEG with libjpeg

struct JpegSinkError {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

inline void jpegSinkErrorExit(j_common_ptr cinfo) {
    auto* e = reinterpret_cast<JpegSinkError*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, e->message);
    std::longjmp(e->jump, 1);
}
inline void jpegSinkOutput(j_common_ptr) {}

struct JpegSpec {
    int width = 0, height = 0, components = 3;
    J_COLOR_SPACE space = JCS_RGB;
    int quality = 100;
    bool progressive = false;
};

inline bool jpegWriteAll(jpeg_compress_struct* ci, JpegSinkError* err, const JpegSpec* s,
                  const uint8_t* pixels, unsigned char** buf, unsigned long* size) {
    if (setjmp(err->jump)) return false;
    jpeg_create_compress(ci);
    jpeg_mem_dest(ci, buf, size);
    ci->image_width = JDIMENSION(s->width);
    ci->image_height = JDIMENSION(s->height);
    ci->input_components = s->components;
    ci->in_color_space = s->space;
    jpeg_set_defaults(ci);
    jpeg_set_quality(ci, s->quality, TRUE);
    if (s->progressive) jpeg_simple_progression(ci);
    jpeg_start_compress(ci, TRUE);
    while (ci->next_scanline < ci->image_height) {
        JSAMPROW row = const_cast<JSAMPROW>(pixels) +
                       size_t(ci->next_scanline) * size_t(s->width) * size_t(s->components);
        jpeg_write_scanlines(ci, &row, 1);
    }
    jpeg_finish_compress(ci);
    return true;
}

inline Bytes encodeJpeg(const JpegSpec& s, const Bytes& pixels) {
    if (pixels.size() != size_t(s.width * s.height * s.components))
        throw std::runtime_error("test setup: wrong number of JPEG samples");
    jpeg_compress_struct ci;
    std::memset(&ci, 0, sizeof ci);
    JpegSinkError err;
    ci.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = jpegSinkErrorExit;
    err.pub.output_message = jpegSinkOutput;
    unsigned char* buf = nullptr;
    unsigned long size = 0;
    const bool ok = jpegWriteAll(&ci, &err, &s, pixels.data(), &buf, &size);
    jpeg_destroy_compress(&ci);
    Bytes out;
    if (ok) out.assign(buf, buf + size);
    std::free(buf);
    if (!ok) throw std::runtime_error(std::string("test setup: libjpeg: ") + err.message);
    return out;
}

inline Bytes jpegOf(int h, int w, int components, const Bytes& pixels, bool progressive = false) {
    JpegSpec s;
    s.width = w;
    s.height = h;
    s.components = components;
    s.space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    s.progressive = progressive;
    return encodeJpeg(s, pixels);
}

// channels x height x width bytes -> height x width x channels (interleaved).
inline Bytes interleaved(const uint8_t* chw, int channels, int height, int width) {
    Bytes out(size_t(channels) * size_t(height) * size_t(width));
    for (int c = 0; c < channels; ++c)
        for (size_t i = 0; i < size_t(height) * size_t(width); ++i)
            out[i * size_t(channels) + size_t(c)] = chw[size_t(c) * size_t(height) * size_t(width) + i];
    return out;
}

inline void writeBytes(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!out) throw std::runtime_error("test setup: cannot write " + path);
}

// A lossless 8-bit grey (1 channel) or RGB (3) PNG file from channel-first bytes.
inline void writePng(const std::string& path, const uint8_t* chw, int channels, int height, int width) {
    writeBytes(path, pngOf(height, width, channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                           interleaved(chw, channels, height, width)));
}

// A baseline JPEG file of the given quality (lossy) from channel-first bytes.
inline void writeJpeg(const std::string& path, const uint8_t* chw, int channels, int height, int width,
                      int quality = 95) {
    JpegSpec s;
    s.width = width;
    s.height = height;
    s.components = channels;
    s.space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    s.quality = quality;
    writeBytes(path, encodeJpeg(s, interleaved(chw, channels, height, width)));
}

} // namespace eqtest
