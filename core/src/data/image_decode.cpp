// Decoding one PNG or JPEG picture (eqnet/image_decode.h): libpng and libjpeg(-turbo) read
// from memory, every message of theirs captured (nothing is printed), and every fault turned
// into an eqnet::Error that names the file. Standard library, libpng and libjpeg only.
//
// Both libraries report errors through a callback that must not return; the callbacks here
// leave the library with longjmp (never with a C++ exception, which must not cross C frames).
// To keep that well-defined in C++, each decoder is split into "phases": small functions
// that call setjmp and hold only trivially destructible locals, which they never read after
// the jump (they just return false). Everything that owns memory (the library's structs,
// through a guard whose destructor frees them, and the std::vector of pixels) lives in the
// caller's frame, which longjmp never leaves, and is allocated between the phases, once the
// header's sizes have been checked. The callbacks write only into plain C structs (fixed
// char buffers for messages: no allocation, hence no exception, inside a C frame).
#include "eqnet/image_decode.h"

#include "eqnet/error.h"

#include <cerrno>
#include <csetjmp>
#include <cstdio> // before jpeglib.h, which uses FILE
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <jpeglib.h>
#include <jerror.h> // after jpeglib.h: its message list depends on jconfig.h
#include <png.h>

namespace eqnet {
namespace {

// No image file may be larger than this (read whole into memory before decoding).
constexpr uint64_t kMaxImageFileBytes = uint64_t(256) << 20;
// A progressive JPEG may hold any number of scans, each one a pass over the whole picture:
// a hostile file can cost minutes with a few kilobytes. Real encoders write about ten.
constexpr int kMaxJpegScans = 1000;
constexpr size_t kMessageBytes = 256;

std::string tooLarge(const std::string& name, uint64_t width, uint64_t height) {
    return name + ": image of " + std::to_string(width) + " x " + std::to_string(height) +
           " pixels (width x height) is larger than the " + std::to_string(kMaxImagePixels) +
           " pixels an image may have";
}

// Width and height as a header declares them: non-zero and within kMaxImagePixels.
void checkDimensions(const std::string& name, uint64_t width, uint64_t height) {
    if (width == 0 || height == 0)
        throw Error(name + ": image of " + std::to_string(width) + " x " + std::to_string(height) +
                    " pixels (width x height) is empty");
    const uint64_t limit = uint64_t(kMaxImagePixels);
    if (width > limit || height > limit || width * height > limit)
        throw Error(tooLarge(name, width, height));
}

// ================================================================================ PNG

// What libpng's callbacks see (through png_get_io_ptr / png_get_error_ptr): plain C data.
struct PngJob {
    const uint8_t* data = nullptr;
    size_t size = 0;
    size_t pos = 0;
    bool truncated = false; // the read callback was asked for bytes past the end
    char message[kMessageBytes] = {};
};

// Only through png_create_read_struct: called by libpng on a fatal error; must not return.
void pngError(png_structp png, png_const_charp msg) {
    auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
    std::snprintf(job->message, sizeof job->message, "%s", msg ? msg : "unknown error");
    png_longjmp(png, 1);
}

// Warnings (ancillary chunks with a bad CRC, which libpng skips, odd colour profiles, ...) do
// not spoil the pixels and are ignored; damage to the pixel data is always an error.
void pngWarning(png_structp, png_const_charp) {}

void pngRead(png_structp png, png_bytep out, size_t count) {
    auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
    if (count > job->size - job->pos) {
        job->truncated = true;
        png_error(png, "the data ends early");
    }
    std::memcpy(out, job->data + job->pos, count);
    job->pos += count;
}

// Frees libpng's structs when the decoder leaves, normally or by exception.
struct PngGuard {
    png_structp png = nullptr;
    png_infop info = nullptr;
    PngGuard() = default;
    PngGuard(const PngGuard&) = delete;
    PngGuard& operator=(const PngGuard&) = delete;
    ~PngGuard() {
        if (png) png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    }
};

struct PngHeader {
    png_uint_32 width = 0;
    png_uint_32 height = 0;
    int colorType = 0;
};

// Phase 1: the signature and the chunks up to the first IDAT. False on a libpng error.
bool pngReadHeader(png_structp png, png_infop info, PngJob* job, PngHeader* header) {
    if (setjmp(png_jmpbuf(png))) return false;
    png_set_read_fn(png, job, pngRead);
    // libpng's own limit (a million pixels a side) would refuse some pictures that
    // kMaxImagePixels allows and others with a less useful message: our check is the limit.
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_read_info(png, info);
    header->width = png_get_image_width(png, info);
    header->height = png_get_image_height(png, info);
    header->colorType = png_get_color_type(png, info);
    return true;
}

// Phase 2: the pixels, as 8-bit grey or RGB, into `rows`; then the rest of the file up to
// IEND, so that a file cut anywhere is found truncated. False on a libpng error.
bool pngReadPixels(png_structp png, png_infop info, int channels, png_bytepp rows) {
    if (setjmp(png_jmpbuf(png))) return false;
    png_set_expand(png);      // palette -> RGB, grey of 1, 2, 4 bits -> 8 bits, tRNS -> alpha
    png_set_strip_16(png);    // 16 -> 8 bits: the high byte (see the note in decodePng)
    png_set_strip_alpha(png); // alpha (also from tRNS) is dropped, not composited
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_bit_depth(png, info) != 8 || png_get_channels(png, info) != channels ||
        png_get_rowbytes(png, info) != size_t(png_get_image_width(png, info)) * size_t(channels))
        png_error(png, "unexpected pixel layout after the transformations");
    png_read_image(png, rows);
    png_read_end(png, nullptr);
    return true;
}

DecodedImage decodePng(const uint8_t* bytes, size_t size, const std::string& name) {
    PngJob job;
    job.data = bytes;
    job.size = size;
    auto fault = [&] {
        if (job.truncated)
            return Error(name + ": truncated PNG data: the file ends after " +
                         std::to_string(size) + " bytes (libpng: " + job.message + ")");
        return Error(name + ": corrupt PNG data (libpng: " + job.message + ")");
    };

    PngGuard guard;
    guard.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &job, pngError, pngWarning);
    if (guard.png) guard.info = png_create_info_struct(guard.png);
    if (!guard.png || !guard.info)
        throw Error(name + ": cannot start the PNG decoder (out of memory, or a libpng of "
                           "another version than the one compiled against)");

