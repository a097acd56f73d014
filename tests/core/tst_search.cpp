// docs/method.md §6: the Pareto search (NSGA-II) and the single-budget GA, with a synthetic
// predictor on hand-made layer tables, checked against brute force on small spaces.
#include "eqtest.h"
#include "layer_table.h"

#include "eqnet/cost_model.h"
#include "eqnet/error.h"
#include "eqnet/profile.h"
#include "eqnet/search.h"
#include "eqnet/uniform_baselines.h"

#include <algorithm>
#include <limits>
#include <cmath>
#include <set>

using namespace eqnet;

namespace {

using eqtest::layer;

// A small CNN: 7 layers, 5 searchable.
std::vector<LayerInfo> sevenLayers() {
    return {layer("conv1", 112896, 144, 16, true),    layer("conv2", 903168, 4608, 32, false),
            layer("conv3", 1806336, 9216, 32, false), layer("conv4", 903168, 18432, 64, false),
            layer("conv5", 1806336, 36864, 64, false), layer("conv6", 451584, 36864, 64, false),
            layer("fc", 640, 640, 10, true)};
}

// 5 layers, 3 searchable: 49^3 = 117,649 subnets with 2..8 bits, more than one search spends.
std::vector<LayerInfo> fiveLayers() {
    return {layer("conv1", 50000, 150, 8, true), layer("conv2", 400000, 2000, 16, false),
            layer("conv3", 900000, 4500, 32, false), layer("conv4", 250000, 9000, 32, false),
            layer("fc", 2000, 2000, 10, true)};
}

HardwareProfile profile(std::vector<int> w, std::vector<int> a, QuantForm form = {Granularity::PerTensor, true, true}) {
    HardwareProfile p;
    p.name = "test";
    p.weightBits = std::move(w);
    p.actBits = std::move(a);
    p.form = form;
    return p;
}

HardwareProfile flex() { return profile({2, 3, 4, 5, 6, 7, 8}, {2, 3, 4, 5, 6, 7, 8}); }

// Accuracy: a saturating function of every layer's bits with a layer-dependent sensitivity,
// activations mattering less than weights, plus a small term for the form.
double syntheticAccuracy(const SubnetConfig& c) {
    double loss = 0;
    for (size_t i = 0; i < c.layers.size(); ++i) {
        const double sens = 0.05 + 0.04 * double((i * 7) % 5);
        loss += sens * (std::exp(-0.9 * (c.layers[i].w - 2)) + 0.6 * std::exp(-0.8 * (c.layers[i].a - 2)));
    }
    double form = 0;
    if (c.form.granularity == Granularity::PerTensor) form += 0.01;
    if (c.form.weightSymmetric) form += 0.003;
    if (c.form.actSymmetric) form += 0.004;
    return 0.93 * std::exp(-loss) - form;
}

struct Counter {
    int64_t calls = 0, subnets = 0;
};

BatchPredictor predictor(Counter* count = nullptr) {
    return [count](const std::vector<SubnetConfig>& batch) {
        if (count) {
            ++count->calls;
            count->subnets += int64_t(batch.size());
        }
        std::vector<double> out;
        out.reserve(batch.size());
        for (const SubnetConfig& c : batch) out.push_back(syntheticAccuracy(c));
        return out;
    };
}

// The best predicted accuracy among `all` within `bitops`.
double bruteBest(const std::vector<SubnetConfig>& all, const std::vector<LayerInfo>& L, double bitops) {
    double best = -1;
    for (const SubnetConfig& c : all)
        if (subnetCost(L, c).bitops <= bitops) best = std::max(best, syntheticAccuracy(c));
    return best;
}

double frontBest(const ParetoResult& r, double bitops) {
    double best = -1;
    for (const SearchCandidate& c : r.front)
        if (c.cost.bitops <= bitops) best = std::max(best, c.predicted);
    return best;
}

std::string frontIssue(const ParetoResult& r, const HardwareProfile& p, const std::vector<LayerInfo>& L) {
    for (size_t i = 0; i < r.front.size(); ++i) {
        const SearchCandidate& c = r.front[i];
        if (const std::string v = profileViolation(p, c.config, L); !v.empty()) return "point " + std::to_string(i) + ": " + v;
        if (c.predicted != syntheticAccuracy(c.config)) return "point " + std::to_string(i) + ": wrong prediction";
        if (c.cost.bitops != subnetCost(L, c.config).bitops) return "point " + std::to_string(i) + ": wrong cost";
        if (i > 0 && r.front[i - 1].cost.bitops > c.cost.bitops) return "not sorted by BitOps";
        for (size_t j = 0; j < r.front.size(); ++j) {
            if (j != i && dominates(r.front[j], c)) return "point " + std::to_string(j) + " dominates " + std::to_string(i);
            if (j != i && r.front[j].config == c.config) return "duplicate config at " + std::to_string(j);
        }
    }
    return {};
}

} // namespace

