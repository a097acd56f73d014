// The elastic quantizer (docs/method.md §2): grid, ranges, STE and LSQ gradients, the fused
// autograd functions against the composed reference, and the Lp clipping search.
#include "eqtest.h"

#include "quant/elastic_quantizer.h"
#include "quant/fake_quant.h"
#include "quant/lp_calibration.h"
#include "quant/lp_error.h"
#include "eqnet/supernet.h"

#include <ATen/Parallel.h>

#include <torch/torch.h>

#include <limits>
#include <cmath>
#include <set>

using namespace eqnet;
using namespace eqnet::quant;

namespace {

struct Setting {
    int bits;
    bool isUnsigned;
    bool symmetric;
    bool perChannel;
    std::string name() const {
        return "W" + std::to_string(bits) + (isUnsigned ? " unsigned" : " signed") +
               (symmetric ? " sym" : " asym") + (perChannel ? " per-channel" : " per-tensor");
    }
};

std::vector<Setting> allSettings() {
    std::vector<Setting> out;
    for (int b = kMinBits; b <= kMaxBits; ++b)
        for (bool u : {false, true})
            for (bool sym : {true, false})
                for (bool pc : {false, true}) out.push_back({b, u, sym, pc});
    return out;
}

// Steps and zero points that make x (ranging about +-3) straddle the clamp range.
void makeParams(const torch::Tensor& x, const Setting& st, torch::Tensor& s, torch::Tensor& z) {
    const auto r = quantRange(st.bits, st.isUnsigned);
    const int64_t c = st.perChannel ? x.size(0) : 1;
    s = torch::linspace(2.0, 3.0, c) / double(r.p - r.n);
    if (!st.perChannel) s = s.reshape({});
    if (!st.symmetric) z = torch::full_like(s, double(r.n) + double(r.p - r.n) / 4.0 + 0.3);
    else z = torch::Tensor();
}

} // namespace

EQ_TEST(ranges_signed_and_unsigned) {
    for (int b = kMinBits; b <= kMaxBits; ++b) {
        const auto s = quantRange(b, false), u = quantRange(b, true);
        EQ_COMPARE(s.n, -(int64_t(1) << (b - 1)));
        EQ_COMPARE(s.p, (int64_t(1) << (b - 1)) - 1);
        EQ_COMPARE(u.n, int64_t(0));
        EQ_COMPARE(u.p, (int64_t(1) << b) - 1);
        EQ_COMPARE(s.levels(), int64_t(1) << b);
        EQ_COMPARE(u.levels(), int64_t(1) << b);
    }
}

EQ_TEST(outputs_lie_on_grid_with_exactly_2_pow_b_levels) {
    torch::manual_seed(1);
    for (const Setting& st : allSettings()) {
        const auto r = quantRange(st.bits, st.isUnsigned);
        // Uniform over +-4, dense enough to hit every level (about 100 samples per level).
        auto x = (torch::rand({4, 100000}) - 0.5) * 8.0;
        torch::Tensor s, z;
        makeParams(x, st, s, z);
        auto y = fakeQuantize(x, s, z, r, 1.0).detach();
        auto q = quantizeToLevels(x, s, z, r);
        auto sb = st.perChannel ? s.reshape({-1, 1}) : s;
        torch::Tensor zr = z.defined() ? (st.perChannel ? torch::round(z).reshape({-1, 1}) : torch::round(z))
                                       : torch::zeros({});
        // x^ = (q - zr) * s with q integer in [n, p]
        EQ_VERIFY2(torch::allclose(y, (q - zr) * sb, 1e-6, 1e-6), st.name());
        EQ_VERIFY2(torch::equal(q, torch::round(q)), st.name());
        EQ_VERIFY2(q.min().item<double>() >= double(r.n) && q.max().item<double>() <= double(r.p), st.name());
        for (int64_t c = 0; c < (st.perChannel ? 4 : 1); ++c) {
            auto row = st.perChannel ? y[c] : y;
            auto levels = std::get<0>(torch::_unique(row));
            EQ_VERIFY2(levels.numel() == r.levels(),
                       st.name() + ": " + std::to_string(levels.numel()) + " levels");
        }
    }
}

