// docs/method.md §6, as this project does it: the whole Pareto front of predicted accuracy
// versus BitOps in one run, with NSGA-II (Deb et al. 2002): fast non-dominated sorting,
// crowding distance, binary tournaments, elitist (mu + lambda) survival. The children are made
// as in the published GA (§6): half by mutation (each gene re-drawn with probability 0.3), half
// by uniform crossover; a child over budget is repaired (bits lowered step by step), and a
// child that is already in the population is made again, so every point is a distinct subnet.
#include "eqnet/search.h"

#include "eqnet/error.h"
#include "eqnet/timing.h"
#include "search/search_space.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_set>

namespace eqnet {

namespace {
// a (accuracy pa, cost ca) dominates b: no worse in both objectives, better in one.
bool dominatesObjectives(double pa, double ca, double pb, double cb) {
    return pa >= pb && ca <= cb && (pa > pb || ca < cb);
}
} // namespace

bool dominates(const SearchCandidate& a, const SearchCandidate& b) {
    return dominatesObjectives(a.predicted, a.cost.bitops, b.predicted, b.cost.bitops);
}

namespace {

using search::GenomeCost;
using search::Rng;
using search::Space;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kMaxChildTries = 12; // to make a child that is not in the population yet

// Individuals live in flat arrays: genes [i * G, (i + 1) * G), objectives, rank and crowding.
struct Pool {
    int G = 0;
    std::vector<uint8_t> genes;
    std::vector<double> pred, bitops;
    std::vector<int> rank;
    std::vector<double> crowd;
    int count = 0;

