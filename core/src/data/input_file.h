#pragma once
// Reading the data set files, plain or gzip, with every read checked and no allocation larger
// than the data actually present (a damaged header cannot make the reader allocate what it
// claims). Shared by the IDX and CIFAR-10 readers.
#include "eqnet/error.h"

#include <zlib.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <string>
#include <vector>

namespace eqnet::datafile {

namespace fs = std::filesystem;

// No file may hold (or declare) more image data than this: a damaged header must give an
// error, not an attempt to allocate terabytes. 4 GiB is far beyond any set held in memory here.
constexpr uint64_t kMaxDataBytes = uint64_t(1) << 32;

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
        if (!gzip_ && hasGzSuffix())
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

    bool hasGzSuffix() const {
        const size_t n = path_.size();
        return n >= 3 && path_[n - 3] == '.' && std::tolower(static_cast<unsigned char>(path_[n - 2])) == 'g' &&
               std::tolower(static_cast<unsigned char>(path_[n - 1])) == 'z';
    }

    std::string path_;
    gzFile file_ = nullptr;
    bool gzip_ = false;
};

// Reads up to n bytes into out (resized to what was read). Memory grows with the data actually
// present, so a header that lies about its size cannot make us allocate it up front.
uint64_t readUpTo(InputFile& f, uint64_t n, std::vector<uint8_t>& out);

// Bytes left in the file after the declared data (a count, not kept in memory).
uint64_t countRemaining(InputFile& f);

inline uint32_t bigEndian32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

} // namespace eqnet::datafile
