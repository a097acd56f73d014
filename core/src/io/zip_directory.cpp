// Zip directory reading (PKWARE APPNOTE 6.3: end of central directory, its ZIP64 form, central
// and local file headers, the ZIP64 extra field), with every offset and size checked against the
// file before it is used.
#include "io/zip_directory.h"

#include "eqnet/error.h"
#include "io/little_endian.h"

#include <algorithm>

namespace eqnet::zipdir {
namespace {

constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr uint64_t kEndBytes = 22, kZip64EndBytes = 56, kZip64LocatorBytes = 20;
constexpr uint64_t kCentralBytes = 46, kLocalBytes = 30;
constexpr uint32_t kUseZip64 = 0xFFFFFFFF;

uint64_t le(std::string_view b, uint64_t at, uint64_t n) { return readLittleEndian(b, at, n); }

// [at, at + n) inside [0, end), without overflow.
bool inside(uint64_t at, uint64_t n, uint64_t end) { return at <= end && n <= end - at; }

struct Directory {
    uint64_t entries = 0, offset = 0, bytes = 0, end = 0; // end: where the directory must stop
};

Directory findDirectory(std::string_view b, const std::string& what) {
    const uint64_t size = b.size();
    if (size < kEndBytes) throw Error(what + ": damaged archive: " + std::to_string(size) + " bytes is too short for a zip file");
    // The end record: the last one in the file, as LibTorch's zip reader (miniz) finds it; it is
    // the last 22 bytes, or earlier by the length of an archive comment.
    const uint64_t lowest = size - kEndBytes > 0xFFFF ? size - kEndBytes - 0xFFFF : 0;
    uint64_t pos = size - kEndBytes + 1;
    bool found = false;
    while (!found && pos-- > lowest) found = le(b, pos, 4) == kEndSignature;
    if (!found || le(b, pos + 20, 2) != size - pos - kEndBytes)
        throw Error(what + ": damaged archive: no zip end-of-directory record (truncated?)");
    Directory d{le(b, pos + 10, 2), le(b, pos + 16, 4), le(b, pos + 12, 4), pos};
    // Its ZIP64 form stands in for the fields that hold their "see ZIP64" value (as in miniz).
    if (pos >= kZip64LocatorBytes && le(b, pos - kZip64LocatorBytes, 4) == kZip64LocatorSignature) {
        const uint64_t locator = pos - kZip64LocatorBytes;
        const uint64_t at = le(b, locator + 8, 8);
        if (!inside(at, kZip64EndBytes, locator) || le(b, at, 4) != kZip64EndSignature)
            throw Error(what + ": damaged archive: the ZIP64 end record lies outside the file");
        if (d.entries == 0xFFFF) d.entries = le(b, at + 32, 8);
        if (d.bytes == kUseZip64) d.bytes = le(b, at + 40, 8);
        if (d.offset == kUseZip64) d.offset = le(b, at + 48, 8);
        d.end = at;
    }
    if (!inside(d.offset, d.bytes, d.end))
        throw Error(what + ": damaged archive: the zip directory (" + std::to_string(d.bytes) + " bytes at " +
                    std::to_string(d.offset) + ") lies outside the file of " + std::to_string(size) + " bytes");
    if (d.entries > d.bytes / kCentralBytes)
        throw Error(what + ": damaged archive: the zip directory claims " + std::to_string(d.entries) +
                    " records in " + std::to_string(d.bytes) + " bytes");
    return d;
}

// The 64-bit values of a ZIP64 extra field, in their fixed order, for the fields set to 0xFFFFFFFF.
void readZip64Extra(std::string_view b, uint64_t at, uint64_t n, Record& r, uint64_t& local, bool needSize,
                    bool needStored, bool needLocal, const std::string& where) {
    for (uint64_t p = at; p + 4 <= at + n;) {
        const uint64_t id = le(b, p, 2), len = le(b, p + 2, 2);
        if (!inside(p + 4, len, at + n)) break;
        if (id == 1) {
            uint64_t q = p + 4;
            const auto take = [&](uint64_t& v) {
                if (q + 8 > p + 4 + len) throw Error(where + ": its ZIP64 sizes are cut short");
                v = le(b, q, 8);
                q += 8;
            };
            if (needSize) take(r.size);
            if (needStored) take(r.storedBytes);
            if (needLocal) take(local);
            return;
        }
        p += 4 + len;
    }
    if (needSize || needStored || needLocal) throw Error(where + ": its ZIP64 sizes are missing");
}

} // namespace

std::vector<Record> readDirectory(std::string_view b, const std::string& what) {
    const Directory d = findDirectory(b, what);
    std::vector<Record> records;
    std::vector<std::pair<uint64_t, uint64_t>> spans; // [local header, end of data) of each record
    records.reserve(d.entries);
    const uint64_t dirEnd = d.offset + d.bytes;
    uint64_t p = d.offset;
    for (uint64_t i = 0; i < d.entries; ++i) {
        const std::string where = what + ": damaged archive: zip record " + std::to_string(i + 1);
        if (!inside(p, kCentralBytes, dirEnd) || le(b, p, 4) != kCentralSignature)
            throw Error(where + " is not where the directory says");
        const uint64_t nameLen = le(b, p + 28, 2), extraLen = le(b, p + 30, 2), commentLen = le(b, p + 32, 2);
        if (!inside(p + kCentralBytes, nameLen + extraLen + commentLen, dirEnd))
            throw Error(where + " runs past the end of the directory");
        Record r;
        r.name.assign(b.substr(p + kCentralBytes, nameLen));
        r.method = static_cast<uint16_t>(le(b, p + 10, 2));
        r.storedBytes = le(b, p + 20, 4);
        r.size = le(b, p + 24, 4);
        uint64_t local = le(b, p + 42, 4);
        const std::string named = where + " ('" + r.name + "')";
        readZip64Extra(b, p + kCentralBytes + nameLen, extraLen, r, local, r.size == kUseZip64,
                       r.storedBytes == kUseZip64, local == kUseZip64, named);
        if (r.method != 0 && r.method != 8)
            throw Error(named + " uses compression method " + std::to_string(r.method) +
                        " (only stored and deflated records can be read)");
        if (!inside(local, kLocalBytes, d.offset) || le(b, local, 4) != kLocalSignature)
            throw Error(named + ": its header is not where the directory says");
        r.dataOffset = local + kLocalBytes + le(b, local + 26, 2) + le(b, local + 28, 2);
        if (!inside(r.dataOffset, r.storedBytes, d.offset))
            throw Error(named + " claims " + std::to_string(r.storedBytes) + " stored bytes, past the end of the file's records");
        const bool fits = r.method == 0 ? r.size == r.storedBytes : r.size / kMaxDeflateRatio <= r.storedBytes;
        if (!fits)
            throw Error(named + " claims " + std::to_string(r.size) + " bytes but stores " +
                        std::to_string(r.storedBytes));
        spans.emplace_back(local, r.dataOffset + r.storedBytes);
        records.push_back(std::move(r));
        p += kCentralBytes + nameLen + extraLen + commentLen;
    }
    // Records that share bytes would let a small file claim its size many times over.
    std::sort(spans.begin(), spans.end());
    for (size_t i = 1; i < spans.size(); ++i)
        if (spans[i].first < spans[i - 1].second)
            throw Error(what + ": damaged archive: two zip records overlap at byte " + std::to_string(spans[i].first));
    return records;
}

} // namespace eqnet::zipdir
