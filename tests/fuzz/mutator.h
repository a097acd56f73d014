#pragma once
// A small deterministic mutator for the fuzz targets where libFuzzer is not linked (the GCC
// build that CI runs): variants of the seed inputs with bytes overwritten, bits flipped, length
// and count fields set to boundary values, ranges erased or repeated, and tails cut. It finds
// less than libFuzzer's coverage-guided search, but runs on every CI build without a second
// (clang) build; scripts/fuzz is the real search.
#include "common/random.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace eqfuzz {

class Mutator {
public:
    explicit Mutator(uint64_t seed) : rng_(seed) {}

    // A variant of `input`: one to four mutations.
    std::vector<uint8_t> mutate(std::vector<uint8_t> b) {
        const int n = 1 + int(rng_.below(4));
        for (int i = 0; i < n; ++i) once(b);
        return b;
    }

private:
    void once(std::vector<uint8_t>& b) {
        if (b.empty()) {
            b.push_back(uint8_t(rng_.next()));
            return;
        }
        const size_t at = pos(b);
        switch (rng_.below(6)) {
        case 0: b[at] = uint8_t(rng_.next()); break;
        case 1: b[at] ^= uint8_t(1u << rng_.below(8)); break;
        case 2: writeBoundary(b, at, b.size()); break;
        case 3: b.erase(b.begin() + long(at), b.begin() + long(at + rng_.below(std::min<size_t>(64, b.size() - at) + 1))); break;
        case 4: {
            const size_t len = rng_.below(std::min<size_t>(64, b.size() - at)) + 1;
            const std::vector<uint8_t> piece(b.begin() + long(at), b.begin() + long(at + len));
            b.insert(b.begin() + long(pos(b)), piece.begin(), piece.end());
            break;
        }
        default: b.resize(at); break;
        }
    }

    // Parsers trust their headers: positions near the start and near the end (zip directories,
    // trailers) are drawn as often as the rest.
    size_t pos(const std::vector<uint8_t>& b) {
        const size_t n = b.size();
        switch (rng_.below(3)) {
        case 0: return rng_.below(std::min<size_t>(n, 64));
        case 1: return n - 1 - rng_.below(std::min<size_t>(n, 4096));
        default: return rng_.below(n);
        }
    }

    // A value that breaks size and count fields, in 1, 2, 4 or 8 bytes, either byte order.
    void writeBoundary(std::vector<uint8_t>& b, size_t at, size_t size) {
        const uint64_t values[] = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000,
                                   0xFFFFFFFF, 0x7FFFFFFFFFFFFFFFull, ~0ull, size, size + 1, size - 1};
        const uint64_t v = values[rng_.below(sizeof values / sizeof values[0])];
        const int width = 1 << rng_.below(4);
        const bool bigEndian = rng_.below(2) == 1;
        for (int i = 0; i < width && at + size_t(i) < b.size(); ++i) {
            b[at + i] = uint8_t(v >> (8 * (bigEndian ? width - 1 - i : i)));
        }
    }

    eqnet::SplitMix rng_;
};

} // namespace eqfuzz
