// RankGroup on LibTorch's c10d: a TCPStore on the master (rank 0 serves it) and a Gloo
// process group over it. Built only where the LibTorch has c10d with Gloo and gloo's headers
// are present (EQNET_HAVE_C10D, core/CMakeLists.txt); otherwise connect() says so.
#include "dist/collectives.h"

#include "eqnet/error.h"

#include <cstdlib>
#include <limits>

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
    if (o.masterHost.empty()) throw Error("master host: empty");
    if (!(o.timeoutSeconds > 0) || o.timeoutSeconds > 7 * 24 * 3600.0)
        throw Error("distributed timeout " + std::to_string(o.timeoutSeconds) + " s: must be positive, at most a week");
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
void RankGroup::barrier() {}

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
