// Paired comparison of two subnets on the same images: the per-image packing used by front
// files and the paired bootstrap interval of the accuracy difference.
#include "eqtest.h"

#include "eqnet/error.h"
#include "eqnet/paired_comparison.h"

#include <cmath>

using namespace eqnet;

namespace {
// n images; the first `plus` right only for a, the next `minus` right only for b, the rest
// right for both.
void pairedCase(int64_t n, int64_t plus, int64_t minus, std::vector<uint8_t>& a, std::vector<uint8_t>& b) {
    a.assign(size_t(n), 1);
    b.assign(size_t(n), 1);
    for (int64_t i = 0; i < plus; ++i) b[size_t(i)] = 0;
    for (int64_t i = plus; i < plus + minus; ++i) a[size_t(i)] = 0;
}
} // namespace

EQ_TEST(pack_round_trip_and_errors) {
    for (size_t n : {size_t(1), size_t(4), size_t(5), size_t(10000)}) {
        std::vector<uint8_t> v(n);
        for (size_t i = 0; i < n; ++i) v[i] = uint8_t((i * 7 + i / 3) % 2);
        const std::string p = packCorrect(v);
        EQ_COMPARE(p.size(), std::to_string(n).size() + 1 + (n + 3) / 4);
        EQ_VERIFY(unpackCorrect(p, "x") == v);
    }
    EQ_COMPARE(packCorrect({1, 0, 1, 1, 1}), std::string("5:b8"));
    EQ_THROWS(unpackCorrect("5:b", "front.json"), Error, "front.json: per-image results are malformed (5 images need 2");
    EQ_THROWS(unpackCorrect("5:bz", "f"), Error, "'z' is not a hex digit");
    EQ_THROWS(unpackCorrect("b8", "f"), Error, "expected <count>:<hex digits>");
    EQ_THROWS(unpackCorrect("-1:b8", "f"), Error, "the count is not a number");
}

EQ_TEST(bootstrap_interval_matches_the_normal_approximation) {
    // 300 images better, 200 worse of 10,000: difference 1 pp; the per-image difference has
    // variance 0.05 - 0.01^2, so the mean's standard error is sqrt(0.0499 / 10000) = 0.2234 pp
    // and the 95 % interval about 1 +- 0.438 pp.
    std::vector<uint8_t> a, b;
    pairedCase(10000, 300, 200, a, b);
    const PairedDifference d = pairedBootstrap(a, b, 4000, 1);
    EQ_NEAR(d.difference, 0.01, 1e-12);
    const double se = std::sqrt(0.0499 / 10000.0);
    EQ_NEAR(d.low, 0.01 - 1.96 * se, 0.0006);
    EQ_NEAR(d.high, 0.01 + 1.96 * se, 0.0006);
    EQ_VERIFY(d.above());
    EQ_COMPARE(d.images, int64_t(10000));
    // The same seed draws the same interval; swapping the two mirrors it.
    const PairedDifference again = pairedBootstrap(a, b, 4000, 1);
    EQ_COMPARE(again.low, d.low);
    const PairedDifference swapped = pairedBootstrap(b, a, 4000, 1);
    EQ_NEAR(swapped.difference, -0.01, 1e-12);
    EQ_VERIFY(swapped.high < 0 && !swapped.above());
}

EQ_TEST(bootstrap_of_a_tie_straddles_zero) {
    std::vector<uint8_t> a, b;
    pairedCase(10000, 150, 150, a, b);
    const PairedDifference d = pairedBootstrap(a, b);
    EQ_COMPARE(d.difference, 0.0);
    EQ_VERIFY(d.low < 0 && d.high > 0 && !d.above());
    // Identical results: nothing to resample, the interval is the point.
    const PairedDifference same = pairedBootstrap(a, a);
    EQ_COMPARE(same.low, 0.0);
    EQ_COMPARE(same.high, 0.0);
}

EQ_TEST(bootstrap_refuses_unpaired_input) {
    EQ_THROWS(pairedBootstrap({1, 0}, {1}), Error, "2 and 1 images");
    EQ_THROWS(pairedBootstrap({}, {}), Error, "no images");
}
