#pragma once
// Data-parallel work over several processes (docs/distributed.md): LibTorch's c10d with its
// Gloo process group, ranks meeting at a TCP store on the master. Plain types only; the
// collectives themselves are in the engine (core/src/dist/).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace eqnet {

// Where the ranks meet and which one this process is. A world of 1 is a plain run.
struct DistOptions {
    int worldSize = 1;
    int rank = 0;
    // Which of the ranks on this machine this one is (LOCAL_RANK): the GPU it takes (rankDevice).
    int localRank = 0;
    std::string masterHost = "127.0.0.1";
    int masterPort = 29500;
    // How long a collective (and the meeting) waits for the other ranks before it fails. A dead
    // rank is noticed at once (its connections close); this bounds a rank that hangs.
    double timeoutSeconds = 1800;

    bool distributed() const { return worldSize > 1; }
};

// The environment variables PyTorch's launchers set, over `given` where present: WORLD_SIZE,
// RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT. Throws eqnet::Error naming the variable when one
// is not a number in range.
DistOptions distOptionsFromEnvironment(DistOptions given);
// Throws eqnet::Error unless 1 <= worldSize, 0 <= rank < worldSize, 0 <= localRank,
// 1 <= port <= 65535 and the timeout is positive; "what" names the source in the message ("--rank", "RANK").
void checkDistOptions(const DistOptions& o);
// "HOST:PORT" (or "HOST", keeping the port) into o; throws eqnet::Error on a bad port.
void parseMaster(const std::string& text, DistOptions& o);

// The device a rank computes on: "cuda" (any GPU) becomes "cuda:<localRank>", so that the ranks
// of one machine take one GPU each, as c10d's launchers arrange; anything else (the CPU, a GPU
// named by number) is kept.
std::string rankDevice(const std::string& device, int localRank);

// Whether this build carries the distributed engine (LibTorch with c10d/Gloo, and gloo's
// headers when it was built). Without it, connecting a world of more than one rank throws.
bool distributedSupported();

// The ranks of a data-parallel run, connected: the collectives the engine needs (a sum, a
// broadcast from rank 0) and the store the ranks meet at, for small messages (rank 0's word
// that the run folder is ready). Every call is collective unless it says otherwise: each rank
// makes the same calls in the same order. A failure (a rank died, a timeout) throws
// eqnet::Error saying which rank this is and what was lost.
class RankGroup {
public:
    // Meets the other ranks (waits up to the timeout for all of them) and connects. Throws
    // eqnet::Error when the build lacks the distributed engine or the meeting fails.
    static std::shared_ptr<RankGroup> connect(const DistOptions& o);
    ~RankGroup();
    RankGroup(const RankGroup&) = delete;
    RankGroup& operator=(const RankGroup&) = delete;

    int rank() const;
    int size() const;
    const DistOptions& options() const;

    // Not collective: a value in the store, for every rank to read with waitValue.
    void postValue(const std::string& key, const std::string& value);
    // Not collective: the value of `key`, waiting up to the timeout for it to be posted.
    std::string waitValue(const std::string& key);
    // Not collective: the value of `key` if it has been posted, without waiting.
    std::optional<std::string> tryValue(const std::string& key);
    // Not collective: adds `delta` to the counter `key` (0 when new) and returns the new value,
    // atomically over all ranks (delta 0 reads it).
    int64_t addToCounter(const std::string& key, int64_t delta);
    // Every rank reaches this point before any goes on.
    void barrier();

    // Not collective: from now on a thread of this rank posts a beat every second on its own
    // connection, also while the rank computes, until the group is destroyed. Rank 0 tells a
    // live rank from a dead or stopped one by it (lastBeat). Idempotent.
    void startHeartbeat();
    // Not collective: rank r's beat count (0 before its first beat).
    int64_t lastBeat(int r);

    struct Impl;
    Impl& impl() { return *d_; }

private:
    explicit RankGroup(std::unique_ptr<Impl> d);
    std::unique_ptr<Impl> d_;
};

// Rank 0 runs `start` (it creates or opens the run folder), then posts "ready" under `key`, or
// the error `start` threw (and rethrows it). Every other rank waits for that word and throws
// eqnet::Error with rank 0's message when it is not "ready"; it does not run `start`. Without
// a group (null): just start().
void startOnRankZero(RankGroup* group, const std::string& key, const std::function<void()>& start);

} // namespace eqnet
