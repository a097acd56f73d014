#include "eqnet/cost_model.h"

#include "eqnet/error.h"

namespace eqnet {

SubnetCost subnetCost(const std::vector<LayerInfo>& layers, const SubnetConfig& cfg) {
    if (cfg.layers.size() != layers.size())
        throw Error("subnet has " + std::to_string(cfg.layers.size()) +
                    " layers, the model has " + std::to_string(layers.size()));
    SubnetCost c;
    for (size_t i = 0; i < layers.size(); ++i) {
        const LayerInfo& l = layers[i];
        const LayerBits& b = cfg.layers[i];
        c.bitops += layerBitops(l, b);
        c.weightBits += double(l.weightParams) * b.w;
        // One scale per output channel (per-channel) or per tensor; asymmetric weights add an
        // integer zero point per scale; activations add one scale (+ zero point) per layer.
        const double wScales = cfg.form.granularity == Granularity::PerChannel
                                   ? double(l.outChannels) : 1.0;
        double extra = wScales * kScaleBits + (cfg.form.weightSymmetric ? 0 : wScales * kZeroPointBits);
        extra += kScaleBits + (cfg.form.actSymmetric ? 0 : kZeroPointBits);
        c.sizeBits += double(l.weightParams) * b.w + double(l.biasParams) * 32 + extra;
    }
    return c;
}

SubnetCost fp32Cost(const std::vector<LayerInfo>& layers) {
    SubnetCost c;
    for (const LayerInfo& l : layers) {
        c.bitops += double(l.macs) * 32 * 32;
        c.weightBits += double(l.weightParams) * 32;
        c.sizeBits += double(l.weightParams + l.biasParams) * 32;
    }
    return c;
}

int64_t totalMacs(const std::vector<LayerInfo>& layers) {
    int64_t m = 0;
    for (const LayerInfo& l : layers) m += l.macs;
    return m;
}

} // namespace eqnet
