// Measurement shared by the ranks of a distributed run (docs/distributed.md, "Measurement"):
// the store protocol (claims, results, a dead rank's items taken over, the end), and the
// command line's CQAP sampling and front verification as two ranks against one process,
// with a rank killed in the middle.
#include "eqtest.h"
#include "cli_ranks.h"
#include "sanitizer.h"

#include "dist/shared_work.h"
#include "eqnet/distributed.h"
#include "eqnet/run_layout.h"

#include <nlohmann/json.hpp>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

using namespace eqnet;
using namespace eqtest;
namespace fs = std::filesystem;

namespace {

// Rank 0 in this thread, rank 1 in another, both of this process.
struct TwoRanks {
    std::shared_ptr<RankGroup> zero, one;
    TwoRanks() {
        DistOptions o;
        o.worldSize = 2;
        o.masterPort = freePort();
        o.timeoutSeconds = 120;
        std::thread other([&] {
            DistOptions p = o;
            p.rank = 1;
            one = RankGroup::connect(p);
        });
        zero = RankGroup::connect(o);
        other.join();
    }
};

// Polls `f` (true when done) every 20 ms for up to `seconds`.
template <typename F> bool within(double seconds, F f) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds * eqtest::kWaitScale);
    while (std::chrono::steady_clock::now() < end) {
        if (f()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

} // namespace

EQ_TEST(shared_batch_claims_each_item_once_and_rank_zero_takes_over_a_dead_ranks_items) {
    EQ_NEED_DISTRIBUTED();
    TwoRanks g;
    // Batch 0: both ranks claim 40 items at the same time; rank 1 delivers what it claimed.
    const int64_t seq0 = dist::nextBatchNumber(*g.zero);
    EQ_COMPARE(seq0, int64_t(0));
    dist::postBatch(*g.zero, seq0, "batch 0");
    StopToken stop;
    EQ_COMPARE(dist::waitForBatch(*g.one, 0, stop).value_or(""), std::string("batch 0"));
    dist::SharedBatch zero0(*g.zero, 0, 40, 600), one0(*g.one, 0, 40, 600);
    std::vector<size_t> mine, theirs;
    // Rank 1 claims a few first, so that both ranks hold items however the threads are
    // scheduled (on a loaded machine rank 0 could otherwise claim all 40 before rank 1 starts).
    for (int k = 0; k < 3; ++k) {
        const size_t i = one0.claim().value();
        theirs.push_back(i);
        one0.deliver(i, "result " + std::to_string(i));
    }
    std::thread other([&] {
        while (auto i = one0.claim()) {
            theirs.push_back(*i);
            one0.deliver(*i, "result " + std::to_string(*i));
        }
    });
    while (auto i = zero0.claim()) mine.push_back(*i);
    other.join();
    EQ_VERIFY(!theirs.empty());
    std::map<size_t, std::string> delivered;
    bool twice = false;
    EQ_VERIFY(within(30, [&] {
        for (auto& [i, r] : zero0.takeDelivered()) twice |= !delivered.emplace(i, r).second; // each once
        return delivered.size() == theirs.size();
    }));
    EQ_VERIFY(!twice);
    for (size_t i : theirs) EQ_COMPARE(delivered[i], "result " + std::to_string(i));
    std::set<size_t> all(mine.begin(), mine.end());
    all.insert(theirs.begin(), theirs.end());
    EQ_COMPARE(all.size(), mine.size() + theirs.size()); // no item claimed twice
    EQ_COMPARE(all.size(), size_t(40));
    EQ_VERIFY(zero0.takeOrphans().empty()); // everything delivered

    // Batch 1: rank 1 claims two items, delivers one and falls silent (it never beats); after the
    // dead-after time the other is rank 0's, and only that one.
    const int64_t seq1 = dist::nextBatchNumber(*g.zero);
    EQ_COMPARE(seq1, int64_t(1));
    dist::postBatch(*g.zero, seq1, "batch 1");
    dist::SharedBatch zero1(*g.zero, 1, 6, 1.0), one1(*g.one, 1, 6, 1.0);
    const size_t a = one1.claim().value(), b = one1.claim().value();
    one1.deliver(a, "done");
    std::vector<size_t> rest;
    while (auto i = zero1.claim()) rest.push_back(*i);
    EQ_COMPARE(rest.size(), size_t(4));
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<size_t> orphans;
    std::vector<std::pair<size_t, std::string>> got;
    EQ_VERIFY(within(30, [&] {
        for (auto& d : zero1.takeDelivered()) got.push_back(d);
        for (size_t i : zero1.takeOrphans()) orphans.push_back(i);
        return !orphans.empty();
    }));
    EQ_VERIFY(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(900)); // not before it is dead
    EQ_COMPARE(orphans, std::vector<size_t>{b});
    EQ_COMPARE(got.size(), size_t(1));
    EQ_COMPARE(got[0].first, a);
    EQ_VERIFY(zero1.takeOrphans().empty()); // returned once
    // A late result of the item taken over is still delivered (the caller keeps the first).
    one1.deliver(b, "late");
    EQ_VERIFY(within(30, [&] {
        for (auto& d : zero1.takeDelivered()) got.push_back(d);
        return got.size() == 2;
    }));
    EQ_COMPARE(got[1].first, b);

    // The end: rank 1 sees it, says it has left, and rank 0's end returns.
    std::optional<std::string> after;
    std::thread last([&] {
        after = dist::waitForBatch(*g.one, 2, stop);
        dist::leaveWork(*g.one);
    });
    dist::postEndOfWork(*g.zero, 600);
    last.join();
    EQ_VERIFY(!after);
}

namespace {

// (form, index) -> (accuracy, loss) of a samples file; `twice` counts subnets recorded twice.
using Samples = std::map<std::pair<std::string, int64_t>, std::pair<double, double>>;
Samples samples(const std::string& run, int& twice) {
    Samples out;
    std::ifstream in(cqapSamplesPath(run));
    std::string line;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line);
        const auto key = std::make_pair(j.at("form").get<std::string>(), j.at("index").get<int64_t>());
        twice += int(out.count(key));
        out[key] = {j.at("accuracy").get<double>(), j.at("loss").get<double>()};
    }
    return out;
}