EQ_TEST(hand_computed_forward_and_gradients) {
    // 2-bit signed symmetric, s = 0.5: x/s = [-2, 0.52, 1.48, 6] -> q = [-2, 1, 1, 1(clamped)]
    auto x = torch::tensor({-1.0f, 0.26f, 0.74f, 3.0f}).requires_grad_(true);
    auto s = torch::tensor(0.5f).requires_grad_(true);
    const auto r = quantRange(2, false);
    const double g = 0.25;
    auto y = fakeQuantize(x, s, torch::Tensor(), r, g);
    EQ_VERIFY(torch::allclose(y, torch::tensor({-1.0f, 0.5f, 0.5f, 0.5f})));
    y.sum().backward();
    // STE: 1 inside the clamp range, 0 outside.
    EQ_VERIFY(torch::equal(x.grad(), torch::tensor({1.0f, 1.0f, 1.0f, 0.0f})));
    // LSQ: inside round(v) - v = 0, 0.48, -0.48; clamped q - zr = 1; sum 1.0, times g.
    EQ_NEAR(s.grad().item<double>(), 1.0 * g, 1e-5);
}

EQ_TEST(asymmetric_zero_point_is_integer_with_ste) {
    // 3-bit unsigned [0, 7], s = 1, z = 1.4 -> zr = 1: q = clamp(round(x) + 1, 0, 7)
    auto x = torch::tensor({-3.0f, -1.0f, 0.2f, 2.6f, 9.0f}).requires_grad_(true);
    auto s = torch::tensor(1.0f).requires_grad_(true);
    auto z = torch::tensor(1.4f).requires_grad_(true);
    const auto r = quantRange(3, true);
    auto y = fakeQuantize(x, s, z, r, 1.0);
    // q = [0(clamped from -2), 0, 1, 4, 7(clamped from 10)] -> x^ = q - 1
    EQ_VERIFY2(torch::allclose(y, torch::tensor({-1.0f, -1.0f, 0.0f, 3.0f, 6.0f})), "forward");
    y.sum().backward();
    EQ_VERIFY(torch::equal(x.grad(), torch::tensor({0.0f, 1.0f, 1.0f, 1.0f, 0.0f})));
    // dz: -s for each clamped element, 0 inside: two clamped -> -2
    EQ_NEAR(z.grad().item<double>(), -2.0, 1e-6);
    // ds: clamped (q - zr) = -1 and 6; inside round(v)-v = 0, -0.2, 0.4 -> 5.2
    EQ_NEAR(s.grad().item<double>(), 5.2, 1e-5);
}

EQ_TEST(rounds_half_to_even_like_onnx) {
    auto x = torch::tensor({0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f});
    auto q = quantizeToLevels(x, torch::tensor(1.0f), torch::Tensor(), quantRange(8, false));
    auto y = fakeQuantize(x, torch::tensor(1.0f), torch::Tensor(), quantRange(8, false), 1.0).detach();
    const auto expect = torch::tensor({0.0f, 2.0f, 2.0f, -0.0f, -2.0f, -2.0f});
    EQ_VERIFY(torch::equal(q, expect));
    EQ_VERIFY(torch::equal(y, expect));
}

