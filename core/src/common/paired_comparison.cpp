#include "eqnet/paired_comparison.h"

#include "eqnet/error.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace eqnet {

std::string packCorrect(const std::vector<uint8_t>& correct) {
    static const char* hex = "0123456789abcdef";
    std::string out = std::to_string(correct.size()) + ":";
    for (size_t i = 0; i < correct.size(); i += 4) {
        int v = 0;
        for (size_t k = 0; k < 4; ++k) v = (v << 1) | (i + k < correct.size() && correct[i + k] ? 1 : 0);
        out += hex[v];
    }
    return out;
}

std::vector<uint8_t> unpackCorrect(const std::string& packed, const std::string& what) {
    const auto colon = packed.find(':');
    const auto fail = [&](const std::string& why) -> std::vector<uint8_t> {
        throw Error(what + ": per-image results are malformed (" + why + ")");
    };
    if (colon == std::string::npos || colon == 0 || colon > 12) return fail("expected <count>:<hex digits>");
    uint64_t n = 0;
    for (size_t i = 0; i < colon; ++i) {
        if (packed[i] < '0' || packed[i] > '9') return fail("the count is not a number");
        n = n * 10 + uint64_t(packed[i] - '0');
    }
    const std::string digits = packed.substr(colon + 1);
    if (digits.size() != (n + 3) / 4)
        return fail(std::to_string(n) + " images need " + std::to_string((n + 3) / 4) + " hex digits, found " +
                    std::to_string(digits.size()));
    std::vector<uint8_t> out(n);
    for (size_t d = 0; d < digits.size(); ++d) {
        const char c = digits[d];
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else return fail(std::string("'") + c + "' is not a hex digit");
        for (size_t k = 0; k < 4; ++k)
            if (d * 4 + k < n) out[d * 4 + k] = uint8_t((v >> (3 - k)) & 1);
    }
    return out;
}

PairedDifference pairedBootstrap(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int resamples,
                                 uint64_t seed, double level) {
    if (a.size() != b.size())
        throw Error("paired comparison: " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                    " images; both must be measured on the same images");
    if (a.empty()) throw Error("paired comparison: no images");
    if (resamples < 10) throw Error("paired comparison: at least 10 resamples");
    // Only the per-image difference a_i - b_i in {-1, 0, +1} matters, so a resample of the n
    // images is a multinomial draw of how many +1 and -1 it holds: X+ ~ Bin(n, p+), then
    // X- ~ Bin(n - X+, p- / (1 - p+)). Exactly the same distribution as drawing n indices.
    int64_t plus = 0, minus = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const int di = int(a[i] != 0) - int(b[i] != 0);
        plus += di > 0;
        minus += di < 0;
    }
    const auto n = int64_t(a.size());
    PairedDifference r;
    r.images = n;
    r.resamples = resamples;
    r.level = level;
    r.difference = double(plus - minus) / double(n);
    const double pPlus = double(plus) / double(n);
    const double pMinusRest = plus < n ? double(minus) / double(n - plus) : 0.0;
    std::mt19937_64 rng(seed);
    std::vector<double> stats(static_cast<size_t>(resamples));
    for (int k = 0; k < resamples; ++k) {
        std::binomial_distribution<int64_t> drawPlus(n, pPlus);
        const int64_t xp = drawPlus(rng);
        std::binomial_distribution<int64_t> drawMinus(n - xp, std::min(1.0, pMinusRest));
        const int64_t xm = drawMinus(rng);
        stats[size_t(k)] = double(xp - xm) / double(n);
    }
    std::sort(stats.begin(), stats.end());
    const double tail = (1.0 - level) / 2.0;
    const auto at = [&](double q) {
        const auto idx = std::min<int64_t>(resamples - 1, std::max<int64_t>(0, int64_t(std::floor(q * (resamples - 1) + 0.5))));
        return stats[size_t(idx)];
    };
    r.low = at(tail);
    r.high = at(1.0 - tail);
    return r;
}

} // namespace eqnet