    PngHeader header;
    if (!pngReadHeader(guard.png, guard.info, &job, &header)) throw fault();
    checkDimensions(name, header.width, header.height);

    // Palette pictures are expanded to RGB (colour type 3 has the colour bit); grey ones,
    // with or without alpha, stay grey. 16-bit samples keep their high byte (png_set_strip_16
    // rather than png_set_scale_16, as OpenCV does): the two differ by at most one level.
    DecodedImage out;
    out.channels = (header.colorType & PNG_COLOR_MASK_COLOR) ? 3 : 1;
    out.height = header.height;
    out.width = header.width;
    out.pixels.resize(size_t(out.height) * size_t(out.width) * size_t(out.channels));
    std::vector<png_bytep> rows(size_t(out.height));
    for (size_t y = 0; y < rows.size(); ++y)
        rows[y] = out.pixels.data() + y * size_t(out.width) * size_t(out.channels);

    if (!pngReadPixels(guard.png, guard.info, int(out.channels), rows.data())) throw fault();
    return out;
}

// ================================================================================ JPEG

// libjpeg's error manager with what the callbacks need; `pub` first, as libjpeg hands back
// a pointer to it.
struct JpegJob {
    jpeg_error_mgr pub;
    jpeg_progress_mgr progress;
    std::jmp_buf jump;
    bool truncated = false;  // "Premature end of JPEG file": the data ran out
    bool tooManyScans = false;
    char message[JMSG_LENGTH_MAX] = {};
};

JpegJob* jpegJob(j_common_ptr cinfo) { return reinterpret_cast<JpegJob*>(cinfo->err); }

void jpegErrorExit(j_common_ptr cinfo) {
    JpegJob* job = jpegJob(cinfo);
    (*cinfo->err->format_message)(cinfo, job->message);
    std::longjmp(job->jump, 1);
}

void jpegOutputMessage(j_common_ptr) {}

