// Image data in memory, torch-free: the IDX and CIFAR-10 readers, the seeded synthetic set,
// the deterministic train/validation split and the normalisation statistics (eqnet/data.h).
// Standard library and zlib only, so the readers can be tested without LibTorch.
#include "eqnet/data.h"

#include "common/random.h"
#include "eqnet/error.h"
#include "eqnet/image_folder.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <system_error>

namespace eqnet {
namespace {

namespace fs = std::filesystem;

// No file may hold (or declare) more image data than this: a damaged header must give an
// error, not an attempt to allocate terabytes. 4 GiB is far beyond any set held in memory here.
constexpr uint64_t kMaxDataBytes = uint64_t(1) << 32;
constexpr uint32_t kIdxImagesMagic = 0x00000803; // unsigned bytes, 3 dimensions
constexpr uint32_t kIdxLabelsMagic = 0x00000801; // unsigned bytes, 1 dimension
constexpr int64_t kCifarImageBytes = 3 * 32 * 32;
constexpr int64_t kCifarRecordBytes = 1 + kCifarImageBytes;
constexpr int kMnistClasses = 10;
constexpr int kCifarClasses = 10;

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(v));
    return buf;
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// ---------------------------------------------------------------------------------------------
// Reading files, plain or gzip

// A file read through zlib: gzread passes plain files through unchanged and inflates gzip
// ones, so both forms share one code path. Every read is checked; a damaged gzip stream throws
// an Error that starts with the path.
class InputFile {
public:
    explicit InputFile(const std::string& path) : path_(path) {
        std::error_code ec;
        const fs::path p = fs::u8path(path);
        if (!fs::exists(p, ec)) throw Error(path + ": file not found");
        if (!fs::is_regular_file(p, ec)) throw Error(path + ": not a regular file");
        errno = 0;
#ifdef _WIN32
        file_ = gzopen_w(p.c_str(), "rb");
#else
        file_ = gzopen(path.c_str(), "rb");
#endif
        if (!file_)
            throw Error(path + ": cannot open: " +
                        (errno ? std::strerror(errno) : "zlib could not allocate its state"));
        // gzbuffer must come before the first read; gzdirect then looks at the first bytes.
        gzbuffer(file_, 1u << 17);
        gzip_ = gzdirect(file_) == 0;
    }
    ~InputFile() {
        if (file_) gzclose_r(file_);
    }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    const std::string& path() const { return path_; }

    // Reads up to n bytes; fewer only at the end of the data. Throws on a damaged stream.
    uint64_t read(uint8_t* dst, uint64_t n) {
        uint64_t total = 0;
        while (total < n) {
            // gzread takes an unsigned length and returns int: stay well inside both.
            const unsigned chunk = static_cast<unsigned>(std::min<uint64_t>(n - total, 1u << 30));
            const int got = gzread(file_, dst + total, chunk);
            if (got < 0) throw Error(path_ + ": " + streamError());
            if (got == 0) break;
            total += static_cast<uint64_t>(got);
        }
        return total;
    }

    // After a short read: why zlib stopped early ("" when the data simply ended). A gzip
    // stream cut in the middle ends without error but with Z_BUF_ERROR set.
    std::string earlyEndReason() {
        int errnum = Z_OK;
        const char* msg = gzerror(file_, &errnum);
        if (errnum == Z_BUF_ERROR) return " (gzip stream cut short: " + stripPath(msg) + ")";
        return "";
    }

    // Throws when the data ended because the gzip stream was cut, not at its true end.
    void requireCleanEnd(uint64_t bytesRead) {
        const std::string reason = earlyEndReason();
        if (!reason.empty())
            throw Error(path_ + ": truncated gzip file: the data stops after " +
                        std::to_string(bytesRead) + " bytes" + reason);
    }

