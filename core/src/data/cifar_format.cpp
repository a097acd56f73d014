// The CIFAR-10 binary batches: one label byte and 3x32x32 pixel bytes per record.
#include "eqnet/data.h"

#include "data/input_file.h"
#include "eqnet/error.h"

#include <cstdio>
#include <string>
#include <vector>

namespace eqnet {

using namespace datafile;

namespace {

constexpr int64_t kCifarImageBytes = 3 * 32 * 32;
constexpr int64_t kCifarRecordBytes = 1 + kCifarImageBytes;
constexpr int kCifarClasses = 10;

std::string cifarSource(const std::vector<std::string>& files) {
    if (files.size() == 1) return files[0];
    return files.front() + " (+" + std::to_string(files.size() - 1) + " more)";
}

} // namespace

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

} // namespace eqnet
