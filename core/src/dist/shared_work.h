#pragma once
// Work shared by the ranks through the store (docs/distributed.md, "Measurement"): rank 0 posts
// a batch of items, every rank claims items one at a time (whoever is free takes the next),
// the other ranks deliver their results to rank 0, and rank 0 takes over the items of a rank
// that has stopped beating. Only the store is used (no collective), so a dead rank does not
// stop the others.
#include "eqnet/distributed.h"
#include "eqnet/job.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace eqnet::dist {

// Rank 0: the number the next batch gets. Batches are numbered 0, 1, ... in the order rank 0
// posts them; every other rank serves them in that order.
int64_t nextBatchNumber(RankGroup& g);
// Rank 0: the description of batch `seq` (what every rank needs to do its items).
void postBatch(RankGroup& g, int64_t seq, const std::string& description);
// A rank that beats no more for this long is taken for dead.
constexpr double kDeadAfterSeconds = 15;

// Rank 0's view of the other ranks' heartbeats (RankGroup::startHeartbeat).
class BeatWatch {
public:
    BeatWatch(RankGroup& g, double deadAfterSeconds) : g_(g), deadAfter_(deadAfterSeconds) {}
    // Whether rank r's beat has not moved for deadAfterSeconds since this watch first looked.
    bool dead(int r);

private:
    RankGroup& g_;
    double deadAfter_;
    std::map<int, std::pair<int64_t, std::chrono::steady_clock::time_point>> beats_; // rank: (beat, seen)
};

// Rank 0: no batch follows. Returns once every other rank has left the work (leaveWork) or is
// dead, so that the store, which rank 0 serves, outlives their last look at it.
void postEndOfWork(RankGroup& g, double deadAfterSeconds = kDeadAfterSeconds);
// Every other rank: the description of batch `seq`, or nothing when rank 0 has posted the end
// (or `stop` was requested). Waits as long as it takes: rank 0 may be training or searching.
std::optional<std::string> waitForBatch(RankGroup& g, int64_t seq, const StopToken& stop);
// Every other rank, however it stops serving: tells rank 0 (postEndOfWork) not to wait for it.
void leaveWork(RankGroup& g);

class SharedBatch {
public:
    SharedBatch(RankGroup& g, int64_t seq, size_t count, double deadAfterSeconds = kDeadAfterSeconds);

    // Any rank: the next item no rank has claimed, or nothing once all are claimed.
    std::optional<size_t> claim();
    // A rank other than 0: item i's result, for rank 0.
    void deliver(size_t i, const std::string& result);
    // Rank 0: the results other ranks have delivered since the last call. Never waits.
    std::vector<std::pair<size_t, std::string>> takeDelivered();
    // Rank 0: items claimed by another rank that has delivered nothing for them and has stopped
    // beating (or whose claim names no rank) for kDeadAfterSeconds: they are rank 0's now.
    // Each item is returned once; a late result for it is still delivered by takeDelivered.
    std::vector<size_t> takeOrphans();

private:
    std::string key(const std::string& what) const;
    // Items another rank has claimed whose result rank 0 has not taken yet.
    std::vector<size_t> othersClaimed();
    RankGroup& g_;
    std::mutex mutex_; // rank 0's workers claim while its collector takes results
    std::string prefix_;
    size_t count_;
    bool exhausted_ = false;
    // Rank 0's view.
    std::set<size_t> mine_, taken_, orphaned_;
    double deadAfter_;
    BeatWatch beats_;
    std::map<size_t, std::chrono::steady_clock::time_point> ownerless_; // first seen
};

} // namespace eqnet::dist
