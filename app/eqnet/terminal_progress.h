#pragma once
// A progress bar with an ETA for the terminal, fed by core's ProgressFn. On a terminal it
// redraws one line (at most 10 times a second); in a log (CI, a pipe) it prints a line every
// few seconds instead, so logs stay readable.
#include "eqnet/job.h"
#include "eqnet/timing.h"

#include <chrono>
#include <string>

class TerminalProgress {
public:
    explicit TerminalProgress(std::string label);
    ~TerminalProgress();
    void update(const eqnet::Progress& p);
    void finish();
    eqnet::ProgressFn callback() {
        return [this](const eqnet::Progress& p) { update(p); };
    }

private:
    std::string label_;
    bool tty_;
    bool open_ = false;
    std::chrono::steady_clock::time_point last_{};
    double logEverySeconds_ = 5.0;
};
