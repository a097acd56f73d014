#pragma once
// docs/method.md §6: searching the elastic quantization space of one hardware profile with an
// accuracy predictor (CQAP, §5).
//  - paretoSearch(): NSGA-II over the profile's space, maximising predicted accuracy and
//    minimising BitOps, under the profile's budgets; returns the whole Pareto front at once.
//  - budgetSearch(): the published genetic algorithm for the best subnet under one budget
//    (BitOps, size and/or average weight bits). A library entry point only, on purpose: the
//    command line answers "the best subnet under B" from the verified front
//    (`eqnet export --max-bitops B`), which picks by measured accuracy, where this GA can
//    only pick by predicted accuracy. The tests use it as the reference the front is checked
//    against.
// Both are deterministic under their seed (std::mt19937_64 with the project's own mappings to
// integers and reals, so the same seed gives the same result with any standard library, as
// long as the predictor is deterministic). Plain C++ types only.
#include "eqnet/cost_model.h"
#include "eqnet/job.h"
#include "eqnet/profile.h"
#include "eqnet/quant_types.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace eqnet {

// Predicted accuracy (0..1) of many subnets at once, one value per subnet, in order. Called
// once per generation with all of that generation's new subnets (CqapPredictor::predict fits).
using BatchPredictor = std::function<std::vector<double>(const std::vector<SubnetConfig>&)>;

struct SearchCandidate {
    SubnetConfig config;
    double predicted = 0; // the predictor's accuracy, 0..1
    SubnetCost cost;      // subnetCost(layers, config)
};

// a is at least as accurate and at most as costly (BitOps) as b, and better in one of them.
bool dominates(const SearchCandidate& a, const SearchCandidate& b);

// ---- Multi-objective: the Pareto front -----------------------------------------------------

struct ParetoOptions {
    int population = 100;        // §6
    int generations = 500;       // §6: with 100 per generation, 50,000 predictions
    double mutationProb = 0.3;   // §6: each gene of a mutated child re-drawn with this probability
    double mutationShare = 0.5;  // §6: half the children by mutation, half by uniform crossover
    uint64_t seed = 1;
    // A space with at most this many subnets is searched exhaustively (every subnet predicted,
    // the exact front returned): < 0 = up to population x generations (what NSGA-II would
    // spend anyway), 0 = never; never more than kExhaustiveAtMost.
    int64_t exhaustiveUpTo = -1;
};
// The largest space searched exhaustively, whatever the budget: enumerating it takes about a
// second and a few dozen MB; a larger space is searched by NSGA-II.
constexpr int64_t kExhaustiveAtMost = int64_t(1) << 20;

struct ParetoResult {
    // Mutually non-dominated, unique configs, sorted by BitOps (then by accuracy, descending);
    // at most `population` points (a larger exact front is thinned by crowding distance,
    // keeping both ends).
    std::vector<SearchCandidate> front;
    int64_t evaluations = 0;      // subnets given to the predictor
    int generations = 0;          // generations run (fewer when stopped; 0 when exhaustive)
    double seconds = 0;           // the whole search
    double predictorSeconds = 0;  // of which inside the predictor
    uint64_t seed = 0;
    bool exhaustive = false;      // the space was small enough to predict every subnet
    bool stopped = false;         // the stop token ended it early; `front` is the current one
};

// Throws eqnet::Error when the profile is invalid or no subnet meets its budgets
// (checkFeasible), or when the predictor returns a wrong count or a non-finite value.
// Progress: stage "search", done/total = generations, values "front", "best", "evaluations".
ParetoResult paretoSearch(const std::vector<LayerInfo>& layers, const HardwareProfile& profile,
                          const BatchPredictor& predict, const ParetoOptions& opt = {},
                          const ProgressFn& progress = {}, const StopToken& stop = StopToken());

// ---- Single budget: the published GA -------------------------------------------------------

// Budgets on top of the profile's own (the tighter one applies); none = unconstrained.
struct SearchBudget {
    std::optional<double> bitops;            // per image (§7)
    std::optional<double> sizeBits;          // SubnetCost::sizeBits
    std::optional<double> averageWeightBits; // SubnetConfig::averageWeightBits(): plain mean over
                                             // all layers, first and last (8-bit) included
};

struct BudgetSearchOptions {
    int population = 100;        // §6
    int generations = 500;       // §6
    double parentShare = 0.25;   // §6: the top 25% are the parents
    double mutationShare = 0.5;  // §6: half of each generation by mutation, the rest crossover
    double mutationProb = 0.3;   // §6
    uint64_t seed = 1;
    // A child over budget is re-drawn (§6); after this many tries in a row it is repaired
    // instead (bits lowered one step at a time), so a tight budget cannot stall the search.
    int maxRedraws = 200;
};

struct BudgetSearchResult {
    SearchCandidate best;
    // history[g]: the best prediction after generation g; history[0] is the initial population.
    std::vector<double> history;
    int64_t evaluations = 0;
    int generations = 0;
    double seconds = 0;
    double predictorSeconds = 0;
    uint64_t seed = 0;
    bool stopped = false;
};

// Throws eqnet::Error when no subnet of the profile meets the budgets (naming the cheapest
// cost), or when the predictor misbehaves. Progress: stage "search", values "best",
// "evaluations".
BudgetSearchResult budgetSearch(const std::vector<LayerInfo>& layers, const HardwareProfile& profile,
                                const SearchBudget& budget, const BatchPredictor& predict,
                                const BudgetSearchOptions& opt = {}, const ProgressFn& progress = {},
                                const StopToken& stop = StopToken());

// Every subnet of the profile's space (first/last at 8/8) that meets its budgets, in a fixed
// order; throws eqnet::Error when there are more than `limit`. For tests and tiny spaces.
std::vector<SubnetConfig> enumerateSubnets(const std::vector<LayerInfo>& layers, const HardwareProfile& profile,
                                           int64_t limit = 1000000);
// The number of subnets of the profile's space, ignoring budgets (saturates at INT64_MAX).
int64_t spaceSize(const std::vector<LayerInfo>& layers, const HardwareProfile& profile);
// Its base-10 logarithm, exact where spaceSize() saturates (mbv2-28's 2..8-bit space: 10^33.8).
double spaceSizeLog10(const std::vector<LayerInfo>& layers, const HardwareProfile& profile);

} // namespace eqnet
