// RankGroup on LibTorch's c10d: a TCPStore on the master (rank 0 serves it) and a Gloo
// process group over it. Built only where the LibTorch has c10d with Gloo and gloo's headers
// are present (EQNET_HAVE_C10D, core/CMakeLists.txt); otherwise connect() says so.
#include "dist/collectives.h"

#include "eqnet/error.h"

#include <condition_variable>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <thread>

#if EQNET_HAVE_C10D
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace eqnet {

namespace {

int envInt(const char* name, int fallback, long lo, long hi) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    errno = 0;
    const long x = std::strtol(v, &end, 10);
    if (errno || *end || x < lo || x > hi)
        throw Error(std::string(name) + "=" + v + ": expected a whole number from " + std::to_string(lo) + " to " +
                    std::to_string(hi));
    return int(x);
}

} // namespace

DistOptions distOptionsFromEnvironment(DistOptions o) {
    o.worldSize = envInt("WORLD_SIZE", o.worldSize, 1, 65536);
    o.rank = envInt("RANK", o.rank, 0, 65535);
    o.localRank = envInt("LOCAL_RANK", o.localRank, 0, 65535);
    if (const char* host = std::getenv("MASTER_ADDR"); host && *host) o.masterHost = host;
    o.masterPort = envInt("MASTER_PORT", o.masterPort, 1, 65535);
    return o;
}

void checkDistOptions(const DistOptions& o) {
    if (o.worldSize < 1) throw Error("world size " + std::to_string(o.worldSize) + ": must be at least 1");
    if (o.rank < 0 || o.rank >= o.worldSize)
        throw Error("rank " + std::to_string(o.rank) + ": must be from 0 to world size - 1 (" +
                    std::to_string(o.worldSize - 1) + ")");
    if (o.masterPort < 1 || o.masterPort > 65535)
        throw Error("master port " + std::to_string(o.masterPort) + ": must be from 1 to 65535");
    if (o.localRank < 0) throw Error("local rank " + std::to_string(o.localRank) + ": must be at least 0");
    if (o.masterHost.empty()) throw Error("master host: empty");
    if (!(o.timeoutSeconds > 0) || o.timeoutSeconds > 7 * 24 * 3600.0)
        throw Error("distributed timeout " + std::to_string(o.timeoutSeconds) + " s: must be positive, at most a week");
}

std::string rankDevice(const std::string& device, int localRank) {
    return device == "cuda" ? "cuda:" + std::to_string(localRank) : device;
}

void parseMaster(const std::string& text, DistOptions& o) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
        o.masterHost = text;
        return;
    }
    const std::string port = text.substr(colon + 1);
    char* end = nullptr;
    const long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end || p < 1 || p > 65535)
        throw Error("--master " + text + ": the port must be a number from 1 to 65535");
    o.masterHost = text.substr(0, colon);
    o.masterPort = int(p);
}

#if EQNET_HAVE_C10D

bool distributedSupported() { return true; }

struct RankGroup::Impl {
    DistOptions opt;
    c10::intrusive_ptr<c10d::TCPStore> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;

    // The heartbeat (startHeartbeat): its own connection, so that a beat never waits behind a
    // long call of the rank's main connection.
    std::thread beat;
    std::mutex beatMutex;
    std::condition_variable beatWake;
    bool beatEnd = false;

    ~Impl() {
        if (!beat.joinable()) return;
        {
            std::lock_guard<std::mutex> lock(beatMutex);
            beatEnd = true;
        }
        beatWake.notify_all();
        beat.join();
    }

    // What a failed collective means, said once for every call site.
    [[noreturn]] void lost(const std::string& what, const std::exception& e) const {
        throw Error("rank " + std::to_string(opt.rank) + " of " + std::to_string(opt.worldSize) + ": " + what +
                    " failed; another rank has stopped or cannot be reached (" + e.what() + ")");
    }
};

