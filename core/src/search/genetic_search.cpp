// docs/method.md §6, the published search for one budget (as in the once-for-all evolution
// finder the EQ-Net code builds on): a population of 100 random subnets under the budget; in
// each of 500 generations the top 25% become the parents and 100 children are made, half by
// mutation of a random parent (each gene re-drawn with probability 0.3), half by uniform
// crossover of two random parents; a child over budget is drawn again; the next population is
// the parents and the children. Fitness is the predicted accuracy.
#include "eqnet/search.h"

#include "eqnet/error.h"
#include "eqnet/timing.h"
#include "search/search_space.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace eqnet {

namespace {

using search::GenomeCost;
using search::Rng;
using search::Space;

void checkOptions(const BudgetSearchOptions& o) {
    if (o.population < 2) throw Error("search: population must be at least 2 (is " + std::to_string(o.population) + ")");
    if (o.generations < 0) throw Error("search: generations must not be negative");
    if (!(o.parentShare > 0 && o.parentShare <= 1))
        throw Error("search: parent share must be in (0, 1] (is " + std::to_string(o.parentShare) + ")");
    if (!(o.mutationShare >= 0 && o.mutationShare <= 1))
        throw Error("search: mutation share must be in 0..1 (is " + std::to_string(o.mutationShare) + ")");
    if (!(o.mutationProb >= 0 && o.mutationProb <= 1))
        throw Error("search: mutation probability must be in 0..1 (is " + std::to_string(o.mutationProb) + ")");
    if (o.maxRedraws < 1) throw Error("search: maxRedraws must be at least 1");
}

void checkBudget(const SearchBudget& b) {
    const auto positive = [](const std::optional<double>& v, const char* what) {
        if (v && !(*v > 0 && std::isfinite(*v)))
            throw Error(std::string("search: the ") + what + " budget must be a positive number");
    };
    positive(b.bitops, "BitOps");
    positive(b.sizeBits, "size");
    positive(b.averageWeightBits, "average weight-bit");
}

// The budgets of the profile and of the caller together: the error names the cheapest cost.
void checkFeasibleUnder(const HardwareProfile& profile, const SearchBudget& budget,
                        const std::vector<LayerInfo>& layers) {
    HardwareProfile tight = profile;
    if (budget.bitops && (!tight.bitopsBudget || *budget.bitops < *tight.bitopsBudget))
        tight.bitopsBudget = budget.bitops;
    if (budget.sizeBits && (!tight.sizeBudgetBits || *budget.sizeBits < *tight.sizeBudgetBits))
        tight.sizeBudgetBits = budget.sizeBits;
    checkFeasible(tight, layers);
    if (budget.averageWeightBits) {
        const double cheapest = cheapestSubnet(profile, layers).averageWeightBits();
        if (cheapest > *budget.averageWeightBits + 1e-9) {
            char buf[256];
            std::snprintf(buf, sizeof buf,
                          "average weight-bit budget of %.3g is below the cheapest subnet this profile allows "
                          "(%.3g at W%dA%d; the first and last layer stay at W8A8)",
                          *budget.averageWeightBits, cheapest, profile.weightBits.front(), profile.actBits.front());
            throw Error((profile.source.empty() ? "profile " + profile.name : profile.source) + ": " + buf);
        }
    }
}

class Evolution {
public:
    Evolution(const Space& sp, const BatchPredictor& predict, const BudgetSearchOptions& opt,
              const ProgressFn& progress, const StopToken& stop, BudgetSearchResult& res)
        : sp_(sp), predict_(predict), opt_(opt), progress_(progress), stop_(stop), res_(res), rng_(opt.seed),
          G_(sp.genes()), N_(opt.population),
          P_(std::clamp(int(std::lround(opt.parentShare * opt.population)), 1, opt.population)),
          M_(std::clamp(int(std::lround(opt.mutationShare * opt.population)), 0, opt.population)) {
        genes_.resize(size_t(P_ + N_) * size_t(G_));
        next_.resize(genes_.size());
        fit_.resize(size_t(P_ + N_));
        nextFit_.resize(fit_.size());
        best_.resize(size_t(G_));
    }