EQ_TEST(dominance) {
    SearchCandidate a, b;
    a.predicted = 0.8;
    a.cost.bitops = 10;
    b.predicted = 0.7;
    b.cost.bitops = 10;
    EQ_VERIFY(dominates(a, b));
    EQ_VERIFY(!dominates(b, a));
    b.predicted = 0.8;
    EQ_VERIFY(!dominates(a, b)); // equal in both: neither
    b.cost.bitops = 9;
    EQ_VERIFY(dominates(b, a));
    b.predicted = 0.7;
    EQ_VERIFY(!dominates(a, b) && !dominates(b, a)); // a trade-off
}

EQ_TEST(front_is_non_dominated_within_the_profile_and_wide) {
    const auto L = sevenLayers();
    const HardwareProfile p = flex();
    Counter count;
    const ParetoResult r = paretoSearch(L, p, predictor(&count));
    EQ_VERIFY2(frontIssue(r, p, L).empty(), frontIssue(r, p, L));
    EQ_VERIFY2(r.front.size() >= 20, std::to_string(r.front.size()) + " points");
    EQ_VERIFY(!r.exhaustive && !r.stopped);
    EQ_COMPARE(r.generations, 500);
    EQ_VERIFY(r.evaluations >= 50000);
    EQ_COMPARE(count.subnets, r.evaluations);
    EQ_COMPARE(count.calls, int64_t(501)); // the initial population, then one batch per generation
    // Both ends of the range: the cheapest subnet and the most accurate one (all 8-bit).
    EQ_COMPARE(r.front.front().config, cheapestSubnet(p, L));
    EQ_COMPARE(r.front.back().config, largestSubnet(p, L));
    // Spread: no gap wider than a fifth of the BitOps range.
    const double range = r.front.back().cost.bitops - r.front.front().cost.bitops;
    for (size_t i = 1; i < r.front.size(); ++i)
        EQ_VERIFY2(r.front[i].cost.bitops - r.front[i - 1].cost.bitops < 0.2 * range, std::to_string(i));
}

EQ_TEST(front_is_near_the_brute_force_optimum) {
    const auto L = fiveLayers();
    const HardwareProfile p = flex();
    const std::vector<SubnetConfig> all = enumerateSubnets(L, p);
    EQ_COMPARE(all.size(), size_t(117649));
    ParetoOptions opt;
    opt.exhaustiveUpTo = 0; // the space is larger than the search's budget anyway: NSGA-II runs
    const ParetoResult r = paretoSearch(L, p, predictor(), opt);
    EQ_VERIFY(!r.exhaustive);
    EQ_VERIFY2(frontIssue(r, p, L).empty(), frontIssue(r, p, L));
    EQ_VERIFY2(r.front.size() >= 20, std::to_string(r.front.size()) + " points");
    // Convergence: every point is (nearly) the best subnet of its own cost.
    double worst = 0, mean = 0;
    for (const SearchCandidate& c : r.front) {
        const double gap = bruteBest(all, L, c.cost.bitops) - c.predicted;
        EQ_VERIFY2(gap >= -1e-12, "better than brute force?");
        worst = std::max(worst, gap);
        mean += gap / double(r.front.size());
    }
    EQ_VERIFY2(worst < 0.01 && mean < 0.001, "worst " + std::to_string(worst) + ", mean " + std::to_string(mean));
    // Coverage: at a few budgets the front's best point under the budget is near the optimum
    // (the remaining gap is the spacing of 100 points over a front of 280).
    const double lo = subnetCost(L, cheapestSubnet(p, L)).bitops;
    const double hi = subnetCost(L, largestSubnet(p, L)).bitops;
    for (double f : {0.05, 0.15, 0.3, 0.5, 0.75}) {
        const double budget = lo + f * (hi - lo);
        const double exact = bruteBest(all, L, budget);
        const double found = frontBest(r, budget);
        EQ_VERIFY2(exact - found < 0.01, "at " + std::to_string(f) + " of the range: front " +
                                               std::to_string(found) + ", optimum " + std::to_string(exact));
    }
}

