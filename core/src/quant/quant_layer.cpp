#include "quant/quant_layer.h"

#include <cmath>

namespace eqnet::quant {

QuantLayerImpl::QuantLayerImpl(const QuantLayerOptions& o) : opts_(o) {
    if (o.kind == LayerKind::Conv2d)
        weight = register_parameter("weight", torch::empty({o.out, o.in / o.groups, o.kernel, o.kernel}));
    else
        weight = register_parameter("weight", torch::empty({o.out, o.in}));
    // Kaiming-normal (fan_out) for convolutions, as torchvision does; uniform for Linear.
    torch::NoGradGuard ng;
    if (o.kind == LayerKind::Conv2d) {
        const double fanOut = double(o.out) * o.kernel * o.kernel / double(o.groups);
        weight.normal_(0.0, std::sqrt(2.0 / fanOut));
    } else {
        const double bound = 1.0 / std::sqrt(double(o.in));
        weight.uniform_(-bound, bound);
    }
    if (o.bias) {
        bias = register_parameter("bias", torch::zeros({o.out}));
    }
    weightQuant = register_module("wq", WeightQuantizer(o.out));
    actQuant = register_module("aq", ActQuantizer(o.actUnsigned));
}

std::vector<SlotBank*> QuantLayerImpl::slotBanks() {
    auto banks = weightQuant->banks();
    for (auto* b : actQuant->banks()) banks.push_back(b);
    return banks;
}

std::vector<const SlotBank*> QuantLayerImpl::slotBanks() const {
    const auto banks = const_cast<QuantLayerImpl*>(this)->slotBanks();
    return {banks.begin(), banks.end()};
}

bool QuantLayerImpl::isQuantizerParameter(const std::string& key) {
    return key.find(".wq.") != std::string::npos || key.find(".aq.") != std::string::npos;
}

torch::Tensor QuantLayerImpl::apply(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) const {
    if (opts_.kind == LayerKind::Conv2d)
        return torch::conv2d(x, w, b, {opts_.stride, opts_.stride}, {opts_.padding, opts_.padding}, {1, 1},
                             opts_.groups);
    return torch::linear(x, w, b);
}

torch::Tensor QuantLayerImpl::forward(const torch::Tensor& x) {
    if (inputSink) inputSink->push_back(x.detach());
    torch::Tensor y;
    if (!setting.quantize) {
        y = apply(x, weight, bias);
    } else {
        auto xq = actQuant->forward(x, setting.aBits, setting.form.actSymmetric);
        auto wq = weightQuant->forward(weight, setting.wBits, setting.form.granularity,
                                       setting.form.weightSymmetric);
        // The bias as the integer accumulator adds it (fake_quant.h, biasStep).
        torch::Tensor b = bias;
        if (b.defined()) {
            const auto sx = actQuant->slot(setting.aBits, setting.form.actSymmetric).first;
            const auto sw = weightQuant->slot(setting.wBits, setting.form.granularity, setting.form.weightSymmetric).first;
            b = fakeQuantizeBias(b, biasStep(sx, sw));
        }
        y = apply(xq, wq, b);
    }
    if (inputSink) lastOutputShape = y.sizes().vec();
    return y;
}

} // namespace eqnet::quant
