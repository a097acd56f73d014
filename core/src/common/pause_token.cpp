// eqnet::PauseToken (eqnet/job.h).
#include "eqnet/job.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace eqnet {

struct PauseToken::State {
    std::mutex m;
    std::condition_variable cv;
    bool paused = false;
    int holders = 0; // threads blocked in waitWhilePaused
};
PauseToken::PauseToken() : s_(std::make_shared<State>()) {}
void PauseToken::pause() const {
    std::lock_guard<std::mutex> l(s_->m);
    s_->paused = true;
}
void PauseToken::resume() const {
    {
        std::lock_guard<std::mutex> l(s_->m);
        s_->paused = false;
    }
    s_->cv.notify_all();
}
bool PauseToken::paused() const {
    std::lock_guard<std::mutex> l(s_->m);
    return s_->paused;
}
void PauseToken::waitWhilePaused(const StopToken& stop) const {
    std::unique_lock<std::mutex> l(s_->m);
    if (!s_->paused || stop.stopRequested()) return;
    ++s_->holders;
    while (s_->paused && !stop.stopRequested()) s_->cv.wait_for(l, std::chrono::milliseconds(100));
    --s_->holders;
}
bool PauseToken::holding() const {
    std::lock_guard<std::mutex> l(s_->m);
    return s_->holders > 0;
}

} // namespace eqnet