EQ_TEST(front_respects_budgets) {
    const auto L = sevenLayers();
    HardwareProfile p = flex();
    const double lo = subnetCost(L, cheapestSubnet(p, L)).bitops;
    const double hi = subnetCost(L, largestSubnet(p, L)).bitops;
    p.bitopsBudget = lo + 0.3 * (hi - lo);
    const double szLo = subnetCost(L, cheapestSubnet(p, L)).sizeBits;
    const double szHi = subnetCost(L, largestSubnet(p, L)).sizeBits;
    p.sizeBudgetBits = szLo + 0.5 * (szHi - szLo);
    ParetoOptions opt;
    opt.generations = 150;
    const ParetoResult r = paretoSearch(L, p, predictor(), opt);
    EQ_VERIFY2(frontIssue(r, p, L).empty(), frontIssue(r, p, L));
    EQ_VERIFY(r.front.size() >= 20);
    for (const SearchCandidate& c : r.front) {
        EQ_VERIFY(c.cost.bitops <= *p.bitopsBudget);
        EQ_VERIFY(c.cost.sizeBits <= *p.sizeBudgetBits);
    }
    // The most accurate point reaches up to the budget.
    EQ_VERIFY(r.front.back().cost.bitops > lo + 0.25 * (hi - lo));
}

EQ_TEST(form_and_allowed_bits_are_those_of_the_profile) {
    const auto L = sevenLayers();
    const HardwareProfile p = profile({2, 4, 8}, {4, 8}, QuantForm{Granularity::PerChannel, false, true});
    ParetoOptions opt;
    opt.exhaustiveUpTo = 0;
    opt.generations = 100;
    const ParetoResult r = paretoSearch(L, p, predictor(), opt);
    EQ_VERIFY2(frontIssue(r, p, L).empty(), frontIssue(r, p, L));
    for (const SearchCandidate& c : r.front) {
        EQ_COMPARE(formName(c.config.form), std::string("pc-asym-sym"));
        EQ_COMPARE(c.config.layers.front(), (LayerBits{8, 8}));
        EQ_COMPARE(c.config.layers.back(), (LayerBits{8, 8}));
    }
}

EQ_TEST(space_size_beyond_int64_is_counted_in_log10) {
    // 60 searchable layers x 49 bit pairs: 49^60 = 10^101.4 subnets; the count saturates.
    std::vector<LayerInfo> L = sevenLayers();
    while (L.size() < 62) L.insert(L.begin() + 1, L[1]);
    const HardwareProfile p = profile({2, 3, 4, 5, 6, 7, 8}, {2, 3, 4, 5, 6, 7, 8}, QuantForm{Granularity::PerTensor, true, true});
    int searchable = 0;
    for (const auto& l : L) searchable += !l.fixedBits;
    EQ_COMPARE(spaceSize(L, p), std::numeric_limits<int64_t>::max());
    EQ_NEAR(spaceSizeLog10(L, p), searchable * std::log10(49.0), 1e-9);
}

EQ_TEST(small_space_is_searched_exhaustively) {
    const auto L = sevenLayers();
    // 5 searchable layers with W4/W8 and A8 only: 32 subnets.
    const HardwareProfile p = profile({4, 8}, {8}, QuantForm{Granularity::PerChannel, true, false});
    EQ_COMPARE(spaceSize(L, p), int64_t(32));
    EQ_NEAR(spaceSizeLog10(L, p), std::log10(32.0), 1e-12);
    Counter count;
    const ParetoResult r = paretoSearch(L, p, predictor(&count));
    EQ_VERIFY(r.exhaustive);
    EQ_COMPARE(r.evaluations, int64_t(32));
    EQ_VERIFY2(frontIssue(r, p, L).empty(), frontIssue(r, p, L));
    // The exact front: every subnet that nothing dominates.
    std::vector<SearchCandidate> all;
    for (const SubnetConfig& c : enumerateSubnets(L, p)) all.push_back({c, syntheticAccuracy(c), subnetCost(L, c)});
    size_t exact = 0;
    for (const auto& c : all)
        exact += std::none_of(all.begin(), all.end(), [&](const SearchCandidate& o) { return dominates(o, c); });
    EQ_COMPARE(r.front.size(), exact);
    // The same space by NSGA-II: finds the same front (its children cannot repeat a parent, so
    // it stops growing once the space is exhausted).
    ParetoOptions opt;
    opt.exhaustiveUpTo = 0;
    opt.generations = 50;
    const ParetoResult g = paretoSearch(L, p, predictor(), opt);
    EQ_VERIFY(!g.exhaustive);
    EQ_COMPARE(g.front.size(), exact);
    EQ_VERIFY(g.evaluations <= 32);
    // One subnet only (an INT8-only profile).
    const ParetoResult one = paretoSearch(L, profile({8}, {8}), predictor());
    EQ_COMPARE(one.front.size(), size_t(1));
    EQ_COMPARE(one.front[0].config, uniformSubnet(7, 8, 8, QuantForm{Granularity::PerTensor, true, true}));
}