    // A hint for format errors: garbage with a .gz name is read as plain bytes by zlib.
    std::string gzipNote() const {
        if (!gzip_ && endsWith(lower(path_), ".gz"))
            return "; the file is named .gz but is not gzip data (no gzip header)";
        return "";
    }

private:
    std::string streamError() {
        int errnum = Z_OK;
        const char* msg = gzerror(file_, &errnum);
        if (errnum == Z_ERRNO) return std::string("read error: ") + std::strerror(errno);
        return "corrupt gzip stream (" + stripPath(msg) + ")";
    }

    // zlib prefixes its messages with the path it was opened with; ours already say it.
    std::string stripPath(const char* msg) const {
        std::string m = msg ? msg : "";
        if (m.compare(0, path_.size() + 2, path_ + ": ") == 0) m.erase(0, path_.size() + 2);
        return m.empty() ? std::string("unknown zlib error") : m;
    }

    std::string path_;
    gzFile file_ = nullptr;
    bool gzip_ = false;
};

// Reads up to n bytes into out (resized to what was read). Memory grows with the data actually
// present, so a header that lies about its size cannot make us allocate it up front.
uint64_t readUpTo(InputFile& f, uint64_t n, std::vector<uint8_t>& out) {
    constexpr uint64_t kStep = uint64_t(16) << 20;
    out.clear();
    uint64_t done = 0;
    while (done < n) {
        const uint64_t step = std::min(kStep, n - done);
        if (out.capacity() < done + step)
            out.reserve(static_cast<size_t>(
                std::min<uint64_t>(n, std::max<uint64_t>(done + step, 2 * out.capacity()))));
        out.resize(static_cast<size_t>(done + step));
        const uint64_t got = f.read(out.data() + done, step);
        done += got;
        if (got < step) break;
    }
    out.resize(static_cast<size_t>(done));
    return done;
}

// Bytes left in the file after the declared data (a count, not kept in memory).
uint64_t countRemaining(InputFile& f) {
    std::array<uint8_t, 1 << 16> buf;
    uint64_t total = 0;
    for (;;) {
        const uint64_t got = f.read(buf.data(), buf.size());
        if (got == 0) break;
        total += got;
        if (total > kMaxDataBytes) break; // enough to say "too many"
    }
    return total;
}

uint32_t bigEndian32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// ---------------------------------------------------------------------------------------------
// IDX

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

std::string cifarSource(const std::vector<std::string>& files) {
    if (files.size() == 1) return files[0];
    return files.front() + " (+" + std::to_string(files.size() - 1) + " more)";
}

// ---------------------------------------------------------------------------------------------
// Synthetic images (integer arithmetic only: floating point may differ between compilers
// through FMA contraction, and one ulp can flip a rounded byte)

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


// ---------------------------------------------------------------------------------------------
// Finding the files of a data set

const char* const kIdxNames[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
const char* const kCifarNames[6] = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                    "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"};
constexpr const char* kCifarSubdir = "cifar-10-batches-bin";

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// dir/name, else dir/name.gz (the plain file wins when both exist); "" when neither.
std::string findIdx(const fs::path& dir, const std::string& name) {
    if (isFile(dir / name)) return (dir / name).u8string();
    if (isFile(dir / (name + ".gz"))) return (dir / (name + ".gz")).u8string();
    return "";
}

std::string idxNameList() {
    std::string s;
    for (const char* n : kIdxNames) s += (s.empty() ? "" : ", ") + std::string(n) + "[.gz]";
    return s;
}

std::string cifarNameList() {
    return std::string("data_batch_1.bin .. data_batch_5.bin, test_batch.bin (also inside ") +
           kCifarSubdir + "/)";
}

bool anyIdx(const fs::path& dir) {
    for (const char* n : kIdxNames)
        if (!findIdx(dir, n).empty()) return true;
    return false;
}

bool anyCifar(const fs::path& dir) {
    for (const char* n : kCifarNames)
        if (isFile(dir / n) || isFile(dir / kCifarSubdir / n)) return true;
    return false;
}

void requireSameGeometry(const ImageSet& train, const ImageSet& test) {
    if (train.channels != test.channels || train.height != test.height || train.width != test.width)
        throw Error("training images " + train.source + " are " + std::to_string(train.channels) +
                    "x" + std::to_string(train.height) + "x" + std::to_string(train.width) +
                    " but test images " + test.source + " are " + std::to_string(test.channels) +
                    "x" + std::to_string(test.height) + "x" + std::to_string(test.width));
}

} // namespace

