#pragma once
// Shared by the fuzz targets (tests/fuzz/README.md): a scratch file per process, and the rule
// every target follows — input the engine refuses must be refused with eqnet::Error; any other
// exception escaping a reader, a crash, a hang or a sanitizer report is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace eqfuzz {

// A file in /tmp owned by this process, rewritten with each input.
inline const std::string& scratchPath(const char* suffix) {
    static const std::string dir = [] {
        char tmpl[] = "/tmp/eqnet-fuzz-XXXXXX";
        const char* d = mkdtemp(tmpl);
        return std::string(d ? d : "/tmp");
    }();
    static thread_local std::string path;
    path = dir + "/input" + suffix;
    return path;
}

inline const std::string& writeScratch(const uint8_t* data, size_t size, const char* suffix) {
    const std::string& p = scratchPath(suffix);
    if (FILE* f = std::fopen(p.c_str(), "wb")) {
        if (size) std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    return p;
}

} // namespace eqfuzz
