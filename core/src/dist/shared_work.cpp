// Work shared by the ranks through the store (shared_work.h).
#include "dist/shared_work.h"

#include <thread>

namespace eqnet::dist {

namespace {
const std::string kEnd = "eqnet/work/end";
std::string batchKey(int64_t seq) { return "eqnet/work/" + std::to_string(seq) + "/description"; }
std::string leftKey(int rank) { return "eqnet/work/left/" + std::to_string(rank); }
} // namespace

int64_t nextBatchNumber(RankGroup& g) { return g.addToCounter("eqnet/work/batches", 1) - 1; }

void postBatch(RankGroup& g, int64_t seq, const std::string& description) { g.postValue(batchKey(seq), description); }

bool BeatWatch::dead(int r) {
    const auto now = std::chrono::steady_clock::now();
    const int64_t beat = g_.lastBeat(r);
    auto it = beats_.find(r);
    if (it == beats_.end() || it->second.first != beat) it = beats_.insert_or_assign(r, std::make_pair(beat, now)).first;
    return now - it->second.second > std::chrono::duration<double>(deadAfter_);
}

void postEndOfWork(RankGroup& g, double deadAfterSeconds) {
    g.postValue(kEnd, "end");
    BeatWatch beats(g, deadAfterSeconds);
    std::vector<int> waiting;
    for (int r = 1; r < g.size(); ++r) waiting.push_back(r);
    while (!waiting.empty()) {
        std::vector<int> still;
        for (int r : waiting)
            if (!g.tryValue(leftKey(r)) && !beats.dead(r)) still.push_back(r);
        waiting = std::move(still);
        if (!waiting.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void leaveWork(RankGroup& g) { g.postValue(leftKey(g.rank()), "left"); }

std::optional<std::string> waitForBatch(RankGroup& g, int64_t seq, const StopToken& stop) {
    const std::string key = batchKey(seq);
    while (!stop.stopRequested()) {
        if (auto d = g.tryValue(key)) return d;
        if (g.tryValue(kEnd)) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return std::nullopt;
}

SharedBatch::SharedBatch(RankGroup& g, int64_t seq, size_t count, double deadAfterSeconds)
    : g_(g), prefix_("eqnet/work/" + std::to_string(seq) + "/"), count_(count), deadAfter_(deadAfterSeconds),
      beats_(g, deadAfterSeconds) {}

std::string SharedBatch::key(const std::string& what) const { return prefix_ + what; }

std::optional<size_t> SharedBatch::claim() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (exhausted_) return std::nullopt;
    const int64_t v = g_.addToCounter(key("next"), 1);
    if (v < 1 || size_t(v) > count_) {
        exhausted_ = true;
        return std::nullopt;
    }
    const size_t i = size_t(v - 1);
    if (g_.rank() == 0) mine_.insert(i);
    else g_.postValue(key("owner/" + std::to_string(i)), std::to_string(g_.rank()));
    return i;
}

void SharedBatch::deliver(size_t i, const std::string& result) {
    g_.postValue(key("result/" + std::to_string(i)), result);
}

std::vector<size_t> SharedBatch::othersClaimed() {
    const int64_t claimed = g_.addToCounter(key("next"), 0);
    std::vector<size_t> out;
    for (size_t i = 0; i < std::min(count_, size_t(std::max<int64_t>(claimed, 0))); ++i)
        if (!mine_.count(i) && !taken_.count(i)) out.push_back(i);
    return out;
}

std::vector<std::pair<size_t, std::string>> SharedBatch::takeDelivered() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::pair<size_t, std::string>> out;
    for (size_t i : othersClaimed())
        if (auto r = g_.tryValue(key("result/" + std::to_string(i)))) {
            taken_.insert(i);
            out.emplace_back(i, std::move(*r));
        }
    return out;
}

std::vector<size_t> SharedBatch::takeOrphans() {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    const auto dead = std::chrono::duration<double>(deadAfter_);
    std::vector<size_t> out;
    for (size_t i : othersClaimed()) {
        if (orphaned_.count(i)) continue;
        bool gone = false;
        const auto owner = g_.tryValue(key("owner/" + std::to_string(i)));
        int r = -1;
        if (owner) {
            try {
                r = std::stoi(*owner);
            } catch (const std::exception&) {
                r = -1;
            }
        }
        if (r < 0) { // claimed, but the claim names no rank (yet): it would within microseconds
            const auto first = ownerless_.emplace(i, now).first->second;
            gone = now - first > dead;
        } else {
            gone = beats_.dead(r);
        }
        if (gone) {
            orphaned_.insert(i);
            out.push_back(i);
        }
    }
    return out;
}

} // namespace eqnet::dist