    void reserve(int n) {
        genes.resize(size_t(n) * size_t(G));
        pred.resize(size_t(n));
        bitops.resize(size_t(n));
        rank.resize(size_t(n));
        crowd.resize(size_t(n));
    }
    uint8_t* at(int i) { return genes.data() + size_t(i) * size_t(G); }
    const uint8_t* at(int i) const { return genes.data() + size_t(i) * size_t(G); }
};

// "a is better": cheaper first, then more accurate, then the lower index (a total order, so
// the result does not depend on the sort's implementation).
struct ObjectiveOrder {
    const Pool* p;
    bool operator()(int a, int b) const {
        if (p->bitops[size_t(a)] != p->bitops[size_t(b)]) return p->bitops[size_t(a)] < p->bitops[size_t(b)];
        if (p->pred[size_t(a)] != p->pred[size_t(b)]) return p->pred[size_t(a)] > p->pred[size_t(b)];
        return a < b;
    }
};

bool dominatesIdx(const Pool& p, int a, int b) {
    return dominatesObjectives(p.pred[size_t(a)], p.bitops[size_t(a)], p.pred[size_t(b)], p.bitops[size_t(b)]);
}

// Crowding distance of F[k], 0 < k < F.size() - 1, in a front in objective order: both
// objectives are monotone along it, so the neighbours are the same for both; each side is
// normalised by the front's range (a range of zero adds nothing).
double crowding(const Pool& p, const std::vector<int>& F, size_t k) {
    const double rb = p.bitops[size_t(F.back())] - p.bitops[size_t(F.front())];
    const double rp = std::abs(p.pred[size_t(F.back())] - p.pred[size_t(F.front())]);
    double d = 0;
    if (rb > 0) d += (p.bitops[size_t(F[k + 1])] - p.bitops[size_t(F[k - 1])]) / rb;
    if (rp > 0) d += std::abs(p.pred[size_t(F[k + 1])] - p.pred[size_t(F[k - 1])]) / rp;
    return d;
}

// Non-dominated sorting for two objectives: in the order (BitOps up, accuracy down) a point can
// only be dominated by an earlier one, and within a front the last point added is the most
// accurate so far, so a point joins the first front whose last point does not dominate it.
// Fills p.rank and p.crowd for `idx`; returns the fronts, each in objective order.
std::vector<std::vector<int>> sortFronts(Pool& p, std::vector<int> idx) {
    std::sort(idx.begin(), idx.end(), ObjectiveOrder{&p});
    std::vector<std::vector<int>> fronts;
    for (int i : idx) {
        size_t f = 0;
        while (f < fronts.size() && dominatesIdx(p, fronts[f].back(), i)) ++f;
        if (f == fronts.size()) fronts.emplace_back();
        fronts[f].push_back(i);
        p.rank[size_t(i)] = int(f);
    }
    for (const auto& F : fronts) {
        p.crowd[size_t(F.front())] = kInf;
        p.crowd[size_t(F.back())] = kInf;
        for (size_t k = 1; k + 1 < F.size(); ++k) p.crowd[size_t(F[k])] = crowding(p, F, k);
    }
    return fronts;
}

// The first front of `idx` alone, in objective order: one pass after sorting (sortFronts would
// build every front, which on the millions of subnets of an exhaustive search costs minutes).
std::vector<int> firstFront(const Pool& p, std::vector<int> idx) {
    std::sort(idx.begin(), idx.end(), ObjectiveOrder{&p});
    std::vector<int> F;
    for (int i : idx)
        if (F.empty() || !dominatesIdx(p, F.back(), i)) F.push_back(i);
    return F;
}

// The `keep` best of the sorted individuals: whole fronts, then the most isolated points of
// the front that does not fit (ends first).
std::vector<int> survivors(const Pool& p, const std::vector<std::vector<int>>& fronts, int keep) {
    std::vector<int> out;
    out.reserve(size_t(keep));
    for (const auto& F : fronts) {
        if (int(out.size() + F.size()) <= keep) {
            out.insert(out.end(), F.begin(), F.end());
            continue;
        }
        std::vector<int> last = F;
        std::sort(last.begin(), last.end(), [&](int a, int b) {
            if (p.crowd[size_t(a)] != p.crowd[size_t(b)]) return p.crowd[size_t(a)] > p.crowd[size_t(b)];
            return ObjectiveOrder{&p}(a, b);
        });
        last.resize(size_t(keep) - out.size());
        out.insert(out.end(), last.begin(), last.end());
        break;
    }
    return out;
}

// Thins a front (in objective order) to `keep` points by removing, one at a time, the point
// with the smallest crowding distance; both ends stay.
std::vector<int> thin(const Pool& p, std::vector<int> F, int keep) {
    while (int(F.size()) > keep && F.size() > 2) {
        size_t worst = 1;
        double worstD = kInf;
        for (size_t k = 1; k + 1 < F.size(); ++k) {
            const double d = crowding(p, F, k);
            if (d < worstD) {
                worstD = d;
                worst = k;
            }
        }
        F.erase(F.begin() + std::ptrdiff_t(worst));
    }
    if (int(F.size()) > keep) F.resize(size_t(std::max(keep, 0)));
    return F;
}

std::vector<SearchCandidate> toCandidates(const Space& sp, const Pool& p, const std::vector<int>& idx) {
    std::vector<SearchCandidate> out;
    out.reserve(idx.size());
    for (int i : idx) {
        SearchCandidate c;
        c.config = sp.toConfig(p.at(i));
        c.predicted = p.pred[size_t(i)];
        c.cost = subnetCost(sp.layers(), c.config);
        out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(), [](const SearchCandidate& a, const SearchCandidate& b) {
        if (a.cost.bitops != b.cost.bitops) return a.cost.bitops < b.cost.bitops;
        if (a.predicted != b.predicted) return a.predicted > b.predicted;
        for (size_t l = 0; l < a.config.layers.size(); ++l) {
            if (a.config.layers[l].w != b.config.layers[l].w) return a.config.layers[l].w < b.config.layers[l].w;
            if (a.config.layers[l].a != b.config.layers[l].a) return a.config.layers[l].a < b.config.layers[l].a;
        }
        return false;
    });
    return out;
}

void checkOptions(const ParetoOptions& o) {
    if (o.population < 2) throw Error("search: population must be at least 2 (is " + std::to_string(o.population) + ")");
    if (o.generations < 0) throw Error("search: generations must not be negative");
    if (!(o.mutationProb >= 0 && o.mutationProb <= 1))
        throw Error("search: mutation probability must be in 0..1 (is " + std::to_string(o.mutationProb) + ")");
    if (!(o.mutationShare >= 0 && o.mutationShare <= 1))
        throw Error("search: mutation share must be in 0..1 (is " + std::to_string(o.mutationShare) + ")");
}

class Nsga2 {
public:
    Nsga2(const Space& sp, const BatchPredictor& predict, const ParetoOptions& opt, const ProgressFn& progress,
          const StopToken& stop, ParetoResult& res)
        : sp_(sp), predict_(predict), opt_(opt), progress_(progress), stop_(stop), res_(res), rng_(opt.seed),
          G_(sp.genes()), N_(opt.population) {
        pop_.G = G_;
        pop_.reserve(2 * N_);
        next_.G = G_;
        next_.reserve(2 * N_);
        child_.resize(size_t(G_));
        seen_.reserve(size_t(4 * N_));
    }