// Messages: level -1 is a warning, higher levels are traces (ignored). libjpeg only warns on
// damaged entropy-coded data and goes on, filling the rest of the picture with grey or
// garbage; those warnings end the decoding here as errors. Other warnings (extraneous
// bytes between markers, an unknown JFIF revision, ...) leave the pixels intact: ignored.
void jpegEmitMessage(j_common_ptr cinfo, int level) {
    if (level >= 0) return;
    cinfo->err->num_warnings++;
    const int code = cinfo->err->msg_code;
    bool damaged = code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER ||
                   code == JWRN_HUFF_BAD_CODE || code == JWRN_MUST_RESYNC;
#if JPEG_LIB_VERSION >= 70 || defined(C_ARITH_CODING_SUPPORTED) || defined(D_ARITH_CODING_SUPPORTED)
    damaged = damaged || code == JWRN_ARITH_BAD_CODE;
#endif
    if (damaged) {
        JpegJob* job = jpegJob(cinfo);
        // jpeg_mem_src says "Premature end of JPEG file" as soon as the data runs out (then
        // feeds an end-of-image marker), before the entropy decoder notices anything.
        if (code == JWRN_JPEG_EOF) job->truncated = true;
        (*cinfo->err->format_message)(cinfo, job->message);
        std::longjmp(job->jump, 1);
    }
}

void jpegProgress(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    const auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
    if (d->input_scan_number > kMaxJpegScans) {
        JpegJob* job = jpegJob(cinfo);
        job->tooManyScans = true;
        std::snprintf(job->message, sizeof job->message, "more than %d scans", kMaxJpegScans);
        std::longjmp(job->jump, 1);
    }
}

// Frees libjpeg's memory when the decoder leaves, normally or by exception.
struct JpegGuard {
    jpeg_decompress_struct cinfo;
    bool created = false;
    JpegGuard() { std::memset(&cinfo, 0, sizeof cinfo); }
    JpegGuard(const JpegGuard&) = delete;
    JpegGuard& operator=(const JpegGuard&) = delete;
    ~JpegGuard() {
        if (created) jpeg_destroy_decompress(&cinfo);
    }
};

// Phase 1: the headers up to the first scan; chooses the output colour space. False on an
// error (job->message says which).
bool jpegReadHeader(JpegGuard* g, JpegJob* job, const uint8_t* bytes, size_t size) {
    j_decompress_ptr cinfo = &g->cinfo;
    if (setjmp(job->jump)) return false;
    jpeg_create_decompress(cinfo);
    g->created = true;
    cinfo->progress = &job->progress;
    jpeg_mem_src(cinfo, bytes, static_cast<unsigned long>(size));
    jpeg_read_header(cinfo, TRUE);
    if (cinfo->num_components == 1)
        cinfo->out_color_space = JCS_GRAYSCALE;
    else if (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK)
        cinfo->out_color_space = JCS_CMYK; // converted to RGB below (libjpeg cannot)
    else
        cinfo->out_color_space = JCS_RGB;
    jpeg_calc_output_dimensions(cinfo);
    return true;
}

// Phase 2: the pixels into `out` (height x width x `channels`); CMYK rows go through
// `cmykRow` (width x 4). Reads on to the end-of-image marker. False on an error.
bool jpegReadPixels(JpegGuard* g, JpegJob* job, uint8_t* out, int channels, uint8_t* cmykRow) {
    j_decompress_ptr cinfo = &g->cinfo;
    if (setjmp(job->jump)) return false;
    jpeg_start_decompress(cinfo);
    const size_t width = cinfo->output_width;
    // Adobe's CMYK JPEGs (nearly all of them) store the inks inverted: 255 = no ink.
    const bool inverted = cinfo->saw_Adobe_marker;
    while (cinfo->output_scanline < cinfo->output_height) {
        uint8_t* dst = out + size_t(cinfo->output_scanline) * width * size_t(channels);
        JSAMPROW row = cmykRow ? cmykRow : dst;
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1) {
            std::snprintf(job->message, sizeof job->message, "no scanline returned");
            return false;
        }
        if (!cmykRow) continue;
        // The plain conversion without a colour profile: each of R, G, B is the share of
        // light the ink (C, M or Y) and the black (K) let through, rounded.
        for (size_t x = 0; x < width; ++x) {
            const uint8_t* p = cmykRow + 4 * x;
            const unsigned k = inverted ? p[3] : 255u - p[3];
            for (int c = 0; c < 3; ++c) {
                const unsigned v = inverted ? p[c] : 255u - p[c];
                dst[3 * x + size_t(c)] = uint8_t((v * k + 127) / 255);
            }
        }
    }
    jpeg_finish_decompress(cinfo);
    return true;
}

