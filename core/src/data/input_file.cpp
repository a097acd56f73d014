// Data set files, plain or gzip (input_file.h).
#include "data/input_file.h"

#include <algorithm>
#include <array>

namespace eqnet::datafile {

uint64_t readUpTo(InputFile& f, uint64_t n, std::vector<uint8_t>& out) {
    // Reads in steps that grow with what has arrived (64 KiB, then doubling up to 16 MiB):
    // the buffer is never much larger than the file, whatever `n` a header claims.
    constexpr uint64_t kMaxStep = uint64_t(16) << 20, kMinStep = uint64_t(64) << 10;
    out.clear();
    uint64_t done = 0;
    while (done < n) {
        const uint64_t step = std::min({kMaxStep, std::max(kMinStep, done), n - done});
        if (out.capacity() < done + step)
            out.reserve(static_cast<size_t>(
                std::min<uint64_t>(n, std::max<uint64_t>(done + step, 2 * out.capacity()))));
        out.resize(static_cast<size_t>(done + step));
        const uint64_t got = f.read(out.data() + done, step);
        done += got;
        if (got < step) break;
    }
    out.resize(static_cast<size_t>(done));
    return done;
}

uint64_t countRemaining(InputFile& f) {
    std::array<uint8_t, 1 << 16> buf;
    uint64_t total = 0;
    for (;;) {
        const uint64_t got = f.read(buf.data(), buf.size());
        if (got == 0) break;
        total += got;
        if (total > kMaxDataBytes) break; // enough to say "too many"
    }
    return total;
}

} // namespace eqnet::datafile