// ---------------------------------------------------------------------------------------------


DataFormat parseDataFormat(const std::string& name) {
    const std::string n = lower(name);
    for (DataFormat f : {DataFormat::Auto, DataFormat::Idx, DataFormat::Cifar10, DataFormat::Folder,
                         DataFormat::Synthetic})
        if (n == dataFormatName(f)) return f;
    throw Error("unknown data format '" + name + "'; allowed: auto, idx, cifar10, folder, synthetic");
}

std::string dataFormatName(DataFormat f) {
    switch (f) {
    case DataFormat::Auto: return "auto";
    case DataFormat::Idx: return "idx";
    case DataFormat::Cifar10: return "cifar10";
    case DataFormat::Folder: return "folder";
    case DataFormat::Synthetic: return "synthetic";
    }
    return "auto";
}

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

ImageSet readCifar10(const std::vector<std::string>& batchFiles) {
    if (batchFiles.empty()) throw Error("readCifar10: no CIFAR-10 batch files given");
    ImageSet set;
    set.channels = 3;
    set.height = 32;
    set.width = 32;
    set.numClasses = kCifarClasses;
    set.source = cifarSource(batchFiles);
    std::vector<uint8_t> data;
    for (const std::string& path : batchFiles) {
        InputFile f(path);
        const uint64_t got = readUpTo(f, kMaxDataBytes + 1, data);
        if (got > kMaxDataBytes)
            throw Error(path + ": larger than the limit of " + std::to_string(kMaxDataBytes) +
                        " bytes");
        f.requireCleanEnd(got);
        if (got == 0) throw Error(path + ": empty file, expected CIFAR-10 records" + f.gzipNote());
        if (got % kCifarRecordBytes != 0)
            throw Error(path + ": not a whole number of " + std::to_string(kCifarRecordBytes) +
                        "-byte records (" + std::to_string(got) +
                        " bytes = " + std::to_string(got / kCifarRecordBytes) + " records + " +
                        std::to_string(got % kCifarRecordBytes) + " bytes)" + f.gzipNote());
        const uint64_t records = got / kCifarRecordBytes;
        // Validate before appending, so a bad file leaves nothing half-read behind.
        for (uint64_t r = 0; r < records; ++r) {
            const uint8_t label = data[static_cast<size_t>(r * kCifarRecordBytes)];
            if (label >= kCifarClasses)
                throw Error(path + ": label " + std::to_string(label) + " in record " +
                            std::to_string(r) + " out of range 0.." +
                            std::to_string(kCifarClasses - 1) + f.gzipNote());
        }
        if (set.pixels.size() + got > kMaxDataBytes)
            throw Error(path + ": the CIFAR-10 batches together exceed the limit of " +
                        std::to_string(kMaxDataBytes) + " bytes");
        set.labels.reserve(set.labels.size() + static_cast<size_t>(records));
        set.pixels.reserve(set.pixels.size() + static_cast<size_t>(records * kCifarImageBytes));
        for (uint64_t r = 0; r < records; ++r) {
            const uint8_t* rec = data.data() + r * kCifarRecordBytes;
            set.labels.push_back(rec[0]);
            set.pixels.insert(set.pixels.end(), rec + 1, rec + kCifarRecordBytes);
        }
    }
    return set;
}

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