// The measured part of a front file: every point's and baseline's subnet and measurements.
nlohmann::json measuredFront(const std::string& run) {
    const auto f = nlohmann::json::parse(readAll(frontPath(run, "flex-2to8-pt")));
    nlohmann::json out = nlohmann::json::array();
    for (const char* list : {"points", "uniform"})
        for (const auto& p : f.at(list)) {
            nlohmann::json q = p;
            q.erase("predicted");
            out.push_back(q);
        }
    return out;
}

} // namespace

EQ_TEST(two_ranks_measure_what_one_process_measures_and_a_dead_rank_loses_nothing) {
    EQ_NEED_DISTRIBUTED();
    const std::string w = eqtest::scratchDir(), one = w + "/one", two = w + "/two", killed = w + "/killed";
    EQ_COMPARE(run(smallRun(one), w + "/train.log"), 0);
    fs::copy(one, two, fs::copy_options::recursive);
    fs::copy(one, killed, fs::copy_options::recursive);

    // CQAP sampling: the same subnets with the same accuracy and loss, to the last bit (one
    // thread per process), each once; rank 1 measured some of them.
    const std::vector<std::string> cqap{"cqap", "--per-form", "3", "--threads", "1"};
    auto with = [](std::vector<std::string> v, const std::string& run) {
        v.insert(v.begin() + 1, {"--run", run});
        return v;
    };
    EQ_COMPARE(run(with(cqap, one), w + "/cqap-one.log"), 0);
    EQ_COMPARE(run(launched(2, with(cqap, two)), w + "/cqap-two.log"), 0);
    int twice = 0;
    const auto a = samples(one, twice), b = samples(two, twice);
    EQ_COMPARE(a.size(), size_t(24));
    EQ_VERIFY(a == b);
    EQ_COMPARE(twice, 0);
    const std::string log = readAll(w + "/cqap-two.log");
    EQ_VERIFY2(contains(log, "rank 1: measured ") && !contains(log, "rank 1: measured 0 "), log);

    // The search's verification (validation, test, per-image results) likewise.
    const std::vector<std::string> search{"search", "--population", "16", "--generations", "4", "--threads", "1"};
    EQ_COMPARE(run(with(search, one), w + "/search-one.log"), 0);
    EQ_COMPARE(run(launched(2, with(search, two)), w + "/search-two.log"), 0);
    const auto fa = measuredFront(one), fb = measuredFront(two);
    EQ_VERIFY(fa.size() > 2);
    for (const auto& p : fa) EQ_VERIFY2(p.contains("validation") && p.contains("test_correct"), p.dump());
    EQ_VERIFY2(fa == fb, fa.dump() + "\n" + fb.dump());

    // Rank 1 killed in the middle of sampling: the launcher lets rank 0 go on, rank 0 measures
    // what rank 1 held, and the file has every subnet once, with the values one process gets.
    const pid_t launcher = start(launched(2, with({"cqap", "--per-form", "8", "--threads", "1", "--sample-only"}, killed)),
                                 w + "/killed.log");
    EQ_VERIFY(within(600, [&] {
        std::ifstream in(cqapSamplesPath(killed));
        return std::count(std::istreambuf_iterator<char>(in), {}, '\n') >= 6;
    }));
    const pid_t rank1 = launchedRankPid(readAll(w + "/killed.log"), 1);
    EQ_VERIFY(rank1 > 0);
    EQ_COMPARE(kill(rank1, SIGKILL), 0);
    const int rc = finish(launcher);
    const std::string klog = readAll(w + "/killed.log");
    EQ_VERIFY2(rc == 0, klog);
    EQ_VERIFY2(contains(klog, "rank 1 was killed by signal 9") && contains(klog, "rank 0 measures its share"), klog);
    const auto c = samples(killed, twice);
    EQ_COMPARE(twice, 0);
    EQ_COMPARE(c.size(), size_t(64));
    for (const auto& [key, value] : a) EQ_VERIFY(c.at(key) == value);
}