EQ_TEST(same_seed_same_front) {
    const auto L = sevenLayers();
    ParetoOptions opt;
    opt.generations = 60;
    opt.seed = 7;
    const ParetoResult a = paretoSearch(L, flex(), predictor(), opt);
    const ParetoResult b = paretoSearch(L, flex(), predictor(), opt);
    EQ_COMPARE(a.front.size(), b.front.size());
    for (size_t i = 0; i < a.front.size(); ++i) {
        EQ_VERIFY(a.front[i].config == b.front[i].config);
        EQ_COMPARE(a.front[i].predicted, b.front[i].predicted);
    }
    EQ_COMPARE(a.evaluations, b.evaluations);
    EQ_COMPARE(a.seed, uint64_t(7));
    opt.seed = 8;
    const ParetoResult c = paretoSearch(L, flex(), predictor(), opt);
    bool differs = c.front.size() != a.front.size();
    for (size_t i = 0; !differs && i < a.front.size(); ++i) differs = !(a.front[i].config == c.front[i].config);
    EQ_VERIFY2(differs, "another seed gave the very same front");
    EQ_VERIFY2(frontIssue(c, flex(), L).empty(), frontIssue(c, flex(), L));
}

// A budget larger than the exhaustive limit does not enumerate a space of millions (it hung for
// minutes sorting every front of them): NSGA-II searches it.
EQ_TEST(exhaustive_search_is_bounded_whatever_the_budget) {
    const auto L = sevenLayers();
    const HardwareProfile p = profile({2, 3, 4, 5, 6, 7, 8}, {2, 4, 8}); // 21^5 = 4.08M subnets
    EQ_COMPARE(spaceSize(L, p), int64_t(4084101));
    ParetoOptions opt;
    opt.exhaustiveUpTo = std::numeric_limits<int64_t>::max();
    opt.generations = 3;
    const ParetoResult r = paretoSearch(L, p, predictor(), opt);
    EQ_VERIFY(!r.exhaustive);
    EQ_COMPARE(r.generations, 3);
    EQ_VERIFY2(frontIssue(r, p, L).empty(), frontIssue(r, p, L));
    // Just under the limit (14^5 = 537,824 subnets, budget 1000 x 1000): exhaustive, every
    // subnet predicted, and the front is exact: nothing in the space dominates a front point,
    // checked against the subnets the front's neighbours leave out.
    const HardwareProfile q = profile({2, 3, 4, 5, 6, 7, 8}, {4, 8});
    opt.exhaustiveUpTo = -1;
    opt.population = 1000;
    opt.generations = 1000;
    Counter count;
    const ParetoResult e = paretoSearch(L, q, predictor(&count), opt);
    EQ_VERIFY(e.exhaustive);
    EQ_COMPARE(e.evaluations, int64_t(537824));
    EQ_VERIFY2(frontIssue(e, q, L).empty(), frontIssue(e, q, L));
    for (const SubnetConfig& c : enumerateSubnets(L, q)) {
        const SearchCandidate x{c, syntheticAccuracy(c), subnetCost(L, c)};
        for (const SearchCandidate& f : e.front) EQ_VERIFY(!dominates(x, f));
    }
    // A stop during the enumeration ends it at once, with nothing predicted.
    StopToken stop;
    stop.requestStop();
    const ParetoResult s = paretoSearch(L, q, predictor(), opt, {}, stop);
    EQ_VERIFY(s.stopped && s.exhaustive);
    EQ_COMPARE(s.evaluations, int64_t(0));
    EQ_VERIFY(s.front.empty());
}

