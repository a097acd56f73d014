#include "train/weight_snapshot.h"

#include "eqnet/error.h"
#include "quant/fake_quant.h"
#include "train/wdr_loss.h"

#include <cmath>

namespace eqnet {
namespace train {

void checkSnapshotRequest(const SnapshotRequest& req, const std::string& what) {
    if (req.bits < kMinBits || req.bits > kMaxBits)
        throw Error(what + ": bits " + std::to_string(req.bits) + " is not a bit-width 2..8");
    if (req.bins < 1) throw Error(what + ": bins must be at least 1");
}

void describeValues(const torch::Tensor& values, int bins, LayerSnapshot& s) {
    const auto v = values.reshape({-1});
    const double lo = v.min().item<double>(), hi = v.max().item<double>();
    auto counts = torch::histc(v, bins, lo, hi);
    s.counts.assign(counts.data_ptr<float>(), counts.data_ptr<float>() + bins);
    s.edges.clear();
    for (int b = 0; b <= bins; ++b) s.edges.push_back(lo + (hi - lo) * b / bins);
    auto [sk, ku] = skewKurt(v);
    s.skewness = sk.item<double>();
    s.kurtosis = ku.item<double>();
}

void describeQuantization(const torch::Tensor& rows, const torch::Tensor& steps, const torch::Tensor& zeros,
                          quant::QuantRange range, LayerSnapshot& s) {
    const int64_t channels = steps.numel();
    const auto sc = steps.reshape({channels, 1});
    const auto zc = zeros.reshape({channels, 1});
    const auto unclamped = torch::round(rows / sc) + zc;
    const auto dq = (unclamped.clamp(double(range.n), double(range.p)) - zc) * sc;
    const double energy = rows.square().sum().item<double>();
    s.quantError = energy > 0 ? (dq - rows).square().sum().item<double>() / energy : 0.0;
    s.clippedFraction =
        ((unclamped < double(range.n)) | (unclamped > double(range.p))).to(torch::kFloat).mean().item<double>();
    const auto flat = steps.reshape({-1}).contiguous();
    s.channelSteps.assign(flat.data_ptr<float>(), flat.data_ptr<float>() + channels);
}

std::vector<LayerSnapshot> snapshotLayers(Supernet::Impl& net, const SnapshotRequest& req) {
    torch::NoGradGuard ng;
    std::vector<LayerSnapshot> out;
    const bool calibrated = net.calibratedFlag.item<float>() > 0;
    for (size_t i = 0; i < net.qlayers.size(); ++i) {
        auto& layer = *net.qlayers[i].second;
        const auto weight = layer.weight.detach().to(torch::kCPU, torch::kFloat);
        LayerSnapshot s;
        s.name = net.qlayers[i].first;
        describeValues(weight, req.bins, s);
        if (!calibrated) {
            out.push_back(std::move(s));
            continue;
        }
        const int bits = net.layers[i].fixedBits ? kFixedLayerBits : req.bits;
        auto [scale, zero] = layer.weightQuant->slot(bits, req.form.granularity, req.form.weightSymmetric);
        const auto sc = scale.detach().to(torch::kCPU, torch::kFloat).reshape({-1});
        const int64_t channels = sc.numel();
        const auto r = quant::quantRange(bits, false);
        const auto zc = zero.defined()
                            ? torch::round(zero.detach().to(torch::kCPU, torch::kFloat).reshape({-1}))
                                  .clamp(double(r.n), double(r.p))
                            : torch::zeros({channels});
        const auto rows = weight.reshape({channels, -1});
        describeQuantization(rows, sc, zc, r, s);
        int64_t c = 0;
        if (channels > 1) {
            s.channel = req.channel >= 0 && req.channel < channels ? req.channel
                                                                  : rows.abs().amax(1).argmax().item<int64_t>();
            c = s.channel;
        }
        const double step = s.channelSteps[size_t(c)];
        const double zr = zc[c].item<double>();
        for (int64_t level = r.n; level <= r.p; ++level) s.levels.push_back((double(level) - zr) * step);
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace train

std::vector<LayerSnapshot> weightSnapshots(Supernet& net, const SnapshotRequest& req) {
    train::checkSnapshotRequest(req, "weight snapshot");
    return train::snapshotLayers(net.impl(), req);
}

} // namespace eqnet