EQ_TEST(lsq_gradient_scale_value) {
    EQ_NEAR(lsqGradScale(quantRange(4, false), 100), 1.0 / std::sqrt(7.0 * 100.0), 1e-12);
    EQ_NEAR(lsqGradScale(quantRange(4, true), 100), 1.0 / std::sqrt(15.0 * 100.0), 1e-12);
    EQ_NEAR(lsqGradScale(quantRange(2, false), 9), 1.0 / 3.0, 1e-12);
    // The weight quantizer applies it with N = elements per step: per channel, per tensor.
    WeightQuantizer wq(4);
    auto w = torch::randn({4, 3, 3, 3});
    for (int b = kMinBits; b <= kMaxBits; ++b) {
        wq->bank(Granularity::PerChannel, true).set(b, torch::full({4}, 0.05f), {});
        wq->bank(Granularity::PerTensor, true).set(b, torch::tensor(0.05f), {});
    }
    // The step is exp(log_step): its gradient is s * dL/ds, with dL/ds scaled by g.
    const auto& pcLog = wq->bank(Granularity::PerChannel, true).logStepParam(4);
    const auto& ptLog = wq->bank(Granularity::PerTensor, true).logStepParam(4);
    const double s = std::exp(pcLog[0].item<double>());
    wq->forward(w, 4, Granularity::PerChannel, true).sum().backward();
    const auto pcGrad = pcLog.grad().clone() / s;
    auto ref = torch::tensor(0.05f).repeat({4}).requires_grad_(true);
    fakeQuantizeReference(w, ref, torch::Tensor(), quantRange(4, false), 1.0).sum().backward();
    EQ_VERIFY2(torch::allclose(pcGrad, ref.grad() / std::sqrt(7.0 * 27.0), 1e-4, 1e-6), "per-channel g");
    wq->forward(w, 4, Granularity::PerTensor, true).sum().backward();
    auto ref2 = torch::tensor(0.05f).requires_grad_(true);
    fakeQuantizeReference(w, ref2, torch::Tensor(), quantRange(4, false), 1.0).sum().backward();
    EQ_NEAR(ptLog.grad().item<double>() / s, ref2.grad().item<double>() / std::sqrt(7.0 * 108.0), 1e-5);
}

EQ_TEST(fused_equals_composed_reference_forward_and_backward) {
    torch::manual_seed(7);
    for (const Setting& st : allSettings()) {
        const auto r = quantRange(st.bits, st.isUnsigned);
        auto x0 = torch::randn({8, 3, 5, 7}) * 1.5;
        torch::Tensor s0, z0;
        makeParams(x0, st, s0, z0);
        const double g = lsqGradScale(r, x0.numel() / (st.perChannel ? 8 : 1));
        auto run = [&](bool fused, torch::Tensor& y, torch::Tensor& gx, torch::Tensor& gs, torch::Tensor& gz) {
            auto x = x0.clone().requires_grad_(true);
            auto s = (st.perChannel ? torch::linspace(2.0, 3.0, 8) / double(r.p - r.n) : s0.clone()).requires_grad_(true);
            torch::Tensor z = z0.defined() ? z0.clone().requires_grad_(true) : torch::Tensor();
            y = fused ? fakeQuantize(x, s, z, r, g) : fakeQuantizeReference(x, s, z, r, g);
            auto go = torch::linspace(-1.0, 1.0, x.numel()).reshape(x.sizes());
            y.backward(go);
            gx = x.grad();
            gs = s.grad();
            gz = z.defined() ? z.grad() : torch::Tensor();
        };
        torch::Tensor y1, gx1, gs1, gz1, y2, gx2, gs2, gz2;
        run(true, y1, gx1, gs1, gz1);
        run(false, y2, gx2, gs2, gz2);
        EQ_VERIFY2(torch::allclose(y1, y2, 1e-5, 1e-6), st.name() + " forward");
        // Same STE mask; values equal up to the reference's (g / s) * s rounding.
        EQ_VERIFY2(torch::equal(gx1 != 0, gx2 != 0), st.name() + " dx mask");
        EQ_VERIFY2(torch::allclose(gx1, gx2, 1e-6, 0), st.name() + " dx");
        EQ_VERIFY2(torch::allclose(gs1, gs2, 1e-4, 1e-5), st.name() + " ds");
        EQ_VERIFY2(gz1.defined() == gz2.defined(), st.name() + " dz defined");
        if (gz1.defined()) EQ_VERIFY2(torch::allclose(gz1, gz2, 1e-4, 1e-5), st.name() + " dz");
    }
}

EQ_TEST(fused_reduction_is_accurate_on_large_tensors) {
    // Many chunks and blocks: the per-tensor step gradient must still match the reference.
    torch::manual_seed(3);
    auto x0 = torch::randn({1 << 20});
    const auto r = quantRange(4, true);
    auto fused = [&](bool f) {
        auto x = x0.clone().requires_grad_(true);
        auto s = torch::tensor(0.2f).requires_grad_(true);
        auto z = torch::tensor(3.0f).requires_grad_(true);
        auto y = f ? fakeQuantize(x, s, z, r, 1e-3) : fakeQuantizeReference(x, s, z, r, 1e-3);
        y.backward(torch::ones_like(y));
        return std::make_pair(s.grad().item<double>(), z.grad().item<double>());
    };
    const auto a = fused(true), b = fused(false);
    EQ_NEAR(a.first, b.first, 1e-3 * std::abs(b.first) + 1e-6);
    EQ_NEAR(a.second, b.second, 1e-3 * std::abs(b.second) + 1e-6);
}