    void run() {
        // Initial population: N random subnets under the budget.
        for (int i = 0; i < N_; ++i) {
            uint8_t* g = at(genes_, i);
            drawUnderBudget(g, [&](uint8_t* x) {
                for (int k = 0; k < G_; ++k) x[k] = uint8_t(rng_.below(uint32_t(sp_.options(k))));
            });
        }
        count_ = N_;
        evaluate(0, N_);
        res_.history.push_back(bestFit_);
        report(0);
        for (int gen = 1; gen <= opt_.generations; ++gen) {
            if (stop_.stopRequested()) {
                res_.stopped = true;
                break;
            }
            // The top P become the parents (ties: the earlier one, so the order is defined).
            std::vector<int> order(static_cast<size_t>(count_));
            std::iota(order.begin(), order.end(), 0);
            const int parents = std::min(P_, count_);
            std::partial_sort(order.begin(), order.begin() + parents, order.end(), [&](int a, int b) {
                if (fit_[size_t(a)] != fit_[size_t(b)]) return fit_[size_t(a)] > fit_[size_t(b)];
                return a < b;
            });
            for (int i = 0; i < parents; ++i) {
                std::copy(at(genes_, order[size_t(i)]), at(genes_, order[size_t(i)]) + G_, at(next_, i));
                nextFit_[size_t(i)] = fit_[size_t(order[size_t(i)])];
            }
            std::swap(genes_, next_);
            std::swap(fit_, nextFit_);
            // N children: M by mutation, the rest by uniform crossover.
            for (int c = 0; c < N_; ++c) {
                uint8_t* g = at(genes_, parents + c);
                if (c < M_) {
                    const uint8_t* p = at(genes_, int(rng_.below(uint32_t(parents))));
                    drawUnderBudget(g, [&](uint8_t* x) {
                        for (int k = 0; k < G_; ++k)
                            x[k] = rng_.chance(opt_.mutationProb) ? uint8_t(rng_.below(uint32_t(sp_.options(k)))) : p[k];
                    });
                } else {
                    const uint8_t* p1 = at(genes_, int(rng_.below(uint32_t(parents))));
                    const uint8_t* p2 = at(genes_, int(rng_.below(uint32_t(parents))));
                    drawUnderBudget(g, [&](uint8_t* x) {
                        for (int k = 0; k < G_; ++k) x[k] = rng_.chance(0.5) ? p1[k] : p2[k];
                    });
                }
            }
            count_ = parents + N_;
            evaluate(parents, count_);
            res_.history.push_back(bestFit_);
            res_.generations = gen;
            report(gen);
        }
    }

    const std::vector<uint8_t>& best() const { return best_; }
    double bestFit() const { return bestFit_; }

private:
    uint8_t* at(std::vector<uint8_t>& v, int i) const { return v.data() + size_t(i) * size_t(G_); }

    // §6: a child over budget is drawn again; after maxRedraws tries it is repaired.
    template <typename Draw>
    void drawUnderBudget(uint8_t* g, Draw draw) {
        GenomeCost c;
        for (int t = 0; t < opt_.maxRedraws; ++t) {
            draw(g);
            c = sp_.cost(g);
            if (sp_.fits(c)) return;
        }
        sp_.repair(g, c, rng_);
    }

    void evaluate(int first, int last) {
        batch_.resize(size_t(last - first));
        for (int i = first; i < last; ++i) sp_.toConfig(at(genes_, i), batch_[size_t(i - first)]);
        if (batch_.empty()) return;
        search::predictBatch(predict_, batch_, preds_, &res_.predictorSeconds);
        res_.evaluations += last - first;
        for (int i = first; i < last; ++i) {
            fit_[size_t(i)] = preds_[size_t(i - first)];
            if (!haveBest_ || fit_[size_t(i)] > bestFit_) {
                haveBest_ = true;
                bestFit_ = fit_[size_t(i)];
                std::copy(at(genes_, i), at(genes_, i) + G_, best_.begin());
            }
        }
    }

    void report(int gen) {
        if (!progress_) return;
        Progress pr;
        pr.stage = "search";
        pr.done = gen;
        pr.total = opt_.generations;
        pr.elapsedSeconds = secondsSince(start_);
        pr.values["best"] = bestFit_;
        pr.values["evaluations"] = double(res_.evaluations);
        pr.message = "generation " + std::to_string(gen) + "/" + std::to_string(opt_.generations);
        progress_(pr);
    }

    const Space& sp_;
    const BatchPredictor& predict_;
    const BudgetSearchOptions& opt_;
    const ProgressFn& progress_;
    const StopToken& stop_;
    BudgetSearchResult& res_;
    Rng rng_;
    const int G_, N_, P_, M_;
    std::vector<uint8_t> genes_, next_, best_;
    std::vector<double> fit_, nextFit_;
    int count_ = 0;
    bool haveBest_ = false;
    double bestFit_ = 0;
    std::vector<SubnetConfig> batch_;
    std::vector<double> preds_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

} // namespace

BudgetSearchResult budgetSearch(const std::vector<LayerInfo>& layers, const HardwareProfile& profile,
                                const SearchBudget& budget, const BatchPredictor& predict,
                                const BudgetSearchOptions& opt, const ProgressFn& progress, const StopToken& stop) {
    const auto t0 = std::chrono::steady_clock::now();
    checkOptions(opt);
    checkBudget(budget);
    if (!predict) throw Error("search: no accuracy predictor given");
    validateProfile(profile);
    checkFeasibleUnder(profile, budget, layers);
    const Space sp(layers, profile, budget);

    BudgetSearchResult res;
    res.seed = opt.seed;
    Evolution evo(sp, predict, opt, progress, stop, res);
    evo.run();
    res.best.config = sp.toConfig(evo.best().data());
    res.best.predicted = evo.bestFit();
    res.best.cost = subnetCost(layers, res.best.config);
    res.seconds = secondsSince(t0);
    return res;
}

} // namespace eqnet
