#pragma once
// Shared machinery of the searches (nsga2.cpp, genetic_search.cpp): a subnet of a profile's
// space as a compact genome (one byte per gene: the index of the weight bits, then of the
// activation bits, of every searchable layer), its cost from per-layer tables (exact: every
// term is an integer well below 2^53), budget repair, and a seeded random source whose
// mappings are the project's own (the standard distributions are implementation-defined).
#include "eqnet/cost_model.h"
#include "common/random.h"
#include "eqnet/job.h"
#include "eqnet/profile.h"
#include "eqnet/search.h"
#include "eqnet/timing.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace eqnet::search {

class Rng {
public:
    explicit Rng(uint64_t seed) : g_(seed) {}
    // Uniform in [0, n), n >= 1 (the bias is below 2^-32 for these n).
    uint32_t below(uint32_t n) { return belowFromBits(g_(), n); }
    double unit() { return unitFromBits(g_()); }
    bool chance(double p) { return unit() < p; }

private:
    std::mt19937_64 g_;
};

struct GenomeCost {
    double bitops = 0;
    double sizeBits = 0;
    double weightBitSum = 0; // sum over all layers of w_bits (for the average-bits budget)
};

class Space {
public:
    // Budgets: the profile's, tightened by `extra`.
    Space(const std::vector<LayerInfo>& layers, const HardwareProfile& profile, const SearchBudget& extra = {});

    int genes() const { return int(options_.size()); }
    int numSearchable() const { return int(searchable_.size()); }
    // Number of values gene g can take.
    int options(int g) const { return options_[size_t(g)]; }
    // Subnets in the space ignoring budgets (saturating).
    int64_t size() const;

    GenomeCost cost(const uint8_t* g) const;
    bool fits(const GenomeCost& c) const;
    // Lowers random genes one step at a time until the genome fits (the cheapest genome, all
    // zeros, fits: the caller checked feasibility).
    void repair(uint8_t* g, GenomeCost& c, Rng& rng) const;
    // Fills `out` (its layer vector keeps its capacity).
    void toConfig(const uint8_t* g, SubnetConfig& out) const;
    SubnetConfig toConfig(const uint8_t* g) const;
    uint64_t hash(const uint8_t* g) const;

    const std::vector<LayerInfo>& layers() const { return *layers_; }
    const HardwareProfile& profile() const { return profile_; }

private:
    const std::vector<LayerInfo>* layers_;
    HardwareProfile profile_;
    std::vector<int> searchable_; // layer indices
    std::vector<uint8_t> options_;
    std::vector<double> macs_, params_;
    double baseBitops_ = 0, baseSize_ = 0, baseWeightSum_ = 0;
    std::optional<double> bitopsBudget_, sizeBudget_, weightSumBudget_;
};

// Calls the predictor, checks what it returns, adds its time to *seconds.
void predictBatch(const BatchPredictor& predict, const std::vector<SubnetConfig>& batch, std::vector<double>& out,
                  double* seconds);

} // namespace eqnet::search