EQ_TEST(engine_kernels_use_every_thread_with_the_same_result) {
    // The fused kernels split work with at::parallel_for: it must reach the threads LibTorch
    // has (it silently ran on one when the build lacked -fopenmp), and the per-chunk partial
    // sums are added in a fixed order, so the result must not depend on the thread count.
    const int before = at::get_num_threads();
    torch::manual_seed(11);
    auto x0 = torch::randn({64, 16, 28, 28});
    const auto r = quantRange(3, false);
    auto run = [&](int threads) {
        at::set_num_threads(threads);
        auto x = x0.clone().requires_grad_(true);
        auto s = torch::tensor(0.3f).requires_grad_(true);
        auto z = torch::tensor(1.0f).requires_grad_(true);
        auto y = fakeQuantize(x, s, z, r, 1e-3);
        y.backward(torch::cos(x0));
        return std::vector<torch::Tensor>{y, x.grad(), s.grad(), z.grad()};
    };
    const auto one = run(1);
    EQ_COMPARE(engineKernelThreads(), 1);
    const auto two = run(2);
    EQ_COMPARE(engineKernelThreads(), 2);
    at::set_num_threads(before);
    for (size_t i = 0; i < one.size(); ++i) EQ_VERIFY2(torch::equal(one[i], two[i]), "output " + std::to_string(i));
}

EQ_TEST(lp_search_exact_grid_keeps_full_range) {
    // Values exactly on a 4-bit symmetric grid of step 0.1 that reach +-7 steps: candidate i = 0
    // (no shrinking) reproduces them exactly, so it must win with zero error.
    auto x = (torch::arange(-7, 8).to(torch::kFloat) * 0.1).repeat({10});
    const auto c = searchClipRange(x, quantRange(4, false), true, false);
    EQ_NEAR(c.scale.item<double>(), 0.1, 1e-7);
    EQ_NEAR(c.error.item<double>(), 0.0, 1e-12);
}

EQ_TEST(lp_search_picks_the_lp_best_candidate) {
    // Uniform values plus one outlier: clipping helps. Brute force over the 80 candidates with
    // the §2 formula, independently of the implementation, and compare the choice.
    torch::manual_seed(11);
    auto x = torch::cat({torch::rand({4000}) * 2 - 1, torch::tensor({6.0f})});
    for (int bits : {2, 4, 8}) {
        for (bool sym : {true, false}) {
            const auto r = quantRange(bits, false);
            const double mx = x.max().item<double>(), mn = x.min().item<double>();
            double bestErr = 1e30, bestS = 0;
            for (int i = 0; i < 80; ++i) {
                const double f = 1.0 - 0.01 * i;
                double s, z = 0;
                if (sym) {
                    s = std::max(std::abs(mn), std::abs(mx)) * f / double(r.p);
                } else {
                    s = (mx * f - mn * f) / double(r.p - r.n);
                    z = std::min(std::max(std::nearbyint(double(r.n) - mn * f / s), double(r.n)), double(r.p));
                }
                auto q = (torch::round(x / s) + z).clamp(double(r.n), double(r.p));
                const double err = (x - (q - z) * s).abs().pow(2.4).mean().item<double>();
                if (err < bestErr) {
                    bestErr = err;
                    bestS = s;
                }
            }
            const auto c = searchClipRange(x, r, sym, false);
            const std::string what = "bits " + std::to_string(bits) + (sym ? " sym" : " asym");
            EQ_NEAR(c.scale.item<double>(), bestS, 1e-5 * bestS);
            EQ_NEAR(c.error.item<double>(), bestErr, 1e-4 * bestErr + 1e-9);
            // The outlier makes shrinking worthwhile at low bit-widths.
            if (bits <= 4) EQ_VERIFY2(bestS < (sym ? 6.0 / r.p : 7.0 / (r.p - r.n)) * 0.999, what);
        }
    }
}

