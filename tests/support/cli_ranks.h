#pragma once
// Running the command line (EQNET_CLI, defined by the suite's CMake target) as a test would at
// a terminal, alone or as the ranks of `eqnet launch`: the data-parallel and distributed
// measurement suites share these.
#include "eqtest.h"

#include "eqnet/distributed.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace eqtest {

// A small run: 2048 synthetic training images, batch 256 (8 steps per epoch), one thread.
inline std::vector<std::string> smallRun(const std::string& out, int fpEpochs = 1) {
    return {"train",        "--out",       out,   "--data-format", "synthetic", "--val-size", "256", "--model", "fmnist-cnn",
            "--batch-size", "256",         "--fp-epochs", std::to_string(fpEpochs), "--epochs", "1",
            "--calib-images", "256",       "--eval-images", "256", "--threads", "1", "--seed", "3"};
}

inline pid_t start(std::vector<std::string> args, const std::string& log) {
    const pid_t pid = fork();
    if (pid == 0) {
        std::FILE* f = std::freopen(log.c_str(), "w", stderr);
        (void)f;
        dup2(fileno(stderr), STDOUT_FILENO);
        std::vector<char*> argv;
        std::string self = EQNET_CLI;
        argv.push_back(self.data());
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(self.c_str(), argv.data());
        std::_Exit(127);
    }
    return pid;
}

inline int finish(pid_t pid) {
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

inline std::string readAll(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline int run(const std::vector<std::string>& args, const std::string& log) { return finish(start(args, log)); }

inline std::vector<std::string> launched(int ranks, std::vector<std::string> args) {
    std::vector<std::string> v{"launch", "-n", std::to_string(ranks), "--"};
    v.insert(v.end(), args.begin(), args.end());
    return v;
}

#define EQ_NEED_DISTRIBUTED()                                                                            \
    do {                                                                                                 \
        if (!eqnet::distributedSupported()) EQ_SKIP("this build has no distributed engine (libgloo-dev missing)"); \
    } while (0)

inline int freePort() {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    close(s);
    return ntohs(a.sin_port);
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The pid of rank r as `eqnet launch` printed it in its log ("pids 101, 102"), or -1.
inline pid_t launchedRankPid(const std::string& log, int r) {
    auto at = log.find("pids ");
    if (at == std::string::npos) return -1;
    at += 5;
    for (int i = 0; i < r; ++i) {
        at = log.find(", ", at);
        if (at == std::string::npos) return -1;
        at += 2;
    }
    return pid_t(std::stol(log.substr(at)));
}

} // namespace eqtest
