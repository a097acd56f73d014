#include "eqnet/quant_types.h"

#include "eqnet/error.h"

#include <algorithm>
#include <cctype>
#include <ostream>

namespace eqnet {

std::string formName(const QuantForm& f) {
    std::string s = f.granularity == Granularity::PerChannel ? "pc" : "pt";
    s += f.weightSymmetric ? "-sym" : "-asym";
    s += f.actSymmetric ? "-sym" : "-asym";
    return s;
}

QuantForm parseForm(const std::string& name) {
    for (const QuantForm& f : allForms())
        if (formName(f) == name) return f;
    std::string allowed;
    for (const QuantForm& f : allForms()) allowed += (allowed.empty() ? "" : ", ") + formName(f);
    throw Error("unknown quantization form '" + name + "'; allowed: " + allowed +
                " (granularity-weights-activations: pc/pt = per-channel/per-tensor weight scales, "
                "then sym/asym for the weights, then sym/asym for the activations)");
}

std::string formDescription(const QuantForm& f) {
    std::string s = f.granularity == Granularity::PerChannel ? "per-channel" : "per-tensor";
    s += f.weightSymmetric ? ", symmetric weights" : ", asymmetric weights";
    s += f.actSymmetric ? ", symmetric activations" : ", asymmetric activations";
    return s;
}

std::vector<QuantForm> allForms() {
    std::vector<QuantForm> forms;
    for (Granularity g : {Granularity::PerChannel, Granularity::PerTensor})
        for (bool ws : {true, false})
            for (bool as : {true, false}) forms.push_back(QuantForm{g, ws, as});
    return forms;
}

int formIndex(const QuantForm& f) {
    return (f.granularity == Granularity::PerChannel ? 0 : 4) + (f.weightSymmetric ? 0 : 2) +
           (f.actSymmetric ? 0 : 1);
}

std::ostream& operator<<(std::ostream& os, const QuantForm& f) { return os << formName(f); }
std::ostream& operator<<(std::ostream& os, const LayerBits& b) { return os << 'W' << b.w << 'A' << b.a; }

double SubnetConfig::averageWeightBits() const {
    if (layers.empty()) return 0;
    double s = 0;
    for (const auto& l : layers) s += l.w;
    return s / double(layers.size());
}

double SubnetConfig::averageActBits() const {
    if (layers.empty()) return 0;
    double s = 0;
    for (const auto& l : layers) s += l.a;
    return s / double(layers.size());
}

SubnetConfig uniformSubnet(int numLayers, int wBits, int aBits, const QuantForm& form) {
    SubnetConfig cfg;
    cfg.form = form;
    cfg.layers.assign(size_t(std::max(numLayers, 0)), LayerBits{wBits, aBits});
    if (numLayers > 0) {
        cfg.layers.front() = LayerBits{kFixedLayerBits, kFixedLayerBits};
        cfg.layers.back() = LayerBits{kFixedLayerBits, kFixedLayerBits};
    }
    return cfg;
}

LayerBits parseUniformBits(const std::string& text) {
    std::string t;
    for (char c : text) t += char(std::toupper(static_cast<unsigned char>(c)));
    const auto bad = [&] {
        return Error("cannot read '" + text + "' as uniform bits: expected WnAm with n, m in " +
                     std::to_string(kMinBits) + ".." + std::to_string(kMaxBits) + ", e.g. W4A4");
    };
    if (t.size() != 4 || t[0] != 'W' || t[2] != 'A' || !std::isdigit((unsigned char)t[1]) ||
        !std::isdigit((unsigned char)t[3]))
        throw bad();
    LayerBits b{t[1] - '0', t[3] - '0'};
    if (b.w < kMinBits || b.w > kMaxBits || b.a < kMinBits || b.a > kMaxBits) throw bad();
    return b;
}

} // namespace eqnet