EQ_TEST(lp_search_per_channel_searches_each_channel) {
    // Channel 0 spans +-1, channel 1 spans +-4 on exact 3-bit grids: steps 1/3 and 4/3.
    auto levels = torch::arange(-3, 4).to(torch::kFloat);
    auto x = torch::stack({levels / 3.0, levels * 4.0 / 3.0}).repeat({1, 5});
    const auto c = searchClipRange(x, quantRange(3, false), true, true);
    EQ_COMPARE(c.scale.numel(), int64_t(2));
    EQ_NEAR(c.scale[0].item<double>(), 1.0 / 3.0, 1e-6);
    EQ_NEAR(c.scale[1].item<double>(), 4.0 / 3.0, 1e-6);
}

EQ_TEST(lp_power_is_accurate_over_the_float_range) {
    EQ_COMPARE(lpPower(0.0f), 0.0f);
    // Below 2^-52, e^2.4 is under float's smallest normal number: there the loop's result is at
    // most 2^-125 (it clamps the exponent), nothing next to a sum of real errors.
    EQ_VERIFY(lpPower(std::ldexp(1.0f, -60)) <= std::ldexp(1.0f, -125));
    double worst = 0;
    for (int k = -52; k <= 40; ++k)
        for (int j = 0; j < 64; ++j) {
            const float e = std::ldexp(1.0f + float(j) / 64.0f, k);
            const double exact = std::pow(double(e), 2.4);
            worst = std::max(worst, std::abs(double(lpPower(e)) - exact) / exact);
        }
    EQ_VERIFY2(worst < 1e-5, "largest relative error " + std::to_string(worst));
}

EQ_TEST(lp_error_sum_matches_a_double_sum_and_stops_past_the_limit) {
    torch::manual_seed(5);
    const auto x = (torch::randn({10000}) * 0.7).contiguous();
    const float* xp = x.data_ptr<float>();
    const float s = 0.05f, z = 3.0f, n = -8.0f, p = 7.0f;
    double exact = 0;
    for (int64_t i = 0; i < x.numel(); ++i) {
        const double q = std::min(std::max(std::nearbyint(double(xp[i]) / s) + z, double(n)), double(p));
        exact += std::pow(std::abs(double(xp[i]) - (q - z) * s), 2.4);
    }
    const double inf = std::numeric_limits<double>::infinity();
    const double sum = lpErrorSum(xp, x.numel(), s, z, n, p, inf);
    EQ_NEAR(sum, exact, 1e-5 * exact);
    // A limit below the total: the sum stops early, above the limit and below the total.
    const double partial = lpErrorSum(xp, x.numel(), s, z, n, p, exact / 2);
    EQ_VERIFY(partial > exact / 2);
    EQ_VERIFY(partial < exact * 0.9);
}

EQ_TEST(vectorised_search_matches_the_reference_search) {
    // ReLU-like activations (half exact zeros, a long tail), signed activations and per-channel
    // weights: the vectorised search (zeros skipped, candidates dropped early, fast power) must
    // choose ranges whose exact Lp error is the reference's minimum, and the same steps.
    torch::manual_seed(21);
    const auto relu = torch::relu(torch::randn({64, 16, 8, 8})) * torch::exp(torch::randn({64, 16, 8, 8}) * 0.5);
    const auto signedAct = torch::randn({300000}) * 2.0;
    const auto weights = torch::randn({24, 8, 3, 3}) * 0.1;
    int compared = 0, same = 0;
    for (int bits = 2; bits <= 8; ++bits)
        for (bool sym : {true, false}) {
            struct Case {
                torch::Tensor x;
                QuantRange r;
                bool perChannel;
            };
            for (const Case& c : {Case{relu, quantRange(bits, true), false}, Case{signedAct, quantRange(bits, false), false},
                                  Case{weights, quantRange(bits, false), true}}) {
                const auto ref = searchClipRangeReference(c.x, c.r, sym, c.perChannel);
                const auto fast = searchClipRange(c.x, c.r, sym, c.perChannel);
                const auto rs = ref.scale.reshape({-1}), fs = fast.scale.reshape({-1});
                const auto re = ref.error.reshape({-1}), fe = fast.error.reshape({-1});
                for (int64_t k = 0; k < rs.numel(); ++k) {
                    const std::string what = "bits " + std::to_string(bits) + (sym ? " sym" : " asym") +
                                             (c.perChannel ? " channel " + std::to_string(k) : "");
                    const double refErr = re[k].item<double>(), fastErr = fe[k].item<double>();
                    EQ_VERIFY2(std::abs(fastErr - refErr) <= 1e-4 * refErr + 1e-12, what);
                    ++compared;
                    same += std::abs(fs[k].item<double>() - rs[k].item<double>()) <= 1e-6 * rs[k].item<double>();
                }
            }
        }
    // Different steps only where two candidates' errors tie to within float summation noise.
    EQ_VERIFY2(same >= compared * 95 / 100, std::to_string(same) + " of " + std::to_string(compared) + " steps equal");
}

