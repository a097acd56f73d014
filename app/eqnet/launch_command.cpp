// eqnet launch -n N -- COMMAND...: a data-parallel run of COMMAND on this machine as N
// processes (ranks), with the environment the ranks meet by (WORLD_SIZE, RANK, LOCAL_RANK,
// MASTER_ADDR, MASTER_PORT). It starts them, watches them, forwards Ctrl-C (the ranks agree on
// the step to stop after) and ends all of them when one fails (docs/distributed.md), except
// that while rank 0 leads measurements another rank may fail: rank 0 measures its share.
#include "commands.h"
#include "child_process.h"

#include "eqnet/error.h"
#include "eqnet/measurement_pool.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace eqcli {

using namespace eqnet;

namespace {

struct LaunchArgs {
    int ranks = 2;
    int masterPort = 0;
    double graceSeconds = 10;
    std::vector<std::string> command;
};

volatile sig_atomic_t g_signals = 0; // Ctrl-C or SIGTERM to the launcher, counted
void onSignal(int) { g_signals = g_signals + 1; }

// A port on the loopback that is free now (the kernel's choice), for the ranks' meeting.
int freeLoopbackPort() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) throw Error(std::string("cannot open a socket to find a free port: ") + std::strerror(errno));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        const int e = errno;
        ::close(s);
        throw Error(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(e));
    }
    ::close(s);
    return ntohs(a.sin_port);
}

int runLaunch(const LaunchArgs& a) {
    if (a.command.empty()) throw Error("eqnet launch: give the command after --, e.g. eqnet launch -n 2 -- train --out RUN");
    if (a.command.front() == "launch") throw Error("eqnet launch: the command cannot be launch itself");
    const int port = a.masterPort > 0 ? a.masterPort : freeLoopbackPort();
    // Rank 0 writes "measuring" here while losing another rank loses nothing.
    char statePath[] = "/tmp/eqnet-launch-XXXXXX";
    const int stateFd = ::mkstemp(statePath);
    if (stateFd < 0) throw Error(std::string("eqnet launch: cannot create a file in /tmp: ") + std::strerror(errno));
    ::close(stateFd);
    struct RemoveState {
        const char* path;
        ~RemoveState() { ::unlink(path); }
    } removeState{statePath};
    const auto rankZeroMeasuring = [&] {
        std::ifstream in(statePath);
        std::stringstream text;
        text << in.rdbuf();
        return text.str() == SharedMeasurementScope::kMeasuring;
    };
    std::vector<pid_t> pids(size_t(a.ranks), -1);
    std::vector<int> status(size_t(a.ranks), 0);
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    for (int r = 0; r < a.ranks; ++r) {
        // The ranks get Ctrl-C from the launcher only (once, so that they stop together), and
        // die with it.
        ChildOptions o;
        o.ownGroup = true;
        o.dieWithParent = true;
        o.environment = {{"WORLD_SIZE", std::to_string(a.ranks)}, {"RANK", std::to_string(r)},
                         {"LOCAL_RANK", std::to_string(r)},       {"LOCAL_WORLD_SIZE", std::to_string(a.ranks)},
                         {"MASTER_ADDR", "127.0.0.1"},            {"MASTER_PORT", std::to_string(port)},
                         {SharedMeasurementScope::kLaunchStateVariable, statePath}};
        pids[size_t(r)] = startSelf(a.command, o);
    }
    std::string list;
    for (int r = 0; r < a.ranks; ++r) list += (r ? ", " : "") + std::to_string(pids[size_t(r)]);
    std::fprintf(stderr, "eqnet launch: %d ranks on 127.0.0.1:%d, pids %s\n", a.ranks, port, list.c_str());

    int running = a.ranks, forwarded = 0, failed = -1;
    std::vector<int> lost; // ranks that failed while rank 0 could do without them
    auto killAll = [&](int sig) {
        for (int r = 0; r < a.ranks; ++r)
            if (pids[size_t(r)] > 0) ::kill(pids[size_t(r)], sig);
    };
    std::chrono::steady_clock::time_point failedAt{}, termAt{};
    bool termSent = false, killSent = false;
    while (running > 0) {
        // Ctrl-C: forwarded once (the ranks stop after an agreed step and write their
        // checkpoint); a second one ends them at once.
        if (g_signals > forwarded) {
            forwarded = g_signals;
            killAll(forwarded == 1 ? SIGINT : SIGKILL);
        }
        int st = 0;
        const pid_t pid = ::waitpid(-1, &st, WNOHANG);
        if (pid > 0) {
            for (int r = 0; r < a.ranks; ++r)
                if (pids[size_t(r)] == pid) {
                    pids[size_t(r)] = -1;
                    status[size_t(r)] = st;
                    --running;
                    const bool ok = WIFEXITED(st) && (WEXITSTATUS(st) == 0 || (forwarded && WEXITSTATUS(st) == 130));
                    if (!ok && r != 0 && failed < 0 && rankZeroMeasuring()) {
                        lost.push_back(r);
                        std::fprintf(stderr, "eqnet launch: rank %d %s; rank 0 measures its share\n", r,
                                     describeWaitStatus(st).c_str());
                    } else if (!ok && failed < 0) {
                        failed = r;
                        failedAt = std::chrono::steady_clock::now();
                        std::fprintf(stderr, "eqnet launch: rank %d %s; ending the other ranks\n", r, describeWaitStatus(st).c_str());
                    }
                }
            continue;
        }
        if (failed >= 0) {
            // The others notice the lost rank at their next collective and end with their own
            // error; those still running after the grace period are ended.
            const auto now = std::chrono::steady_clock::now();
            if (!termSent && now - failedAt > std::chrono::duration<double>(a.graceSeconds)) {
                killAll(SIGTERM);
                termSent = true;
                termAt = now;
            } else if (termSent && !killSent && now - termAt > std::chrono::seconds(10)) {
                killAll(SIGKILL);
                killSent = true;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (failed >= 0) {
        std::fprintf(stderr, "eqnet launch: failed: rank %d %s\n", failed, describeWaitStatus(status[size_t(failed)]).c_str());
        return 2;
    }
    for (int r : lost)
        std::fprintf(stderr, "eqnet launch: rank %d %s; rank 0 finished without it\n", r,
                     describeWaitStatus(status[size_t(r)]).c_str());
    for (int st : status)
        if (WIFEXITED(st) && WEXITSTATUS(st) == 130) return 130;
    return 0;
}

} // namespace

void registerLaunch(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<LaunchArgs>();
    auto* cmd = app.add_subcommand("launch", "run a command (train, pipeline) data-parallel as N processes on this "
                                             "machine: eqnet launch -n 2 -- train --out RUN");
    cmd->add_option("-n,--ranks", a->ranks, "processes (ranks) to start")->capture_default_str();
    cmd->add_option("--master-port", a->masterPort, "port the ranks meet at on 127.0.0.1 (0: a free one)")
        ->capture_default_str();
    cmd->add_option("--grace", a->graceSeconds,
                    "seconds the other ranks get to end by themselves after one failed, before they are ended")
        ->capture_default_str();
    cmd->add_option("command", a->command, "the eqnet command and its options, after --")->required();
    set.add(cmd, [a] { return runLaunch(*a); });
}

} // namespace eqcli
