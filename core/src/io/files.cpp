#include "eqnet/files.h"

#include "eqnet/error.h"

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace eqnet {

namespace fs = std::filesystem;

std::string readTextFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open for reading");
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
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw Error(path + ": cannot open for writing");
        out << contents;
        out.flush();
        if (!out) {
            out.close();
            std::remove(tmp.c_str());
            throw Error(path + ": write failed (disk full?)");
        }
    }
    replaceFile(tmp, path);
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

} // namespace eqnet