std::shared_ptr<RankGroup> RankGroup::connect(const DistOptions& o) {
    checkDistOptions(o);
    auto d = std::make_unique<Impl>();
    d->opt = o;
    const auto timeout = std::chrono::milliseconds(int64_t(o.timeoutSeconds * 1000));
    try {
        c10d::TCPStoreOptions so;
        so.port = uint16_t(o.masterPort);
        so.isServer = o.rank == 0;
        so.numWorkers = size_t(o.worldSize);
        so.waitWorkers = true;
        so.timeout = timeout;
        d->store = c10::make_intrusive<c10d::TCPStore>(o.masterHost, so);
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(o.rank) + ": could not meet the other " + std::to_string(o.worldSize - 1) +
                    " ranks at " + o.masterHost + ":" + std::to_string(o.masterPort) + " (" + e.what() + ")");
    }
    try {
        auto po = c10d::ProcessGroupGloo::Options::create(timeout);
        // Loopback when the master is this machine's loopback; the interface GLOO_SOCKET_IFNAME
        // names, as in PyTorch; otherwise the address this machine's host name resolves to.
        const bool loopback = o.masterHost == "localhost" || o.masterHost.rfind("127.", 0) == 0;
        const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
        po->devices.push_back(loopback ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                              : ifname && *ifname ? c10d::ProcessGroupGloo::createDeviceForInterface(ifname)
                                                  : c10d::ProcessGroupGloo::createDefaultDevice());
        // Two threads: a step's buckets are in flight together.
        po->threads = 2;
        d->group = c10::make_intrusive<c10d::ProcessGroupGloo>(d->store, o.rank, o.worldSize, po);
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(o.rank) + ": could not connect the process group (" + e.what() + ")");
    }
    return std::shared_ptr<RankGroup>(new RankGroup(std::move(d)));
}

void RankGroup::postValue(const std::string& key, const std::string& value) {
    try {
        d_->store->set(key, std::vector<uint8_t>(value.begin(), value.end()));
    } catch (const std::exception& e) {
        d_->lost("posting " + key, e);
    }
}

std::string RankGroup::waitValue(const std::string& key) {
    try {
        const std::vector<uint8_t> v = d_->store->get(key);
        return std::string(v.begin(), v.end());
    } catch (const std::exception& e) {
        d_->lost("waiting for " + key, e);
    }
}

std::optional<std::string> RankGroup::tryValue(const std::string& key) {
    try {
        if (!d_->store->check({key})) return std::nullopt;
        const std::vector<uint8_t> v = d_->store->get(key);
        return std::string(v.begin(), v.end());
    } catch (const std::exception& e) {
        d_->lost("reading " + key, e);
    }
}

int64_t RankGroup::addToCounter(const std::string& key, int64_t delta) {
    try {
        return d_->store->add(key, delta);
    } catch (const std::exception& e) {
        d_->lost("counting " + key, e);
    }
}

namespace {
std::string beatKey(int rank) { return "eqnet/heartbeat/" + std::to_string(rank); }
} // namespace

void RankGroup::startHeartbeat() {
    Impl& d = *d_;
    if (d.beat.joinable()) return;
    c10d::TCPStoreOptions so;
    so.port = uint16_t(d.opt.masterPort);
    so.isServer = false;
    so.waitWorkers = false;
    so.timeout = std::chrono::milliseconds(int64_t(d.opt.timeoutSeconds * 1000));
    c10::intrusive_ptr<c10d::TCPStore> own;
    try {
        own = c10::make_intrusive<c10d::TCPStore>(d.opt.masterHost, so);
    } catch (const std::exception& e) {
        d.lost("connecting the heartbeat", e);
    }
    d.beat = std::thread([&d, own] {
        const std::string key = beatKey(d.opt.rank);
        std::unique_lock<std::mutex> lock(d.beatMutex);
        for (int64_t n = 1; !d.beatEnd; ++n) {
            try {
                const std::string v = std::to_string(n);
                own->set(key, std::vector<uint8_t>(v.begin(), v.end()));
            } catch (const std::exception&) {
                return; // rank 0 has gone: the main connection says so where it matters
            }
            d.beatWake.wait_for(lock, std::chrono::seconds(1), [&d] { return d.beatEnd; });
        }
    });
}