EQ_TEST(stop_returns_the_current_front) {
    const auto L = sevenLayers();
    StopToken stop;
    int reports = 0;
    const ProgressFn progress = [&](const Progress& pr) {
        ++reports;
        EQ_COMPARE(pr.stage, std::string("search"));
        EQ_COMPARE(pr.total, int64_t(500));
        if (pr.done == 10) stop.requestStop();
    };
    const ParetoResult r = paretoSearch(L, flex(), predictor(), {}, progress, stop);
    EQ_VERIFY(r.stopped);
    EQ_COMPARE(r.generations, 10);
    EQ_COMPARE(reports, 11);
    EQ_COMPARE(r.evaluations, int64_t(1100));
    EQ_VERIFY(!r.front.empty());
    EQ_VERIFY2(frontIssue(r, flex(), L).empty(), frontIssue(r, flex(), L));
}

EQ_TEST(infeasible_profile_names_the_cheapest_cost) {
    const auto L = sevenLayers();
    HardwareProfile p = profile({4, 8}, {4, 8});
    const double cheapest = subnetCost(L, cheapestSubnet(p, L)).bitops;
    p.bitopsBudget = cheapest * 0.9;
    EQ_THROWS(paretoSearch(L, p, predictor()), Error, "below the cheapest subnet this profile allows (" +
                                                          formatBitops(cheapest) + " at W4A4");
    SearchBudget b;
    b.bitops = cheapest * 0.5;
    EQ_THROWS(budgetSearch(L, profile({4, 8}, {4, 8}), b, predictor()), Error, "BitOps budget of " + formatBitops(cheapest * 0.5));
    SearchBudget avg;
    avg.averageWeightBits = 3.0; // 7 layers, 2 at 8 bits: at least (16 + 5*4)/7 = 5.14
    EQ_THROWS(budgetSearch(L, profile({4, 8}, {4, 8}), avg, predictor()), Error, "average weight-bit budget of 3");
}

EQ_TEST(bad_predictor_is_an_error) {
    const auto L = sevenLayers();
    const BatchPredictor shortOne = [](const std::vector<SubnetConfig>& b) { return std::vector<double>(b.size() - 1, 0.5); };
    EQ_THROWS(paretoSearch(L, flex(), shortOne), Error, "values for");
    const BatchPredictor nan = [](const std::vector<SubnetConfig>& b) { return std::vector<double>(b.size(), std::nan("")); };
    EQ_THROWS(paretoSearch(L, flex(), nan), Error, "non-finite");
    EQ_THROWS(paretoSearch(L, flex(), BatchPredictor()), Error, "no accuracy predictor");
    ParetoOptions bad;
    bad.population = 1;
    EQ_THROWS(paretoSearch(L, flex(), predictor(), bad), Error, "population");
}

EQ_TEST(budget_ga_finds_the_brute_force_optimum) {
    const auto L = fiveLayers();
    const HardwareProfile p = flex();
    const std::vector<SubnetConfig> all = enumerateSubnets(L, p);
    const double lo = subnetCost(L, cheapestSubnet(p, L)).bitops;
    const double hi = subnetCost(L, largestSubnet(p, L)).bitops;
    for (double f : {0.1, 0.4}) {
        SearchBudget b;
        b.bitops = lo + f * (hi - lo);
        Counter count;
        const BudgetSearchResult r = budgetSearch(L, p, b, predictor(&count));
        EQ_VERIFY(r.best.cost.bitops <= *b.bitops);
        EQ_VERIFY(allows(p, r.best.config, L));
        EQ_NEAR(r.best.predicted, bruteBest(all, L, *b.bitops), 1e-12);
        EQ_COMPARE(r.best.predicted, syntheticAccuracy(r.best.config));
        EQ_COMPARE(r.history.size(), size_t(501));
        EQ_COMPARE(r.evaluations, int64_t(100 + 500 * 100));
        EQ_COMPARE(count.calls, int64_t(501));
        EQ_COMPARE(r.history.back(), r.best.predicted);
        for (size_t g = 1; g < r.history.size(); ++g) EQ_VERIFY(r.history[g] >= r.history[g - 1]);
    }
}

