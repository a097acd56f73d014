#include "quant/elastic_quantizer.h"

#include "quant/lp_calibration.h"

namespace eqnet::quant {

WeightQuantizerImpl::WeightQuantizerImpl(int64_t outChannels) {
    pcSymScale = register_parameter("pc_sym_scale", torch::ones({outChannels, kNumBitSlots}));
    pcAsymScale = register_parameter("pc_asym_scale", torch::ones({outChannels, kNumBitSlots}));
    pcAsymZero = register_parameter("pc_asym_zero", torch::zeros({outChannels, kNumBitSlots}));
    ptSymScale = register_parameter("pt_sym_scale", torch::ones({kNumBitSlots}));
    ptAsymScale = register_parameter("pt_asym_scale", torch::ones({kNumBitSlots}));
    ptAsymZero = register_parameter("pt_asym_zero", torch::zeros({kNumBitSlots}));
}

std::pair<torch::Tensor, torch::Tensor> WeightQuantizerImpl::slot(int bits, Granularity g,
                                                                 bool symmetric) const {
    const int64_t k = slotIndex(bits);
    if (g == Granularity::PerChannel)
        return symmetric ? std::make_pair(pcSymScale.select(1, k), torch::Tensor())
                         : std::make_pair(pcAsymScale.select(1, k), pcAsymZero.select(1, k));
    return symmetric ? std::make_pair(ptSymScale.select(0, k), torch::Tensor())
                     : std::make_pair(ptAsymScale.select(0, k), ptAsymZero.select(0, k));
}

torch::Tensor WeightQuantizerImpl::forward(const torch::Tensor& w, int bits, Granularity g,
                                           bool symmetric) {
    const QuantRange r = quantRange(bits, /*isUnsigned=*/false);
    auto [s, z] = slot(bits, g, symmetric);
    const int64_t perStep = g == Granularity::PerChannel ? w.numel() / w.size(0) : w.numel();
    return fakeQuantize(w, s, z, r, lsqGradScale(r, perStep));
}

void WeightQuantizerImpl::calibrate(const torch::Tensor& w) {
    torch::NoGradGuard ng;
    for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
        const QuantRange r = quantRange(bits, false);
        const int64_t k = slotIndex(bits);
        for (bool perChannel : {true, false}) {
            const auto sym = searchClipRange(w, r, true, perChannel);
            const auto asym = searchClipRange(w, r, false, perChannel);
            if (perChannel) {
                pcSymScale.select(1, k).copy_(sym.scale);
                pcAsymScale.select(1, k).copy_(asym.scale);
                pcAsymZero.select(1, k).copy_(asym.zero);
            } else {
                ptSymScale[k].copy_(sym.scale);
                ptAsymScale[k].copy_(asym.scale);
                ptAsymZero[k].copy_(asym.zero);
            }
        }
    }
}

ActQuantizerImpl::ActQuantizerImpl(bool isUnsigned) : unsigned_(isUnsigned) {
    symScale = register_parameter("sym_scale", torch::ones({kNumBitSlots}));
    asymScale = register_parameter("asym_scale", torch::ones({kNumBitSlots}));
    asymZero = register_parameter("asym_zero", torch::zeros({kNumBitSlots}));
}

std::pair<torch::Tensor, torch::Tensor> ActQuantizerImpl::slot(int bits, bool symmetric) const {
    const int64_t k = slotIndex(bits);
    return symmetric ? std::make_pair(symScale.select(0, k), torch::Tensor())
                     : std::make_pair(asymScale.select(0, k), asymZero.select(0, k));
}

torch::Tensor ActQuantizerImpl::forward(const torch::Tensor& x, int bits, bool symmetric) {
    const QuantRange r = quantRange(bits, unsigned_);
    auto [s, z] = slot(bits, symmetric);
    // LSQ: N is the number of features of the layer, i.e. elements per image.
    const int64_t perImage = x.dim() > 0 && x.size(0) > 0 ? x.numel() / x.size(0) : x.numel();
    return fakeQuantize(x, s, z, r, lsqGradScale(r, perImage));
}

void ActQuantizerImpl::calibrate(const torch::Tensor& sample) {
    torch::NoGradGuard ng;
    for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
        const QuantRange r = quantRange(bits, unsigned_);
        const int64_t k = slotIndex(bits);
        symScale[k].copy_(searchClipRange(sample, r, true, false).scale);
        const auto asym = searchClipRange(sample, r, false, false);
        asymScale[k].copy_(asym.scale);
        asymZero[k].copy_(asym.zero);
    }
}

} // namespace eqnet::quant
