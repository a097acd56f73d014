#pragma once
// Long work runs as a job: a function with a progress callback and a stop token (DEVELOPERS.md).
// The command line draws a progress bar from the callback; the studio forwards it as queued
// signals from a worker thread. Plain types only.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace eqnet {

class StopToken {
public:
    StopToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
    void requestStop() const { flag_->store(true); }
    bool stopRequested() const { return flag_->load(); }
    void reset() const { flag_->store(false); }

private:
    std::shared_ptr<std::atomic<bool>> flag_;
};

struct Progress {
    std::string stage;   // e.g. "fp-train", "calibrate", "evaluate"
    int64_t done = 0;
    int64_t total = 0;
    int64_t doneAtStart = 0;    // work done before elapsedSeconds began (a resumed job)
    double elapsedSeconds = 0;  // of this stage, in this process
    std::map<std::string, double> values; // loss, accuracy, lr, images/s ...
    std::string message;

    double fraction() const { return total > 0 ? double(done) / double(total) : 0.0; }
    double etaSeconds() const {
        const int64_t timed = done - doneAtStart;
        return timed > 0 && total > done ? elapsedSeconds * double(total - done) / double(timed) : 0.0;
    }
};

using ProgressFn = std::function<void(const Progress&)>;

// Pausing a job between its steps: the job calls waitWhilePaused() where it may stop.
class PauseToken {
public:
    PauseToken();
    void pause() const;
    void resume() const;
    bool paused() const;
    // Blocks while paused, returns early when stop is requested.
    void waitWhilePaused(const StopToken& stop) const;
    // True while a job is blocked in waitWhilePaused(): the pause is acknowledged, the step
    // that was in flight has ended and nothing more is written until resume().
    bool holding() const;

private:
    struct State;
    std::shared_ptr<State> s_;
};

} // namespace eqnet