EQ_TEST(budget_ga_size_and_average_bits) {
    const auto L = fiveLayers();
    const HardwareProfile p = flex();
    const std::vector<SubnetConfig> all = enumerateSubnets(L, p);
    SearchBudget b;
    b.averageWeightBits = 5.0; // (8 + 8 + w2 + w3 + w4) / 5 <= 5: w2 + w3 + w4 <= 9
    b.sizeBits = subnetCost(L, uniformSubnet(5, 4, 4, p.form)).sizeBits;
    const BudgetSearchResult r = budgetSearch(L, p, b, predictor());
    EQ_VERIFY(r.best.config.averageWeightBits() <= 5.0);
    EQ_VERIFY(r.best.cost.sizeBits <= *b.sizeBits);
    double best = -1;
    for (const SubnetConfig& c : all)
        if (c.averageWeightBits() <= 5.0 && subnetCost(L, c).sizeBits <= *b.sizeBits)
            best = std::max(best, syntheticAccuracy(c));
    EQ_NEAR(r.best.predicted, best, 1e-12);
}

EQ_TEST(budget_ga_is_deterministic_and_stops) {
    const auto L = sevenLayers();
    SearchBudget b;
    b.bitops = 0.5 * subnetCost(L, largestSubnet(flex(), L)).bitops;
    BudgetSearchOptions opt;
    opt.generations = 40;
    opt.seed = 3;
    const BudgetSearchResult x = budgetSearch(L, flex(), b, predictor(), opt);
    const BudgetSearchResult y = budgetSearch(L, flex(), b, predictor(), opt);
    EQ_VERIFY(x.best.config == y.best.config);
    EQ_COMPARE(x.history, y.history);
    StopToken stop;
    const BudgetSearchResult s = budgetSearch(L, flex(), b, predictor(), {},
                                              [&](const Progress& pr) { if (pr.done == 5) stop.requestStop(); }, stop);
    EQ_VERIFY(s.stopped);
    EQ_COMPARE(s.generations, 5);
    EQ_COMPARE(s.history.size(), size_t(6));
    EQ_VERIFY(s.best.cost.bitops <= *b.bitops);
}

EQ_TEST(tight_budget_still_yields_a_subnet) {
    // A budget just above the cheapest subnet: random children are almost all over it, so the
    // GA re-draws and then repairs; the NSGA-II front collapses towards the cheap end.
    const auto L = sevenLayers();
    HardwareProfile p = flex();
    const double lo = subnetCost(L, cheapestSubnet(p, L)).bitops;
    p.bitopsBudget = lo * 1.02;
    ParetoOptions po;
    po.generations = 50;
    const ParetoResult r = paretoSearch(L, p, predictor(), po);
    EQ_VERIFY2(frontIssue(r, p, L).empty(), frontIssue(r, p, L));
    BudgetSearchOptions go;
    go.generations = 50;
    const BudgetSearchResult g = budgetSearch(L, p, {}, predictor(), go);
    EQ_VERIFY(g.best.cost.bitops <= *p.bitopsBudget);
}

// One definition of the uniform baselines (command line, pipeline report, studio): every
// allowed pair when there are at most 16, else W=A; a budget drops the subnets over it.
EQ_TEST(uniform_baselines_one_definition) {
    const auto L = sevenLayers();
    // The labels, each marked "?" when its subnet is not the uniform one it names.
    auto labels = [&](const HardwareProfile& p) -> std::vector<std::string> {
        std::vector<std::string> out;
        for (const UniformBaseline& b : uniformBaselines(p, L))
            out.push_back(b.label + (b.config == uniformSubnet(int(L.size()), b.wBits, b.aBits, p.form) ? "" : "?"));
        return out;
    };
    // 2 x 2 pairs: all of them, weights first.
    EQ_COMPARE(labels(profile({4, 8}, {4, 8})), (std::vector<std::string>{"W4A4", "W4A8", "W8A4", "W8A8"}));
    EQ_COMPARE(labels(profile({4, 8}, {8})), (std::vector<std::string>{"W4A8", "W8A8"}));
    // 49 pairs: the diagonal.
    EQ_COMPARE(labels(flex()), (std::vector<std::string>{"W2A2", "W3A3", "W4A4", "W5A5", "W6A6", "W7A7", "W8A8"}));
    // A budget drops what is over it.
    HardwareProfile budget = profile({4, 8}, {8});
    budget.bitopsBudget = subnetCost(L, uniformSubnet(int(L.size()), 4, 8, budget.form)).bitops;
    EQ_COMPARE(labels(budget), std::vector<std::string>{"W4A8"});
}