EQ_TEST(calibration_fills_every_slot) {
    torch::manual_seed(5);
    WeightQuantizer wq(8);
    wq->calibrate(torch::randn({8, 4, 3, 3}) * 0.1);
    for (auto g : {Granularity::PerChannel, Granularity::PerTensor})
        for (bool sym : {true, false})
            for (int b = kMinBits; b <= kMaxBits; ++b) {
                // every slot moved from its initial log step 0 (step 1)
                EQ_VERIFY(!torch::any(wq->bank(g, sym).logStepParam(b) == 0).item<bool>());
                EQ_VERIFY(torch::all(wq->bank(g, sym).step(b) > 0).item<bool>());
            }
    // Lower bit-widths need coarser steps.
    for (int b = kMinBits; b < kMaxBits; ++b)
        EQ_VERIFY(wq->bank(Granularity::PerTensor, true).step(b).item<double>() >
                  wq->bank(Granularity::PerTensor, true).step(b + 1).item<double>());
    ActQuantizer aq(true);
    aq->calibrate(torch::rand({64, 100}) * 3);
    // Non-negative input with an unsigned range: the asymmetric zero point is 0.
    for (int b = kMinBits; b <= kMaxBits; ++b) {
        EQ_COMPARE(aq->bank(false).zero(b).item<double>(), 0.0);
        EQ_VERIFY(aq->bank(true).step(b).item<double>() > 0);
    }
}

EQ_TEST(only_the_active_slot_receives_gradient) {
    WeightQuantizer wq(4);
    ActQuantizer aq(false);
    for (int b = kMinBits; b <= kMaxBits; ++b) {
        wq->bank(Granularity::PerChannel, false).set(b, torch::full({4}, 0.05f), torch::zeros({4}));
        aq->bank(false).set(b, torch::tensor(0.05f), torch::tensor(0.f));
    }
    auto w = torch::randn({4, 2, 3, 3}).requires_grad_(true);
    auto x = torch::randn({2, 2, 5, 5});
    (wq->forward(w, 3, Granularity::PerChannel, false).sum() + aq->forward(x, 5, false).sum()).backward();
    for (int b = kMinBits; b <= kMaxBits; ++b) {
        // Each bit-width is a parameter of its own: only the used one has a gradient at all.
        const auto& pw = wq->bank(Granularity::PerChannel, false).logStepParam(b);
        const auto& pa = aq->bank(false).logStepParam(b);
        EQ_VERIFY2(pw.grad().defined() == (b == 3), "weight slot " + std::to_string(b));
        EQ_VERIFY2(pa.grad().defined() == (b == 5), "act slot " + std::to_string(b));
        if (b == 3) EQ_VERIFY(torch::any(pw.grad() != 0).item<bool>());
        if (b == 5) EQ_VERIFY(pa.grad().item<float>() != 0);
        // Settings not in use get no gradient at all.
        EQ_VERIFY(!wq->bank(Granularity::PerChannel, true).logStepParam(b).grad().defined());
        EQ_VERIFY(!wq->bank(Granularity::PerTensor, false).logStepParam(b).grad().defined());
    }
}