void splitTrainValidation(const ImageSet& all, int64_t validationSize, uint64_t seed,
                          ImageSet& train, ImageSet& val, uint64_t stream) {
    all.checkConsistent("splitTrainValidation");
    const int64_t n = all.size();
    if (validationSize < 0 || validationSize >= n)
        throw Error("validation size " + std::to_string(validationSize) +
                    " out of range: need 0 <= size < " + std::to_string(n) +
                    ", the number of images in " + all.source + " (some must remain for training)");
    // Partial Fisher-Yates: positions 0..validationSize-1 receive a uniform random selection.
    const size_t total = size_t(n), held = size_t(validationSize);
    std::vector<int64_t> perm(total);
    std::iota(perm.begin(), perm.end(), int64_t(0));
    SplitMix rng(deriveSeed(seed, stream == 0 ? 2 : 100 + stream));
    for (size_t i = 0; i < held; ++i) std::swap(perm[i], perm[i + size_t(rng.below(total - i))]);
    std::vector<int64_t> valIdx(perm.begin(), perm.begin() + std::ptrdiff_t(held));
    std::vector<int64_t> trainIdx(perm.begin() + std::ptrdiff_t(held), perm.end());
    // Ascending order: the split is a set, independent of how the permutation was drawn.
    std::sort(valIdx.begin(), valIdx.end());
    std::sort(trainIdx.begin(), trainIdx.end());
    // Build both before assigning: `train` or `val` may alias `all`.
    ImageSet v = all.subset(valIdx);
    ImageSet t = all.subset(trainIdx);
    val = std::move(v);
    train = std::move(t);
}

void channelStats(const ImageSet& set, std::vector<float>& mean, std::vector<float>& std) {
    set.checkConsistent("channelStats");
    const size_t channels = static_cast<size_t>(set.channels);
    const size_t plane = static_cast<size_t>(set.height * set.width);
    const size_t bytes = channels * plane;
    // Exact integer sums; doubles only for the final division.
    std::vector<uint64_t> sum(channels, 0), sumSq(channels, 0);
    if (set.streamed()) {
        const std::vector<uint64_t>& sums = set.files->pixelSums;
        for (const int64_t f : set.fileIndex)
            for (size_t c = 0; c < channels; ++c) {
                sum[c] += sums.at(size_t(f) * 2 * channels + c);
                sumSq[c] += sums.at(size_t(f) * 2 * channels + channels + c);
            }
    }
    for (size_t i = 0; i < (set.streamed() ? 0 : static_cast<size_t>(set.size())); ++i)
        for (size_t c = 0; c < channels; ++c) {
            const uint8_t* p = set.pixels.data() + i * bytes + c * plane;
            uint64_t s = 0, s2 = 0;
            for (size_t k = 0; k < plane; ++k) {
                s += p[k];
                s2 += uint64_t(p[k]) * p[k];
            }
            sum[c] += s;
            sumSq[c] += s2;
        }
    mean.assign(channels, 0.0f);
    std.assign(channels, 1.0f);
    const double count = double(set.size()) * double(plane);
    if (count == 0) return; // nothing to measure: the identity normalisation
    for (size_t c = 0; c < channels; ++c) {
        const double m = double(sum[c]) / count / 255.0;
        const double var = std::max(0.0, double(sumSq[c]) / count / (255.0 * 255.0) - m * m);
        mean[c] = static_cast<float>(m);
        // A constant channel reports 1, so normalising by it never divides by zero.
        std[c] = var > 1e-12 ? static_cast<float>(std::sqrt(var)) : 1.0f;
    }
}

DataFormat detectDataFormat(const DataSpec& spec) {
    if (spec.format != DataFormat::Auto) return spec.format;
    const fs::path dir = fs::u8path(spec.dir);
    if (anyIdx(dir)) return DataFormat::Idx;
    if (anyCifar(dir)) return DataFormat::Cifar10;
    if (looksLikeImageFolder(spec.dir)) return DataFormat::Folder;
    return DataFormat::Auto;
}

