// IDX images and labels (plain or gzip): the first input byte says which file the rest is and
// whether it is gzip-compressed; the other file of the pair is a valid one of 3 items.
#include "fuzz_support.h"

#include "eqnet/data.h"
#include "eqnet/error.h"

#include <zlib.h>

#include <vector>

namespace {
std::vector<uint8_t> validLabels() {
    return {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3};
}
std::vector<uint8_t> validImages() {
    std::vector<uint8_t> v = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2};
    for (int i = 0; i < 12; ++i) v.push_back(uint8_t(i * 20));
    return v;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const bool labels = data[0] & 1, gz = data[0] & 2;
    const std::string fuzzed = eqfuzz::writeScratch(data + 1, size - 1, gz ? "-fuzzed.gz" : "-fuzzed");
    const std::vector<uint8_t> other = labels ? validImages() : validLabels();
    const std::string valid = eqfuzz::writeScratch(other.data(), other.size(), "-valid");
    try {
        const eqnet::ImageSet s = labels ? eqnet::readIdx(valid, fuzzed) : eqnet::readIdx(fuzzed, valid);
        s.checkConsistent("fuzz");
    } catch (const eqnet::Error&) {
    }
    return 0;
}
