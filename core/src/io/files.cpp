#include "eqnet/files.h"

#include "eqnet/error.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

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
    const std::string tmp = path + ".part";
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

} // namespace eqnet
