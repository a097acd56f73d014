#pragma once
// A fast stand-in for Supernet::calibrate in tests of the big networks, whose Lp search takes
// minutes there (resnet18: 11M weights x 7 bit-widths x 4 settings x 80 candidates): every
// slot from the min/max of the FP weights, or of the layer's FP input on a few training
// images, clipped at 90 %, with fractional zero points (users of the slots round them). Marks
// the supernet calibrated. Needs LibTorch and core/src (the core suites have both).
#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "quant/fake_quant.h"

namespace eqtest {

inline void quickCalibrate(eqnet::Supernet& net, const eqnet::Dataset& data, int64_t images = 32) {
    using namespace eqnet;
    torch::NoGradGuard ng;
    auto& d = net.impl();
    std::vector<std::vector<torch::Tensor>> sinks(d.qlayers.size());
    std::vector<quant::LayerSetting> saved;
    for (size_t i = 0; i < d.qlayers.size(); ++i) {
        saved.push_back(d.qlayers[i].second->setting);
        d.qlayers[i].second->setting.quantize = false;
        d.qlayers[i].second->inputSink = &sinks[i];
    }
    const bool wasTraining = d.model->is_training();
    d.model->eval();
    std::vector<int64_t> idx;
    for (int64_t i = 0; i < std::min(images, data.train.size()); ++i) idx.push_back(i);
    d.model->forward(imagesTensor(data.train, idx, Normalization{data.mean, data.std}, d.device));
    d.model->train(wasTraining);
    for (size_t i = 0; i < d.qlayers.size(); ++i) {
        auto& l = *d.qlayers[i].second;
        l.inputSink = nullptr;
        l.setting = saved[i];
        const auto x = torch::cat(sinks[i]);
        const double xlo = x.min().item<double>() * 0.9, xhi = x.max().item<double>() * 0.9;
        const double xabs = std::max(std::max(-xlo, xhi), 1e-3);
        auto& aq = *l.actQuant;
        const auto scalar = [](double v) { return torch::tensor(float(v)); };
        for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
            const auto r = quant::quantRange(bits, aq.isUnsigned());
            const double levels = double(r.p - r.n);
            const double asymScale = std::max(xhi - xlo, 1e-3) / levels;
            aq.bank(true).set(bits, scalar(xabs / double(r.p)), {});
            aq.bank(false).set(bits, scalar(asymScale), scalar(double(r.n) - xlo / asymScale + 0.3));
        }
        const auto w = l.weight.detach().flatten(1);
        const auto lo = w.amin(1) * 0.9, hi = w.amax(1) * 0.9, amax = w.abs().amax(1) * 0.9;
        auto& wq = *l.weightQuant;
        for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
            const auto r = quant::quantRange(bits, false);
            const double levels = double(r.p - r.n);
            wq.bank(Granularity::PerChannel, true).set(bits, amax / double(r.p), {});
            const auto pcScale = (hi - lo) / levels;
            wq.bank(Granularity::PerChannel, false).set(bits, pcScale, double(r.n) - lo / pcScale + 0.3);
            wq.bank(Granularity::PerTensor, true).set(bits, amax.max() / double(r.p), {});
            const auto ptScale = (hi.max() - lo.min()) / levels;
            wq.bank(Granularity::PerTensor, false).set(bits, ptScale, double(r.n) - lo.min() / ptScale - 0.2);
        }
    }
    d.calibratedFlag.fill_(1);
}

} // namespace eqtest
