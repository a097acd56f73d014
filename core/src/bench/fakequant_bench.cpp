#include "eqnet/bench.h"
#include "eqnet/timing.h"

#include "engine/supernet_impl.h"
#include "quant/fake_quant.h"

#include <algorithm>
#include <chrono>

namespace eqnet {

namespace {

using Fn = torch::Tensor (*)(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                             quant::QuantRange, double);

// Median milliseconds of one forward + backward, repeated for at least minSeconds.
double timeFwdBwd(Fn fn, const torch::Tensor& x, const torch::Tensor& s, const torch::Tensor& z,
                  quant::QuantRange r, double g, const torch::Tensor& grad, double minSeconds,
                  bool cuda) {
    std::vector<double> ms;
    const auto start = std::chrono::steady_clock::now();
    for (int it = 0;; ++it) {
        for (const torch::Tensor& t : {x, s, z})
            if (t.defined() && t.grad().defined()) t.mutable_grad().reset();
        const auto t0 = std::chrono::steady_clock::now();
        auto y = fn(x, s, z, r, g);
        y.backward(grad);
        if (cuda) torch::cuda::synchronize();
        const double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (it >= 2) ms.push_back(t); // two warm-up iterations
        const double total = secondsSince(start);
        if (ms.size() >= 5 && total >= minSeconds) break;
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

FakeQuantBenchLine benchOne(const std::string& name, const torch::Tensor& x0, bool perChannel,
                            bool isUnsigned, int bits, const torch::Device& dev, double minSeconds) {
    const auto r = quant::quantRange(bits, isUnsigned);
    auto x = x0.to(dev).requires_grad_(true);
    const int64_t c = perChannel ? x.size(0) : 1;
    auto absmax = perChannel ? x.detach().abs().reshape({c, -1}).amax(1) : x.detach().abs().max().reshape({});
    auto s = (absmax / double(r.p - r.n) * 1.5).clone().requires_grad_(true);
    auto z = torch::full_like(s, double(r.n + (r.p - r.n) / 3)).requires_grad_(true);
    const double g = quant::lsqGradScale(r, x.numel() / c);
    auto grad = torch::randn_like(x);
    FakeQuantBenchLine line;
    line.name = name;
    line.elements = x.numel();
    {
        torch::NoGradGuard ng;
        line.maxAbsDiff = (quant::fakeQuantize(x, s, z, r, g) - quant::fakeQuantizeReference(x, s, z, r, g))
                              .abs().max().item<double>();
    }
    const bool cuda = dev.is_cuda();
    line.fusedMs = timeFwdBwd(&quant::fakeQuantize, x, s, z, r, g, grad, minSeconds, cuda);
    line.composedMs = timeFwdBwd(&quant::fakeQuantizeReference, x, s, z, r, g, grad, minSeconds, cuda);
    line.fusedMelemPerS = double(x.numel()) / line.fusedMs / 1e3;
    line.composedMelemPerS = double(x.numel()) / line.composedMs / 1e3;
    line.ratio = line.composedMs / line.fusedMs;
    return line;
}

} // namespace

std::vector<FakeQuantBenchLine> benchFakeQuant(const std::string& device, int bits, double minSeconds) {
    const auto dev = parseDevice(device);
    torch::manual_seed(0);
    std::vector<FakeQuantBenchLine> out;
    // A post-ReLU activation: non-negative, unsigned range, asymmetric (integer zero point).
    out.push_back(benchOne("activation [64,64,32,32] per-tensor asym", torch::randn({64, 64, 32, 32}).relu(),
                           false, true, bits, dev, minSeconds));
    out.push_back(benchOne("weight [256,256,3,3] per-channel asym", torch::randn({256, 256, 3, 3}) * 0.05,
                           true, false, bits, dev, minSeconds));
    return out;
}

} // namespace eqnet
