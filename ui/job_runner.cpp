#include "job_runner.h"

#include "eqnet/timing.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QPointer>
#include <QThread>

#include <exception>

namespace eqnet {
namespace ui {

JobProgress toJobProgress(const Progress& p) {
    JobProgress j;
    j.stage = QString::fromStdString(p.stage);
    j.done = p.done;
    j.total = p.total;
    j.fraction = p.fraction();
    j.etaSeconds = p.etaSeconds();
    j.elapsedSeconds = p.elapsedSeconds;
    for (const auto& [k, v] : p.values) j.values.insert(QString::fromStdString(k), v);
    j.message = QString::fromStdString(p.message);
    return j;
}

QString formatDuration(double seconds) {
    if (!(seconds > 0)) return QString();
    const DurationParts d = splitDuration(seconds);
    if (d.hours > 0)
        return QCoreApplication::translate("eqnet::ui::JobRunner", "%1 h %2 min")
            .arg(d.hours)
            .arg(d.minutes, 2, 10, QLatin1Char('0'));
    if (d.minutes > 0)
        return QCoreApplication::translate("eqnet::ui::JobRunner", "%1 min %2 s").arg(d.minutes).arg(d.seconds);
    return QCoreApplication::translate("eqnet::ui::JobRunner", "%1 s").arg(d.seconds);
}

void JobContext::post(std::function<void()> fn) const { runner_->queue(std::move(fn)); }

void JobContext::message(const QString& text) const {
    JobRunner* r = runner_;
    r->queue([r, text] { emit r->message(text); });
}

// Every hand-over from the worker to the UI thread goes through the inbox: the functions travel
// under the runner's own mutex, and Qt's event only says "look in the inbox". So the hand-over
// is ordered by a lock ThreadSanitizer can see (Qt's own locks are out of its sight), and a
// burst of posts costs one event.
void JobRunner::queue(std::function<void()> fn) {
    bool wake = false;
    {
        std::lock_guard<std::mutex> l(inboxMutex_);
        wake = inbox_.empty();
        inbox_.push_back(std::move(fn));
    }
    if (wake) QMetaObject::invokeMethod(this, "drainInbox", Qt::QueuedConnection);
}

void JobRunner::drainInbox() {
    std::vector<std::function<void()>> due;
    {
        std::lock_guard<std::mutex> l(inboxMutex_);
        due.swap(inbox_);
    }
    for (std::function<void()>& fn : due) fn();
}

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
    static const int registered = qRegisterMetaType<eqnet::ui::JobProgress>();
    (void)registered;
}

JobRunner::~JobRunner() {
    if (thread_) {
        stop_.requestStop();
        pause_.resume();
        thread_->join();
    }
}

bool JobRunner::start(const QString& title, Work work) {
    if (busy_) return false;
    if (thread_) { // the previous worker has posted its end; it is finishing or finished
        thread_->join();
        thread_.reset();
    }
    busy_ = true;
    title_ = title;
    stop_ = StopToken();
    pause_ = PauseToken();
    {
        std::lock_guard<std::mutex> l(throttleMutex_);
        sinceLast_.invalidate();
        lastStage_.clear();
    }
    emit started(title);
    JobContext ctx;
    ctx.stop = stop_;
    ctx.pause = pause_;
    ctx.runner_ = this;
    ctx.progress = [this](const Progress& p) { emitProgress(p); };
    thread_ = std::make_unique<std::thread>([this, ctx, work = std::move(work)]() mutable {
        bool ok = true;
        QString error;
        try {
            work(ctx);
        } catch (const std::exception& e) {
            ok = false;
            error = QString::fromStdString(e.what());
        } catch (...) {
            ok = false;
            error = tr("unknown error");
        }
        queue([this, ok, error] { onWorkerDone(ok, error); });
    });
    return true;
}

void JobRunner::emitProgress(const Progress& p) {
    {
        std::lock_guard<std::mutex> l(throttleMutex_);
        const bool last = p.total > 0 && p.done >= p.total;
        const bool newStage = p.stage != lastStage_;
        if (!last && !newStage && sinceLast_.isValid() && sinceLast_.elapsed() < intervalMs_) return;
        sinceLast_.start();
        lastStage_ = p.stage;
    }
    const JobProgress j = toJobProgress(p);
    queue([this, j] { emit progress(j); });
}

void JobRunner::onWorkerDone(bool ok, const QString& error) {
    if (thread_) {
        thread_->join();
        thread_.reset();
    }
    busy_ = false;
    const QString title = title_;
    const bool stopped = stop_.stopRequested();
    if (pause_.paused()) {
        pause_.resume();
        emit pausedChanged(false);
    }
    emit finished(title, ok, error, stopped);
}

void JobRunner::requestStop() {
    if (!busy_) return;
    stop_.requestStop();
    if (pause_.paused()) { // a paused job wakes up to see the stop
        pause_.resume();
        emit pausedChanged(false);
    }
}

bool JobRunner::stopRequested() const { return stop_.stopRequested(); }

void JobRunner::setPaused(bool paused) {
    if (!busy_ || paused == pause_.paused()) return;
    if (paused)
        pause_.pause();
    else
        pause_.resume();
    emit pausedChanged(paused);
}

bool JobRunner::isPaused() const { return pause_.paused(); }
bool JobRunner::isHeld() const { return pause_.holding(); }

bool processEventsUntil(const std::function<bool()>& done, int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired()) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    return true;
}

bool JobRunner::waitForIdle(int timeoutMs) {
    return processEventsUntil([this] { return !busy_; }, timeoutMs);
}

} // namespace ui
} // namespace eqnet
