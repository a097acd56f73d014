#include "eqnet/files.h"

#include "eqnet/error.h"

#include <zlib.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace eqnet {

namespace fs = std::filesystem;

std::string readTextFile(const std::string& path, uint64_t maxBytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open for reading");
    std::error_code ec;
    const uintmax_t size = fs::file_size(path, ec);
    if (!ec && size > maxBytes) {
        char text[128];
        std::snprintf(text, sizeof text, ": %.1f MiB, more than a file of this kind can be (%.0f MiB); not read",
                      double(size) / 1048576.0, double(maxBytes) / 1048576.0);
        throw Error(path + text);
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw Error(path + ": read error");
    return ss.str();
}

void ensureParentFolder(const std::string& path) {
    const fs::path target(path);
    if (!target.has_parent_path()) return;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw Error(path + ": cannot create its folder: " + ec.message());
}

void replaceFile(const std::string& tmp, const std::string& path) {
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw Error(path + ": cannot replace: " + ec.message());
    }
}

void writeFileAtomic(const std::string& path, const std::string& contents) {
    ensureParentFolder(path);
    const std::string tmp = path + kPartialFileSuffix;
    // POSIX calls, so that the error says what happened (a read-only file system, no space
    // left) instead of guessing; fsync before the rename, so that after a power loss the name
    // holds the old contents or the new, never an empty file.
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw Error(path + ": cannot open for writing: " + std::strerror(errno));
    const auto fail = [&](const char* what) {
        const int err = errno;
        ::close(fd);
        std::remove(tmp.c_str());
        throw Error(path + ": " + what + ": " + std::strerror(err));
    };
    for (size_t done = 0; done < contents.size();) {
        const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("write failed");
        done += size_t(n);
    }
    if (::fsync(fd) != 0 && errno != EINVAL) fail("write failed");
    if (::close(fd) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        throw Error(path + ": write failed: " + std::strerror(err));
    }
    replaceFile(tmp, path);
}

void appendLine(const std::string& path, const std::string& line) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd < 0) throw Error(path + ": cannot open for appending: " + std::strerror(errno));
    std::string text;
    text.reserve(line.size() + 2);
    const off_t size = ::lseek(fd, 0, SEEK_END);
    char last = '\n';
    if (size > 0 && ::pread(fd, &last, 1, size - 1) == 1 && last != '\n') text += '\n';
    text += line;
    text += '\n';
    for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            // A partial record is cut back off, so the file stays a list of whole lines.
            if (size >= 0 && ::ftruncate(fd, size) != 0) {
            }
            ::close(fd);
            throw Error(path + ": cannot append: " + std::strerror(err));
        }
        done += size_t(n);
    }
    if (::close(fd) != 0) throw Error(path + ": cannot append: " + std::strerror(errno));
}

std::string fileIdentity(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open");
    uLong crc = crc32(0L, Z_NULL, 0);
    std::vector<char> buf(1 << 20);
    uint64_t size = 0;
    while (in) {
        in.read(buf.data(), std::streamsize(buf.size()));
        const auto n = in.gcount();
        if (n <= 0) break;
        crc = crc32(crc, reinterpret_cast<const Bytef*>(buf.data()), uInt(n));
        size += uint64_t(n);
    }
    char hex[16];
    std::snprintf(hex, sizeof hex, "%08lx", static_cast<unsigned long>(crc));
    return "crc32:" + std::string(hex) + ":" + std::to_string(size);
}

int removePartialFiles(const std::string& dir) {
    int removed = 0;
    std::error_code ec;
    const std::string suffix = kPartialFileSuffix;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            it->is_regular_file(ec)) {
            std::error_code rm;
            removed += fs::remove(it->path(), rm) ? 1 : 0;
        }
    }
    return removed;
}

void checkFileName(const std::string& name, const std::string& what) {
    const auto bad = [&](const std::string& why) {
        throw Error(what + " '" + name + "' is not a plain file name: " + why);
    };
    if (name.empty()) bad("it is empty");
    if (name == "." || name == "..") bad("it names a folder");
    if (name.size() > 200) bad("longer than 200 bytes");
    for (char c : name) {
        if (c == '/' || c == '\\') bad("it contains '" + std::string(1, c) + "' (a name, not a path)");
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) bad("it contains a control character");
    }
}

} // namespace eqnet
