#pragma once
// Long work off the UI thread (DEVELOPERS.md, "The studio"). A JobRunner runs one core
// job at a time on its own worker thread and reports back through queued signals:
//  - progress is throttled (at most one signal per interval, 50 ms by default: a plot does
//    not need more than ~20 updates a second), the last one of a stage always gets through;
//  - stop and pause go to the job's eqnet::StopToken / eqnet::PauseToken;
//  - a job hands results to the UI thread with JobContext::post(), which runs the function
//    on the thread the runner lives in (queued, never blocking the worker).
// Exceptions thrown by the job end it with an error message (finished(ok = false)).
#include "eqnet/job.h"

#include <QElapsedTimer>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace eqnet {
namespace ui {

// A Progress as the UI sees it.
struct JobProgress {
    QString stage;
    qint64 done = 0;
    qint64 total = 0;
    double fraction = 0;     // 0..1 (0 when the total is unknown)
    double etaSeconds = 0;   // 0 when unknown
    double elapsedSeconds = 0;
    QMap<QString, double> values;
    QString message;
};
JobProgress toJobProgress(const Progress& p);
// "1 h 05 min", "4 min 12 s", "37 s": how long is left, for progress bars.
QString formatDuration(double seconds);
// Processes events until done() holds or timeoutMs passes (for tests and shutdown, never for
// ordinary UI code); returns done().
bool processEventsUntil(const std::function<bool()>& done, int timeoutMs);

class JobRunner;

// What a running job gets.
class JobContext {
public:
    StopToken stop;
    PauseToken pause;
    // Report progress (throttled, thread-safe). Pass it to core functions as their ProgressFn.
    ProgressFn progress;
    // Runs `fn` on the runner's thread (the UI thread), after the current events.
    void post(std::function<void()> fn) const;
    // A message for the status bar / log.
    void message(const QString& text) const;

private:
    friend class JobRunner;
    JobRunner* runner_ = nullptr;
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    using Work = std::function<void(JobContext&)>;

    explicit JobRunner(QObject* parent = nullptr);
    // Asks a running job to stop and waits for it (a stop always leaves a resumable run).
    ~JobRunner() override;

    // Starts `work` on the worker thread; false (and nothing started) while a job runs.
    bool start(const QString& title, Work work);
    bool isBusy() const { return busy_; }
    QString title() const { return title_; }

    void requestStop();
    bool stopRequested() const;
    void setPaused(bool paused);
    bool isPaused() const;
    // The running job has acknowledged the pause: it is held between two steps.
    bool isHeld() const;

    // Waits for the running job to end, processing events (for tests and shutdown); false on
    // timeout.
    bool waitForIdle(int timeoutMs);


signals:
    void started(const QString& title);
    void progress(const eqnet::ui::JobProgress& p);
    void message(const QString& text);
    void pausedChanged(bool paused);
    // ok = false: the job threw (error says why). stopped: a stop was requested.
    void finished(const QString& title, bool ok, const QString& error, bool stopped);

private slots:
    void drainInbox();

private:
    friend class JobContext;
    // Runs fn on the runner's thread after the current events (queued, never blocking).
    void queue(std::function<void()> fn);
    void emitProgress(const Progress& p);
    void onWorkerDone(bool ok, const QString& error);

    QString title_;
    bool busy_ = false;
    static constexpr int intervalMs_ = 50; // at most one progress signal per this many ms
    std::unique_ptr<std::thread> thread_;
    StopToken stop_;
    PauseToken pause_;
    // Progress throttling, touched by the worker only.
    std::mutex throttleMutex_;
    // Functions posted by the worker, run on the runner's thread by drainInbox().
    std::mutex inboxMutex_;
    std::vector<std::function<void()>> inbox_;
    QElapsedTimer sinceLast_;
    std::string lastStage_;
};

} // namespace ui
} // namespace eqnet

Q_DECLARE_METATYPE(eqnet::ui::JobProgress)