int64_t RankGroup::lastBeat(int r) {
    const auto v = tryValue(beatKey(r));
    if (!v) return 0;
    try {
        return std::stoll(*v);
    } catch (const std::exception&) {
        return 0;
    }
}

void RankGroup::barrier() {
    try {
        d_->group->barrier()->wait();
    } catch (const std::exception& e) {
        d_->lost("a barrier", e);
    }
}

namespace dist {

void allReduceSum(RankGroup& g, std::vector<torch::Tensor>& tensors) {
    auto& d = g.impl();
    try {
        std::vector<c10::intrusive_ptr<c10d::Work>> works;
        std::vector<std::vector<at::Tensor>> args(tensors.size());
        for (size_t i = 0; i < tensors.size(); ++i) {
            args[i] = {tensors[i]};
            works.push_back(d.group->allreduce(args[i]));
        }
        for (auto& w : works) w->wait();
    } catch (const std::exception& e) {
        d.lost("a sum over the ranks", e);
    }
}

void broadcastFromRankZero(RankGroup& g, std::vector<torch::Tensor>& tensors) {
    auto& d = g.impl();
    try {
        c10d::BroadcastOptions bo;
        bo.rootRank = 0;
        std::vector<c10::intrusive_ptr<c10d::Work>> works;
        std::vector<std::vector<at::Tensor>> args(tensors.size());
        for (size_t i = 0; i < tensors.size(); ++i) {
            args[i] = {tensors[i]};
            works.push_back(d.group->broadcast(args[i], bo));
        }
        for (auto& w : works) w->wait();
    } catch (const std::exception& e) {
        d.lost("a broadcast from rank 0", e);
    }
}

} // namespace dist

#else // no c10d with Gloo in this build

bool distributedSupported() { return false; }

struct RankGroup::Impl {
    DistOptions opt;
};

std::shared_ptr<RankGroup> RankGroup::connect(const DistOptions& o) {
    checkDistOptions(o);
    throw Error("this build has no distributed engine: it needs a LibTorch with c10d and Gloo "
                "(Debian's has them) and gloo's headers (libgloo-dev) when it is built");
}
void RankGroup::postValue(const std::string&, const std::string&) {}
std::string RankGroup::waitValue(const std::string&) { return {}; }
std::optional<std::string> RankGroup::tryValue(const std::string&) { return std::nullopt; }
int64_t RankGroup::addToCounter(const std::string&, int64_t) { return 0; }
void RankGroup::barrier() {}
void RankGroup::startHeartbeat() {}
int64_t RankGroup::lastBeat(int) { return 0; }

namespace dist {
void allReduceSum(RankGroup&, std::vector<torch::Tensor>&) {}
void broadcastFromRankZero(RankGroup&, std::vector<torch::Tensor>&) {}
} // namespace dist

#endif

void startOnRankZero(RankGroup* group, const std::string& key, const std::function<void()>& start) {
    if (!group || group->rank() == 0) {
        try {
            start();
        } catch (const std::exception& e) {
            if (group) group->postValue(key, std::string("error: ") + e.what());
            throw;
        }
        if (group) group->postValue(key, "ready");
        return;
    }
    const std::string word = group->waitValue(key);
    if (word != "ready")
        throw Error("rank " + std::to_string(group->rank()) + ": rank 0 could not start the run (" +
                    word.substr(word.rfind("error: ", 0) == 0 ? 7 : 0) + ")");
}

RankGroup::RankGroup(std::unique_ptr<Impl> d) : d_(std::move(d)) {}
RankGroup::~RankGroup() = default;
int RankGroup::rank() const { return d_->opt.rank; }
int RankGroup::size() const { return d_->opt.worldSize; }
const DistOptions& RankGroup::options() const { return d_->opt; }

} // namespace eqnet
