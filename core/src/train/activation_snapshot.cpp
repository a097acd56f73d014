#include "eqnet/training.h"

#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "eqnet/error.h"
#include "quant/elastic_quantizer.h"
#include "train/weight_snapshot.h"

namespace eqnet {

std::vector<LayerSnapshot> activationSnapshots(Supernet& net, const Dataset& data, const SnapshotRequest& req,
                                               int64_t images) {
    train::checkSnapshotRequest(req, "activation snapshot");
    if (images < 1) throw Error("activation snapshot: images must be at least 1");
    if (data.val.size() == 0) throw Error("activation snapshot: data set " + data.name + " has no validation images");
    Supernet::Impl& n = net.impl();
    torch::NoGradGuard ng;
    auto& q = n.qlayers;
    // What is put back: every layer's setting, the network's mode and its FP flag.
    std::vector<quant::LayerSetting> saved;
    for (auto& [name, layer] : q) saved.push_back(layer->setting);
    const bool wasFullPrecision = n.fullPrecision, wasTraining = n.model->is_training();
    std::vector<std::vector<torch::Tensor>> sinks(q.size());
    const auto restore = [&] {
        for (size_t i = 0; i < q.size(); ++i) {
            q[i].second->inputSink = nullptr;
            q[i].second->setting = saved[i];
        }
        n.fullPrecision = wasFullPrecision;
        n.model->train(wasTraining);
    };
    const bool calibrated = n.calibratedFlag.item<float>() > 0;
    try {
        if (calibrated) net.setSubnet(net.uniform(req.bits, req.bits, req.form));
        else net.setFullPrecision(); // no steps yet: the FP network's activations
        for (size_t i = 0; i < q.size(); ++i) q[i].second->inputSink = &sinks[i];
        n.model->eval();
        const Normalization norm{data.mean, data.std};
        const int64_t count = std::min<int64_t>(images, data.val.size());
        for (int64_t b = 0; b < count; b += 128) {
            std::vector<int64_t> idx;
            for (int64_t k = b; k < std::min<int64_t>(count, b + 128); ++k) idx.push_back(k);
            n.model->forward(imagesTensor(data.val, idx, norm, n.device));
        }
    } catch (...) {
        restore();
        throw;
    }
    restore();

    std::vector<LayerSnapshot> out;
    for (size_t i = 0; i < q.size(); ++i) {
        auto& layer = *q[i].second;
        const auto x = torch::cat(sinks[i]).to(torch::kCPU, torch::kFloat).reshape({1, -1});
        sinks[i].clear();
        LayerSnapshot s;
        s.name = q[i].first;
        train::describeValues(x, req.bins, s);
        if (calibrated) {
            const int bits = n.layers[i].fixedBits ? kFixedLayerBits : req.bits;
            auto [scale, zero] = layer.actQuant->slot(bits, req.form.actSymmetric);
            const auto r = quant::quantRange(bits, layer.actQuant->isUnsigned());
            const auto sc = scale.detach().to(torch::kCPU, torch::kFloat).reshape({1});
            const auto zc = zero.defined()
                                ? torch::round(zero.detach().to(torch::kCPU, torch::kFloat).reshape({1}))
                                      .clamp(double(r.n), double(r.p))
                                : torch::zeros({1});
            train::describeQuantization(x, sc, zc, r, s);
            const double step = s.channelSteps[0], z = zc.item<double>();
            for (int64_t level = r.n; level <= r.p; ++level) s.levels.push_back((double(level) - z) * step);
        }
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace eqnet