    std::vector<int> run() {
        initialise();
        evaluate(0, pop_.count);
        std::vector<int> all(static_cast<size_t>(pop_.count));
        std::iota(all.begin(), all.end(), 0);
        sortFronts(pop_, all);
        report(0);
        for (int gen = 1; gen <= opt_.generations; ++gen) {
            if (stop_.stopRequested()) {
                res_.stopped = true;
                break;
            }
            const int first = pop_.count;
            makeChildren();
            evaluate(first, pop_.count);
            select();
            res_.generations = gen;
            report(gen);
        }
        std::vector<int> front;
        for (int i = 0; i < pop_.count; ++i)
            if (pop_.rank[size_t(i)] == 0) front.push_back(i);
        return front;
    }

    const Pool& pool() const { return pop_; }

private:
    bool addUnique(const uint8_t* g) { return seen_.insert(sp_.hash(g)).second; }

    void push(const uint8_t* g) {
        std::copy(g, g + G_, pop_.at(pop_.count));
        ++pop_.count;
    }

    // §6-style seeding, spread over the whole cost range: the uniform subnets of every allowed
    // (w, a) pair (repaired into the budget when over it), then random subnets whose genes are
    // drawn around a level that steps from the cheapest to the largest setting.
    void initialise() {
        const HardwareProfile& prof = sp_.profile();
        std::vector<std::pair<double, std::vector<uint8_t>>> uniform;
        for (size_t w = 0; w < prof.weightBits.size(); ++w)
            for (size_t a = 0; a < prof.actBits.size(); ++a) {
                std::vector<uint8_t> g(static_cast<size_t>(G_));
                for (int k = 0; k < G_; ++k) g[size_t(k)] = uint8_t(k % 2 == 0 ? w : a);
                GenomeCost c = sp_.cost(g.data());
                sp_.repair(g.data(), c, rng_);
                uniform.emplace_back(c.bitops, std::move(g));
            }
        std::stable_sort(uniform.begin(), uniform.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
        // More pairs than half the population: an even spread of them over the cost range.
        const int nu = int(uniform.size());
        const int take = std::min(nu, std::max(1, N_ / 2));
        for (int t = 0; t < take; ++t) {
            const int u = take == 1 ? 0 : int(std::lround(double(t) * (nu - 1) / (take - 1)));
            if (addUnique(uniform[size_t(u)].second.data())) push(uniform[size_t(u)].second.data());
        }
        const int randoms = N_ - pop_.count;
        for (int r = 0, tries = 0; pop_.count < N_ && tries < kMaxChildTries * N_; ++tries, ++r) {
            const double level = randoms <= 1 ? rng_.unit() : double(r % randoms) / double(randoms - 1);
            for (int k = 0; k < G_; ++k) {
                const int n = sp_.options(k);
                const double x = std::clamp(level + (rng_.unit() - 0.5) * 0.6, 0.0, 1.0);
                child_[size_t(k)] = uint8_t(std::min(n - 1, int(x * n)));
            }
            GenomeCost c = sp_.cost(child_.data());
            sp_.repair(child_.data(), c, rng_);
            if (addUnique(child_.data())) push(child_.data());
        }
    }

    int tournament() {
        const int a = int(rng_.below(uint32_t(pop_.count)));
        const int b = int(rng_.below(uint32_t(pop_.count)));
        if (pop_.rank[size_t(a)] != pop_.rank[size_t(b)]) return pop_.rank[size_t(a)] < pop_.rank[size_t(b)] ? a : b;
        if (pop_.crowd[size_t(a)] != pop_.crowd[size_t(b)]) return pop_.crowd[size_t(a)] > pop_.crowd[size_t(b)] ? a : b;
        return std::min(a, b);
    }

    // Up to N children, each a subnet that is neither a parent nor an earlier child; in a
    // space that is nearly exhausted some slots stay empty.
    void makeChildren() {
        seen_.clear();
        for (int i = 0; i < pop_.count; ++i) seen_.insert(sp_.hash(pop_.at(i)));
        for (int c = 0; c < N_; ++c) {
            for (int tries = 0; tries < kMaxChildTries; ++tries) {
                if (rng_.chance(opt_.mutationShare)) {
                    const uint8_t* p = pop_.at(tournament());
                    for (int k = 0; k < G_; ++k)
                        child_[size_t(k)] = rng_.chance(opt_.mutationProb) ? uint8_t(rng_.below(uint32_t(sp_.options(k))))
                                                                           : p[k];
                } else {
                    const uint8_t* p1 = pop_.at(tournament());
                    const uint8_t* p2 = pop_.at(tournament());
                    for (int k = 0; k < G_; ++k) child_[size_t(k)] = rng_.chance(0.5) ? p1[k] : p2[k];
                }
                GenomeCost cost = sp_.cost(child_.data());
                sp_.repair(child_.data(), cost, rng_);
                if (addUnique(child_.data())) {
                    push(child_.data());
                    break;
                }
            }
        }
    }

    void evaluate(int first, int last) {
        batch_.resize(size_t(last - first));
        for (int i = first; i < last; ++i) {
            sp_.toConfig(pop_.at(i), batch_[size_t(i - first)]);
            pop_.bitops[size_t(i)] = sp_.cost(pop_.at(i)).bitops;
        }
        if (batch_.empty()) return;
        search::predictBatch(predict_, batch_, preds_, &res_.predictorSeconds);
        for (int i = first; i < last; ++i) pop_.pred[size_t(i)] = preds_[size_t(i - first)];
        res_.evaluations += last - first;
    }

    // Elitist survival: parents and children sorted together, the best N kept.
    void select() {
        std::vector<int> all(static_cast<size_t>(pop_.count));
        std::iota(all.begin(), all.end(), 0);
        const auto fronts = sortFronts(pop_, all);
        const std::vector<int> keep = survivors(pop_, fronts, N_);
        next_.count = 0;
        for (int i : keep) {
            std::copy(pop_.at(i), pop_.at(i) + G_, next_.at(next_.count));
            next_.pred[size_t(next_.count)] = pop_.pred[size_t(i)];
            next_.bitops[size_t(next_.count)] = pop_.bitops[size_t(i)];
            ++next_.count;
        }
        std::swap(pop_, next_);
        // Ranks and crowding within the survivors, for the next tournaments.
        std::vector<int> idx(static_cast<size_t>(pop_.count));
        std::iota(idx.begin(), idx.end(), 0);
        sortFronts(pop_, idx);
    }

    void report(int gen) {
        if (!progress_) return;
        Progress pr;
        pr.stage = "search";
        pr.done = gen;
        pr.total = opt_.generations;
        pr.elapsedSeconds = secondsSince(start_);
        int front = 0;
        double best = -kInf;
        for (int i = 0; i < pop_.count; ++i) {
            front += pop_.rank[size_t(i)] == 0;
            best = std::max(best, pop_.pred[size_t(i)]);
        }
        pr.values["front"] = front;
        pr.values["best"] = best;
        pr.values["evaluations"] = double(res_.evaluations);
        pr.message = "generation " + std::to_string(gen) + "/" + std::to_string(opt_.generations) + ": " +
                     std::to_string(front) + " points on the front";
        progress_(pr);
    }

    const Space& sp_;
    const BatchPredictor& predict_;
    const ParetoOptions& opt_;
    const ProgressFn& progress_;
    const StopToken& stop_;
    ParetoResult& res_;
    Rng rng_;
    const int G_, N_;
    Pool pop_, next_;
    std::vector<uint8_t> child_;
    std::unordered_set<uint64_t> seen_;
    std::vector<SubnetConfig> batch_;
    std::vector<double> preds_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// A space no larger than the evaluation budget: predict every subnet that fits, in batches,
// and keep the exact front.
std::vector<SearchCandidate> exhaustive(const Space& sp, const BatchPredictor& predict, const ParetoOptions& opt,
                                        const ProgressFn& progress, const StopToken& stop, ParetoResult& res) {
    const auto t0 = std::chrono::steady_clock::now();
    Pool p;
    p.G = sp.genes();
    std::vector<uint8_t> g(size_t(p.G), 0);
    std::vector<uint8_t> all;
    std::vector<double> bitops;
    for (int64_t visited = 0;; ++visited) {
        if ((visited & 0xffff) == 0 && stop.stopRequested()) {
            res.stopped = true;
            return {};
        }
        const GenomeCost c = sp.cost(g.data());
        if (sp.fits(c)) {
            all.insert(all.end(), g.begin(), g.end());
            bitops.push_back(c.bitops);
        }
        int k = p.G - 1;
        while (k >= 0 && ++g[size_t(k)] == sp.options(k)) g[size_t(k--)] = 0;
        if (k < 0) break;
    }
    const int n = int(bitops.size());
    p.genes = std::move(all);
    p.bitops = std::move(bitops);
    p.pred.assign(size_t(n), 0.0);
    p.rank.assign(size_t(n), 0);
    p.crowd.assign(size_t(n), 0.0);
    const int chunk = std::max(opt.population, 1024);
    const int chunks = (n + chunk - 1) / chunk;
    std::vector<SubnetConfig> batch;
    std::vector<double> preds;
    int done = 0;
    for (int c = 0; c < chunks; ++c) {
        if (stop.stopRequested()) {
            res.stopped = true;
            break;
        }
        const int first = c * chunk, last = std::min(n, first + chunk);
        batch.resize(size_t(last - first));
        for (int i = first; i < last; ++i) sp.toConfig(p.at(i), batch[size_t(i - first)]);
        search::predictBatch(predict, batch, preds, &res.predictorSeconds);
        for (int i = first; i < last; ++i) p.pred[size_t(i)] = preds[size_t(i - first)];
        res.evaluations += last - first;
        done = last;
        if (progress) {
            Progress pr;
            pr.stage = "search";
            pr.done = c + 1;
            pr.total = chunks;
            pr.elapsedSeconds = secondsSince(t0);
            pr.values["evaluations"] = double(res.evaluations);
            pr.message = "every subnet of the space: " + std::to_string(last) + "/" + std::to_string(n);
            progress(pr);
        }
    }
    std::vector<int> idx(static_cast<size_t>(done));
    std::iota(idx.begin(), idx.end(), 0);
    if (idx.empty()) return {};
    return toCandidates(sp, p, thin(p, firstFront(p, std::move(idx)), opt.population));
}

} // namespace

ParetoResult paretoSearch(const std::vector<LayerInfo>& layers, const HardwareProfile& profile,
                          const BatchPredictor& predict, const ParetoOptions& opt, const ProgressFn& progress,
                          const StopToken& stop) {
    const auto t0 = std::chrono::steady_clock::now();
    checkOptions(opt);
    if (!predict) throw Error("search: no accuracy predictor given");
    validateProfile(profile);
    checkFeasible(profile, layers);
    const Space sp(layers, profile);

    ParetoResult res;
    res.seed = opt.seed;
    const int64_t budget = int64_t(opt.population) * int64_t(std::max(opt.generations, 1));
    const int64_t limit = std::min(opt.exhaustiveUpTo < 0 ? budget : opt.exhaustiveUpTo, kExhaustiveAtMost);
    if (sp.size() <= limit) {
        res.exhaustive = true;
        res.front = exhaustive(sp, predict, opt, progress, stop, res);
    } else {
        Nsga2 ga(sp, predict, opt, progress, stop, res);
        const std::vector<int> front = ga.run();
        res.front = toCandidates(sp, ga.pool(), front);
    }
    res.seconds = secondsSince(t0);
    return res;
}

} // namespace eqnet
