#include "search/search_space.h"

#include "eqnet/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace eqnet::search {

namespace {

std::optional<double> tighter(const std::optional<double>& a, const std::optional<double>& b) {
    if (a && b) return std::min(*a, *b);
    return a ? a : b;
}

} // namespace

Space::Space(const std::vector<LayerInfo>& layers, const HardwareProfile& profile, const SearchBudget& extra)
    : layers_(&layers), profile_(profile) {
    if (profile.weightBits.empty() || profile.actBits.empty())
        throw Error("profile " + profile.name + ": no allowed bit-widths");
    if (profile.weightBits.size() > 255 || profile.actBits.size() > 255)
        throw Error("profile " + profile.name + ": too many bit-widths");
    for (size_t i = 0; i < layers.size(); ++i) {
        const LayerInfo& l = layers[i];
        if (l.fixedBits) {
            baseBitops_ += double(l.macs) * kFixedLayerBits * kFixedLayerBits;
            baseWeightSum_ += kFixedLayerBits;
            continue;
        }
        searchable_.push_back(int(i));
        macs_.push_back(double(l.macs));
        params_.push_back(double(l.weightParams));
        options_.push_back(uint8_t(profile.weightBits.size()));
        options_.push_back(uint8_t(profile.actBits.size()));
    }
    // Size = sum of params * w_bits over all layers + a part that depends on the form only
    // (biases, scales, zero points): take it from the cost model itself.
    SubnetConfig cheap = cheapestSubnet(profile, layers);
    const SubnetCost c = subnetCost(layers, cheap);
    baseSize_ = c.sizeBits;
    for (size_t s = 0; s < searchable_.size(); ++s) baseSize_ -= params_[s] * profile.weightBits.front();

    bitopsBudget_ = tighter(profile.bitopsBudget, extra.bitops);
    sizeBudget_ = tighter(profile.sizeBudgetBits, extra.sizeBits);
    if (extra.averageWeightBits) weightSumBudget_ = *extra.averageWeightBits * double(layers.size());
}

int64_t Space::size() const {
    int64_t n = 1;
    for (uint8_t o : options_) {
        if (n > std::numeric_limits<int64_t>::max() / o) return std::numeric_limits<int64_t>::max();
        n *= o;
    }
    return n;
}

GenomeCost Space::cost(const uint8_t* g) const {
    GenomeCost c{baseBitops_, baseSize_, baseWeightSum_};
    const int* wb = profile_.weightBits.data();
    const int* ab = profile_.actBits.data();
    for (size_t s = 0; s < searchable_.size(); ++s) {
        const double w = wb[g[2 * s]], a = ab[g[2 * s + 1]];
        c.bitops += macs_[s] * w * a;
        c.sizeBits += params_[s] * w;
        c.weightBitSum += w;
    }
    return c;
}

bool Space::fits(const GenomeCost& c) const {
    if (bitopsBudget_ && c.bitops > *bitopsBudget_) return false;
    if (sizeBudget_ && c.sizeBits > *sizeBudget_) return false;
    if (weightSumBudget_ && c.weightBitSum > *weightSumBudget_ + 1e-9) return false;
    return true;
}

