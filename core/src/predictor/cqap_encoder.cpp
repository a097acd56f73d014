#include "eqnet/cqap.h"

#include "eqnet/error.h"

namespace eqnet {

namespace {
// Feature offsets of one searchable layer: w one-hot then a one-hot (§5).
constexpr int kPerLayer = 2 * kNumBitSlots;
// The condition: granularity (per-tensor, per-channel), weight symmetry and activation
// symmetry (symmetric, asymmetric), each one-hot.
constexpr int kConditionSize = 6;
} // namespace

CqapEncoder::CqapEncoder(const std::vector<LayerInfo>& layers, bool conditional)
    : conditional_(conditional), numLayers_(int(layers.size())) {
    for (size_t i = 0; i < layers.size(); ++i) {
        names_.push_back(layers[i].name);
        if (!layers[i].fixedBits) searchable_.push_back(int(i));
    }
    if (searchable_.empty()) throw Error("CQAP: the model has no searchable layer");
    size_ = int(searchable_.size()) * kPerLayer + (conditional_ ? kConditionSize : 0);
}

void CqapEncoder::activeFeatures(const SubnetConfig& cfg, std::vector<int>& out) const {
    if (int(cfg.layers.size()) != numLayers_)
        throw Error("CQAP: subnet has " + std::to_string(cfg.layers.size()) + " layers, the encoder " +
                    std::to_string(numLayers_));
    for (size_t k = 0; k < searchable_.size(); ++k) {
        const LayerBits& b = cfg.layers[size_t(searchable_[k])];
        if (b.w < kMinBits || b.w > kMaxBits || b.a < kMinBits || b.a > kMaxBits)
            throw Error("CQAP: layer " + names_[size_t(searchable_[k])] + " has bits outside 2..8");
        const int base = int(k) * kPerLayer;
        out.push_back(base + (b.w - kMinBits));
        out.push_back(base + kNumBitSlots + (b.a - kMinBits));
    }
    if (conditional_) {
        const int base = int(searchable_.size()) * kPerLayer;
        out.push_back(base + (cfg.form.granularity == Granularity::PerChannel ? 1 : 0));
        out.push_back(base + 2 + (cfg.form.weightSymmetric ? 0 : 1));
        out.push_back(base + 4 + (cfg.form.actSymmetric ? 0 : 1));
    }
}

std::vector<float> CqapEncoder::encode(const SubnetConfig& cfg) const {
    std::vector<int> idx;
    activeFeatures(cfg, idx);
    std::vector<float> f(size_t(size_), 0.0f);
    for (int i : idx) f[size_t(i)] = 1.0f;
    return f;
}

namespace {
int oneHot(const std::vector<float>& f, int begin, int count, const std::string& what) {
    int found = -1;
    for (int i = 0; i < count; ++i) {
        const float v = f[size_t(begin + i)];
        if (v == 1.0f) {
            if (found >= 0) throw Error("CQAP: " + what + " has more than one bit set");
            found = i;
        } else if (v != 0.0f) {
            throw Error("CQAP: " + what + " is not one-hot");
        }
    }
    if (found < 0) throw Error("CQAP: " + what + " has no bit set");
    return found;
}
} // namespace

SubnetConfig CqapEncoder::decode(const std::vector<float>& f, const QuantForm& form) const {
    if (int(f.size()) != size_)
        throw Error("CQAP: " + std::to_string(f.size()) + " features, the encoder has " + std::to_string(size_));
    SubnetConfig cfg;
    cfg.form = form;
    cfg.layers.assign(size_t(numLayers_), LayerBits{kFixedLayerBits, kFixedLayerBits});
    for (size_t k = 0; k < searchable_.size(); ++k) {
        const int base = int(k) * kPerLayer;
        const std::string& name = names_[size_t(searchable_[k])];
        cfg.layers[size_t(searchable_[k])].w = kMinBits + oneHot(f, base, kNumBitSlots, name + " w_bits");
        cfg.layers[size_t(searchable_[k])].a = kMinBits + oneHot(f, base + kNumBitSlots, kNumBitSlots, name + " a_bits");
    }
    if (conditional_) {
        const int base = int(searchable_.size()) * kPerLayer;
        cfg.form.granularity = oneHot(f, base, 2, "granularity") == 1 ? Granularity::PerChannel
                                                                      : Granularity::PerTensor;
        cfg.form.weightSymmetric = oneHot(f, base + 2, 2, "weight symmetry") == 0;
        cfg.form.actSymmetric = oneHot(f, base + 4, 2, "activation symmetry") == 0;
    }
    return cfg;
}

} // namespace eqnet
