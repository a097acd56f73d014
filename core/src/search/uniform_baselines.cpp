// The uniform baselines of a hardware profile (eqnet/uniform_baselines.h).
#include "eqnet/uniform_baselines.h"

#include <algorithm>

namespace eqnet {
namespace {

constexpr size_t kAllPairsUpTo = 16; // more pairs than this: only w = a

std::vector<LayerBits> uniformPairs(const HardwareProfile& p) {
    std::vector<LayerBits> out;
    if (p.weightBits.size() * p.actBits.size() <= kAllPairsUpTo) {
        for (int w : p.weightBits)
            for (int a : p.actBits) out.push_back({w, a});
        return out;
    }
    // More than 16 pairs of the 7 widths 2..8 means the two lists share a width (disjoint
    // lists have at most 3 x 4 = 12 pairs), so the diagonal is never empty.
    for (int b : p.weightBits)
        if (std::find(p.actBits.begin(), p.actBits.end(), b) != p.actBits.end()) out.push_back({b, b});
    return out;
}

} // namespace

std::vector<UniformBaseline> uniformBaselines(const HardwareProfile& profile, const std::vector<LayerInfo>& layers) {
    std::vector<UniformBaseline> out;
    for (const LayerBits& b : uniformPairs(profile)) {
        SubnetConfig c = uniformSubnet(int(layers.size()), b.w, b.a, profile.form);
        if (!allows(profile, c, layers)) continue;
        out.push_back({b.w, b.a, "W" + std::to_string(b.w) + "A" + std::to_string(b.a), std::move(c)});
    }
    return out;
}

} // namespace eqnet