void Space::repair(uint8_t* g, GenomeCost& c, Rng& rng) const {
    const int G = genes();
    const int* wb = profile_.weightBits.data();
    const int* ab = profile_.actBits.data();
    while (!fits(c)) {
        const bool overBitops = bitopsBudget_ && c.bitops > *bitopsBudget_;
        // A gene that can go one step lower and lowers a cost that is over its budget:
        // any gene for BitOps, weight genes for size and average bits.
        const auto helps = [&](int k) {
            if (g[k] == 0) return false;
            return overBitops || k % 2 == 0;
        };
        int pick = -1;
        for (int t = 0; t < 8 * G && pick < 0; ++t) {
            const int k = int(rng.below(uint32_t(G)));
            if (helps(k)) pick = k;
        }
        for (int k = 0; k < G && pick < 0; ++k)
            if (helps(k)) pick = k;
        if (pick < 0) { // cannot happen when the cheapest subnet fits; do not loop forever
            std::fill(g, g + G, uint8_t(0));
            c = cost(g);
            return;
        }
        const size_t s = size_t(pick / 2);
        if (pick % 2 == 0) {
            const double a = ab[g[2 * s + 1]];
            const double dw = double(wb[g[pick]] - wb[g[pick] - 1]);
            c.bitops -= macs_[s] * dw * a;
            c.sizeBits -= params_[s] * dw;
            c.weightBitSum -= dw;
        } else {
            const double w = wb[g[2 * s]];
            c.bitops -= macs_[s] * w * double(ab[g[pick]] - ab[g[pick] - 1]);
        }
        --g[pick];
    }
}

void Space::toConfig(const uint8_t* g, SubnetConfig& out) const {
    out.form = profile_.form;
    out.layers.resize(layers_->size());
    for (size_t i = 0; i < layers_->size(); ++i)
        if ((*layers_)[i].fixedBits) out.layers[i] = LayerBits{kFixedLayerBits, kFixedLayerBits};
    for (size_t s = 0; s < searchable_.size(); ++s)
        out.layers[size_t(searchable_[s])] = LayerBits{profile_.weightBits[g[2 * s]], profile_.actBits[g[2 * s + 1]]};
}

SubnetConfig Space::toConfig(const uint8_t* g) const {
    SubnetConfig c;
    toConfig(g, c);
    return c;
}

uint64_t Space::hash(const uint8_t* g) const {
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int k = 0; k < genes(); ++k) {
        h ^= g[k] + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
        h *= 0xBF58476D1CE4E5B9ull;
    }
    return h ^ (h >> 31);
}

void predictBatch(const BatchPredictor& predict, const std::vector<SubnetConfig>& batch, std::vector<double>& out,
                  double* seconds) {
    const auto t0 = std::chrono::steady_clock::now();
    out = predict(batch);
    if (seconds) *seconds += secondsSince(t0);
    if (out.size() != batch.size())
        throw Error("the accuracy predictor returned " + std::to_string(out.size()) + " values for " +
                    std::to_string(batch.size()) + " subnets");
    for (size_t i = 0; i < out.size(); ++i)
        if (!std::isfinite(out[i]))
            throw Error("the accuracy predictor returned a non-finite value for subnet " + std::to_string(i) +
                        " of its batch");
}

} // namespace eqnet::search

namespace eqnet {

int64_t spaceSize(const std::vector<LayerInfo>& layers, const HardwareProfile& profile) {
    return search::Space(layers, profile).size();
}

double spaceSizeLog10(const std::vector<LayerInfo>& layers, const HardwareProfile& profile) {
    const search::Space sp(layers, profile);
    double l = 0;
    for (int g = 0; g < sp.genes(); ++g) l += std::log10(double(sp.options(g)));
    return l;
}

std::vector<SubnetConfig> enumerateSubnets(const std::vector<LayerInfo>& layers, const HardwareProfile& profile,
                                           int64_t limit) {
    const search::Space sp(layers, profile);
    if (sp.size() > limit)
        throw Error("profile " + profile.name + ": the space has " +
                    (sp.size() == std::numeric_limits<int64_t>::max() ? std::string("more than 9e18")
                                                                      : std::to_string(sp.size())) +
                    " subnets, more than the " + std::to_string(limit) + " asked for");
    std::vector<SubnetConfig> out;
    std::vector<uint8_t> g(size_t(sp.genes()), 0);
    for (;;) {
        if (sp.fits(sp.cost(g.data()))) out.push_back(sp.toConfig(g.data()));
        int k = sp.genes() - 1;
        while (k >= 0 && ++g[size_t(k)] == sp.options(k)) g[size_t(k--)] = 0;
        if (k < 0) break;
    }
    return out;
}

} // namespace eqnet