DecodedImage decodeJpeg(const uint8_t* bytes, size_t size, const std::string& name) {
    JpegGuard guard;
    JpegJob job{};
    guard.cinfo.err = jpeg_std_error(&job.pub);
    job.pub.error_exit = jpegErrorExit;
    job.pub.output_message = jpegOutputMessage;
    job.pub.emit_message = jpegEmitMessage;
    job.progress.progress_monitor = jpegProgress;
    auto fault = [&] {
        if (job.truncated)
            return Error(name + ": truncated JPEG data: the file ends after " +
                         std::to_string(size) + " bytes (libjpeg: " + job.message + ")");
        if (job.tooManyScans)
            return Error(name + ": JPEG with more than " + std::to_string(kMaxJpegScans) +
                         " progressive scans, refused as hostile");
        return Error(name + ": corrupt JPEG data (libjpeg: " + job.message + ")");
    };

    if (!jpegReadHeader(&guard, &job, bytes, size)) throw fault();
    const jpeg_decompress_struct& cinfo = guard.cinfo;
    checkDimensions(name, cinfo.output_width, cinfo.output_height);
    const bool cmyk = cinfo.out_color_space == JCS_CMYK;
    const int expected = cmyk ? 4 : (cinfo.out_color_space == JCS_GRAYSCALE ? 1 : 3);
    if (cinfo.output_components != expected)
        throw Error(name + ": unsupported JPEG of " + std::to_string(cinfo.num_components) +
                    " components");

    DecodedImage out;
    out.channels = cmyk ? 3 : expected;
    out.height = cinfo.output_height;
    out.width = cinfo.output_width;
    out.pixels.resize(size_t(out.height) * size_t(out.width) * size_t(out.channels));
    std::vector<uint8_t> cmykRow(cmyk ? size_t(out.width) * 4 : 0);

    if (!jpegReadPixels(&guard, &job, out.pixels.data(), int(out.channels),
                        cmyk ? cmykRow.data() : nullptr))
        throw fault();
    return out;
}

std::string hexPrefix(const uint8_t* bytes, size_t size) {
    std::string s;
    char buf[4];
    for (size_t i = 0; i < size && i < 8; ++i) {
        std::snprintf(buf, sizeof buf, "%s%02X", i ? " " : "", unsigned(bytes[i]));
        s += buf;
    }
    return s;
}

} // namespace

ImageKind sniffImageKind(const uint8_t* bytes, size_t size) {
    static const uint8_t png[8] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};
    static const uint8_t jpeg[3] = {0xFF, 0xD8, 0xFF};
    if (!bytes) return ImageKind::Unknown;
    if (size >= sizeof png && std::memcmp(bytes, png, sizeof png) == 0) return ImageKind::Png;
    if (size >= sizeof jpeg && std::memcmp(bytes, jpeg, sizeof jpeg) == 0) return ImageKind::Jpeg;
    return ImageKind::Unknown;
}

DecodedImage decodeImage(const uint8_t* bytes, size_t size, const std::string& name) {
    if (size == 0) throw Error(name + ": empty (0 bytes), not a PNG or JPEG image");
    if (!bytes) throw Error(name + ": no data");
    switch (sniffImageKind(bytes, size)) {
    case ImageKind::Png:
        return decodePng(bytes, size, name);
    case ImageKind::Jpeg:
        return decodeJpeg(bytes, size, name);
    case ImageKind::Unknown:
        break;
    }
    throw Error(name + ": not a PNG or JPEG image (it starts with the bytes " +
                hexPrefix(bytes, size) + ")");
}

DecodedImage decodeImageFile(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st))
        throw Error(path + ": cannot read (" +
                    (ec ? ec : std::make_error_code(std::errc::no_such_file_or_directory)).message() +
                    ")");
    if (!fs::is_regular_file(st)) throw Error(path + ": cannot read (not a regular file)");
    const uintmax_t size = fs::file_size(path, ec);
    if (ec) throw Error(path + ": cannot read (" + ec.message() + ")");
    if (size > kMaxImageFileBytes)
        throw Error(path + ": file of " + std::to_string(size) + " bytes is larger than the " +
                    std::to_string(kMaxImageFileBytes) + " bytes (256 MiB) an image file may have");

    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        throw Error(path + ": cannot read (" +
                    (err ? std::generic_category().message(err) : std::string("cannot open")) + ")");
    }
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()));
    if (size_t(in.gcount()) != bytes.size())
        throw Error(path + ": cannot read (got " + std::to_string(in.gcount()) + " of " +
                    std::to_string(size) + " bytes)");
    return decodeImage(bytes.data(), bytes.size(), path);
}

} // namespace eqnet
