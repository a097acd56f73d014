#include "train/weight_snapshot.h"

#include "eqnet/error.h"
#include "quant/fake_quant.h"
#include "train/wdr_loss.h"

#include <cmath>

namespace eqnet {
namespace train {

std::vector<LayerSnapshot> snapshotLayers(Supernet::Impl& net, const SnapshotRequest& req) {
    torch::NoGradGuard ng;
    std::vector<LayerSnapshot> out;
    const bool calibrated = net.calibratedFlag.item<float>() > 0;
    for (size_t i = 0; i < net.qlayers.size(); ++i) {
        auto& layer = *net.qlayers[i].second;
        const auto weight = layer.weight.detach().to(torch::kCPU, torch::kFloat);
        const auto w = weight.reshape({-1});
        LayerSnapshot s;
        s.name = net.qlayers[i].first;
        const double lo = w.min().item<double>(), hi = w.max().item<double>();
        auto counts = torch::histc(w, req.bins, lo, hi);
        s.counts.assign(counts.data_ptr<float>(), counts.data_ptr<float>() + req.bins);
        for (int b = 0; b <= req.bins; ++b) s.edges.push_back(lo + (hi - lo) * b / req.bins);
        auto [sk, ku] = skewKurt(w);
        s.skewness = sk.item<double>();
        s.kurtosis = ku.item<double>();
        if (!calibrated) {
            out.push_back(std::move(s));
            continue;
        }
        const int bits = net.layers[i].fixedBits ? kFixedLayerBits : req.bits;
        auto [scale, zero] = layer.weightQuant->slot(bits, req.form.granularity, req.form.weightSymmetric);
        const auto sc = scale.detach().to(torch::kCPU, torch::kFloat).reshape({-1});
        const int64_t channels = sc.numel();
        const auto r = quant::quantRange(bits, false);
        // The zero points as the quantizer applies them: rounded half to even, inside [n, p].
        const auto zc = zero.defined()
                            ? torch::round(zero.detach().to(torch::kCPU, torch::kFloat).reshape({-1}))
                                  .clamp(double(r.n), double(r.p))
                            : torch::zeros({channels});
        s.channelSteps.assign(sc.data_ptr<float>(), sc.data_ptr<float>() + channels);

        // Quantize the whole layer (one row per channel, or one row) and measure it.
        const auto rows = weight.reshape({channels, -1});
        const auto unclamped = torch::round(rows / sc.reshape({channels, 1})) + zc.reshape({channels, 1});
        const auto q = unclamped.clamp(double(r.n), double(r.p));
        const auto dq = (q - zc.reshape({channels, 1})) * sc.reshape({channels, 1});
        const double energy = rows.square().sum().item<double>();
        s.quantError = energy > 0 ? (dq - rows).square().sum().item<double>() / energy : 0.0;
        s.clippedFraction = ((unclamped < double(r.n)) | (unclamped > double(r.p))).to(torch::kFloat).mean().item<double>();

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
    if (req.bits < kMinBits || req.bits > kMaxBits)
        throw Error("weight snapshot: bits " + std::to_string(req.bits) + " is not a bit-width 2..8");
    if (req.bins < 1) throw Error("weight snapshot: bins must be at least 1");
    return train::snapshotLayers(net.impl(), req);
}

} // namespace eqnet
