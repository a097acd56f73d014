#pragma once
// The directory of a zip archive (LibTorch's checkpoint container), checked against the bytes of
// the file before LibTorch reads it. LibTorch allocates a record's buffer from the size the
// directory claims, so a damaged directory could make it ask for gigabytes that a file of a few
// kilobytes cannot hold. After this check every record lies inside the file and no record's size
// exceeds what its stored bytes can hold.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eqnet::zipdir {

struct Record {
    std::string name;
    uint16_t method = 0;       // 0 stored, 8 deflated
    uint64_t storedBytes = 0;  // the compressed size
    uint64_t size = 0;         // the uncompressed size
    uint64_t dataOffset = 0;   // where the stored bytes start in the file
};

// The records of the archive `bytes`; throws eqnet::Error (prefixed with `what`, usually the
// path) naming the first inconsistency: no end record, a directory or record outside the file,
// a size that its stored bytes cannot hold, an unsupported compression method.
std::vector<Record> readDirectory(std::string_view bytes, const std::string& what);

// The most a deflated stream can expand (DEFLATE's best ratio is a little above 1032:1).
constexpr uint64_t kMaxDeflateRatio = 1032;

} // namespace eqnet::zipdir