Dataset loadDataset(const DataSpec& spec) {
    Dataset ds;
    ImageSet all;
    DataFormat format = spec.format;
    const fs::path dir = fs::u8path(spec.dir);

    if (format != DataFormat::Synthetic) {
        std::error_code ec;
        if (!fs::exists(dir, ec))
            throw Error("data directory '" + spec.dir + "' does not exist (looked for " +
                        (format == DataFormat::Cifar10 ? cifarNameList()
                         : format == DataFormat::Idx   ? idxNameList()
                         : format == DataFormat::Folder
                             ? std::string("train/<class>/*.png|jpg|jpeg")
                             : idxNameList() + "; or " + cifarNameList() + "; or an image folder") +
                        ")");
        if (!fs::is_directory(dir, ec))
            throw Error("data directory '" + spec.dir + "' is not a directory");
    }
    if (format == DataFormat::Auto) {
        format = detectDataFormat(spec);
        if (format == DataFormat::Auto)
            throw Error("no data set found in '" + spec.dir + "': looked for the IDX files " +
                        idxNameList() + ", the CIFAR-10 files " + cifarNameList() +
                        " and an image folder (train/<class>/*.png|jpg|jpeg)");
    }
    bool heldOutTest = false; // an image folder without val/: the test split comes from train/
    ds.format = format;

    switch (format) {
    case DataFormat::Auto: // resolved above
    case DataFormat::Idx: {
        std::string paths[4], missing;
        for (int i = 0; i < 4; ++i) {
            paths[i] = findIdx(dir, kIdxNames[i]);
            if (paths[i].empty())
                missing += (missing.empty() ? "" : ", ") + std::string(kIdxNames[i]) + "[.gz]";
        }
        if (!missing.empty())
            throw Error("data directory '" + spec.dir + "' lacks the IDX files " + missing +
                        " (looked for " + idxNameList() + ")");
        all = readIdx(paths[0], paths[1]);
        ds.test = readIdx(paths[2], paths[3]);
        requireSameGeometry(all, ds.test);
        std::error_code ec;
        const fs::path abs = fs::absolute(dir, ec);
        ds.name = lower((ec ? dir : abs).u8string()).find("fashion") != std::string::npos
                      ? "fashion-mnist"
                      : "mnist";
        break;
    }
    case DataFormat::Cifar10: {
        // The files straight in the directory, or in the folder the official archive unpacks to.
        fs::path where;
        for (const fs::path& cand : {dir, dir / kCifarSubdir}) {
            bool all6 = true;
            for (const char* n : kCifarNames) all6 = all6 && isFile(cand / n);
            if (all6) {
                where = cand;
                break;
            }
        }
        if (where.empty()) {
            std::string missing;
            for (const char* n : kCifarNames)
                if (!isFile(dir / n) && !isFile(dir / kCifarSubdir / n))
                    missing += (missing.empty() ? "" : ", ") + std::string(n);
            throw Error("data directory '" + spec.dir + "' lacks the CIFAR-10 files " +
                        (missing.empty() ? std::string("together in one folder") : missing) +
                        " (looked for " + cifarNameList() + ")");
        }
        std::vector<std::string> trainFiles;
        for (int i = 0; i < 5; ++i) trainFiles.push_back((where / kCifarNames[i]).u8string());
        all = readCifar10(trainFiles);
        ds.test = readCifar10({(where / kCifarNames[5]).u8string()});
        ds.name = "cifar10";
        break;
    }
    case DataFormat::Folder: {
        ImageFolderOptions opt;
        opt.channels = spec.imageChannels;
        opt.height = spec.imageHeight;
        opt.width = spec.imageWidth;
        if (spec.cacheMegabytes < 0) throw Error("data: the cache size must not be negative");
        opt.cacheBytes = spec.cacheMegabytes > (int64_t(1) << 40) ? int64_t(1) << 60 : spec.cacheMegabytes << 20;
        opt.badImageLimit = spec.badImageLimit;
        opt.threads = spec.decodeThreads;
        opt.progress = spec.progress;
        ImageFolder folder = readImageFolder(spec.dir, opt);
        all = std::move(folder.train);
        ds.test = std::move(folder.test);
        heldOutTest = !folder.hasTest;
        ds.classNames = std::move(folder.classNames);
        ds.skippedImages = std::move(folder.skipped);
        std::error_code ec;
        const fs::path abs = fs::absolute(dir, ec);
        ds.name = ((ec ? dir : abs).lexically_normal() / "").parent_path().filename().u8string();
        if (ds.name.empty()) ds.name = "images";
        break;
    }
    case DataFormat::Synthetic: {
        if (spec.syntheticTrain < 1 || spec.syntheticTest < 0 || spec.validationSize < 0)
            throw Error("synthetic data needs syntheticTrain >= 1, syntheticTest >= 0 and "
                        "validationSize >= 0 (got " +
                        std::to_string(spec.syntheticTrain) + ", " +
                        std::to_string(spec.syntheticTest) + ", " +
                        std::to_string(spec.validationSize) + ")");
        // syntheticTrain counts the images left for training once validation is split off.
        all = makeSynthetic(spec.syntheticTrain + spec.validationSize, 1, 28, 28, 10,
                            deriveSeed(spec.splitSeed, 10));
        ds.test = makeSynthetic(spec.syntheticTest, 1, 28, 28, 10, deriveSeed(spec.splitSeed, 11));
        ds.name = "synthetic";
        break;
    }
    }

    if (heldOutTest) {
        // As many test pictures as validation ones, drawn by an independent permutation.
        if (spec.validationSize * 2 >= all.size())
            throw Error("image folder '" + spec.dir + "' has no val/ folder, so the validation and test splits (" +
                        std::to_string(spec.validationSize) + " pictures each, --val-size) are held out of its " +
                        std::to_string(all.size()) + " training pictures: too few remain; lower --val-size or add val/");
        splitTrainValidation(all, spec.validationSize, spec.splitSeed, all, ds.test, 1);
        ds.test.source = all.source + " (held out as the test split)";
    }
    splitTrainValidation(all, spec.validationSize, spec.splitSeed, ds.train, ds.val);
    if (spec.trainLimit < 0) throw Error("data: trainLimit must not be negative");
    if (spec.trainLimit > 0 && spec.trainLimit < ds.train.size()) {
        std::vector<int64_t> keep(size_t(spec.trainLimit));
        for (int64_t i = 0; i < spec.trainLimit; ++i) keep[size_t(i)] = i;
        ds.train = ds.train.subset(keep);
    }
    channelStats(ds.train, ds.mean, ds.std);
    if (!spec.mean.empty()) ds.mean = perChannel(spec.mean, ds.train.channels, "--mean");
    if (!spec.std.empty()) ds.std = perChannel(spec.std, ds.train.channels, "--std");
    for (float v : ds.std)
        if (!(v > 0)) throw Error("--std: every value must be positive");
    if (spec.augment.cropPadding < 0 || spec.augment.cropPadding > std::min(ds.train.height, ds.train.width))
        throw Error("data: the random crop's padding " + std::to_string(spec.augment.cropPadding) +
                    " must be between 0 and the picture's side (" + std::to_string(std::min(ds.train.height, ds.train.width)) + ")");
    ds.augment = spec.augment;
    return ds;
}

std::vector<float> perChannel(const std::vector<float>& values, int64_t channels, const std::string& option) {
    if (values.size() == 1) return std::vector<float>(size_t(channels), values[0]);
    if (int64_t(values.size()) != channels)
        throw Error(option + " has " + std::to_string(values.size()) + " values for images of " +
                    std::to_string(channels) + " channel(s); give one value or one per channel");
    for (float v : values)
        if (!std::isfinite(v)) throw Error(option + ": every value must be a finite number");
    return values;
}

} // namespace eqnet
