#pragma once
// Training tab: live curves of a training run and the controls to train it in the studio.
// The curves come from one mechanism only: the run's metrics.jsonl, followed with
// eqnet::MetricsFollower on a timer. That serves a run trained here (on the tab's JobRunner)
// and a headless `eqnet train` / `eqnet pipeline` writing the same folder from another
// process alike. The supernet stage is drawn after the last FP step (one global step axis).
#include "run_curves.h"
#include "training_types.h"

#include "eqnet/run_folder.h"

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

#include <memory>
#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;
class QToolButton;

namespace eqnet {
namespace ui {

class ComparedRuns;
class JobRunner;
class RunDocument;
struct JobProgress;

class TrainingTab : public QWidget {
    Q_OBJECT
public:
    explicit TrainingTab(RunDocument* doc, QWidget* parent = nullptr);
    // Stops a running job (it writes a resumable checkpoint) and waits for it.
    ~TrainingTab() override;

    JobRunner* runner() const { return runner_; }
    // Starts (or resumes from the checkpoint) training the open run on the tab's runner;
    // false when that is not possible now (no run, finished, a job runs, another process
    // writes the run, or the run cannot be opened: the status line says why).
    bool startTraining();
    void setPaused(bool paused);
    // The job writes a checkpoint at the end of its current step and ends (resumable).
    void stopTraining();
    // True while a run is open and its metrics file is followed.
    bool isFollowing() const;
    // True while the file grew recently without a job of this tab writing it.
    bool isForeignWriterActive() const;

    // A recorded subnet name ("fp", "largest", "random1", "smallest", "W4A4") as the legends
    // show it, translated: which network each curve is.
    static QString curveName(const QString& recorded);
    QCustomPlot* lossPlot() const { return lossPlot_; }
    QCustomPlot* accuracyPlot() const { return accPlot_; }
    QCustomPlot* lrPlot() const { return lrPlot_; }
    QCustomPlot* momentsPlot() const { return momentsPlot_; }
    // Other runs drawn over the open one (Compare runs).
    ComparedRuns* comparedRuns() const { return compared_; }
    // Adds the run in `dir` to the compared ones; false with the reason in *error.
    bool compareWith(const QString& dir, QString* error = nullptr);
    // Reads what the metrics file gained at once (the timer does it every ~300 ms).
    void pollNow();
    // The global step at which the supernet stage starts (the last FP step seen), 0 before.
    qint64 fpStepOffset() const { return stepAxis_.fpSteps(); }

public slots:
    // What the job's weight snapshots draw levels for (from the Weights tab); passed to a
    // running job at once and to every job started later.
    void setSnapshotRequest(const eqnet::SnapshotRequest& request);

signals:
    // A weight snapshot of the job trained in this tab (on the UI thread).
    void snapshotsReady(const QString& stage, qint64 step, const std::vector<eqnet::LayerSnapshot>& layers);
    // The in-app job ended: finished = the run is complete (false: stopped or failed).
    void trainingFinished(bool finished);

private:
    void onOpened();
    void onClosed();
    void resetFollower();
    // Adds what metrics.jsonl gained since the last read; true when it grew after that read.
    bool readNewRecords();
    void clearPlots();
    // Redraws the loss curves from the recorded values with the current smoothing.
    void applySmoothing();
    void fillCompareMenu();
    void addRecords(const std::vector<MetricsRecord>& records);
    QCPGraph* seriesGraph(QHash<QString, QCPGraph*>& graphs, QCustomPlot* plot, const QString& name, bool markers);
    void showStageBoundary();
    void scheduleReplot();
    void doReplot();
    void onJobProgress(const JobProgress& p);
    void onJobFinished(const QString& title, bool ok, const QString& error, bool stopped);
    void updateFollowedProgress();
    void updateControls();
    void updateStatus();
    bool hasCheckpoint() const;
    bool runFinished() const;

    RunDocument* doc_;
    JobRunner* runner_;
    QTimer* pollTimer_;
    std::unique_ptr<MetricsFollower> follower_;
    std::shared_ptr<TrainingJob> job_;
    SnapshotRequest request_;
    TrainOutcome lastOutcome_;

    QPushButton* startButton_;
    QPushButton* pauseButton_;
    QPushButton* stopButton_;
    QProgressBar* progressBar_;
    QLabel* progressLabel_;
    QLabel* statusLabel_;
    QLabel* messageLabel_;
    QString lastJobPosition_; // "stage:step" of the job's last progress report
    QString messageAt_;       // where the job was when the shown message came

    QCustomPlot* lossPlot_;
    QCustomPlot* accPlot_;
    QCustomPlot* lrPlot_;
    QCustomPlot* momentsPlot_;
    QHash<QString, QCPGraph*> lossGraphs_;
    QHash<QString, QVector<double>> rawLossKeys_, rawLoss_; // as recorded; the graphs show them smoothed
    QDoubleSpinBox* smoothing_ = nullptr;
    QToolButton* compareButton_ = nullptr;
    ComparedRuns* compared_ = nullptr;
    QHash<QString, QCPGraph*> accGraphs_;
    QCPGraph* lrGraph_ = nullptr;
    QCPGraph* skewGraph_ = nullptr;
    QCPGraph* kurtGraph_ = nullptr;
    QList<QCPItemText*> placeholders_;
    QList<QCPItemStraightLine*> boundaryLines_;
    QList<QCPItemText*> boundaryLabels_;
    QCPItemStraightLine* skewTarget_ = nullptr;
    QCPItemStraightLine* kurtTarget_ = nullptr;
    QHash<QCustomPlot*, bool> autoScale_; // off once the person zooms or drags; double click
    bool replotQueued_ = false;

    // What the records said so far.
    StepAxis stepAxis_;         // the last FP step seen: where the supernet stage starts
    bool boundaryShown_ = false;
    QString lastStage_;
    qint64 lastStep_ = 0;       // within lastStage_
    int lastRanks_ = 1;         // processes that trained the last step (data-parallel)
    qint64 stepsPerEpoch_ = 0;  // known from the first evaluation line
    QString lastEvent_;         // "started", "stopped", "finished", ...
    qint64 recordCount_ = 0;
    // Pace of a followed run (steps seen growing while no job of ours writes).
    QElapsedTimer lastGrowth_;
    QElapsedTimer paceTimer_;
    qint64 paceStartStep_ = -1;
    QString jobError_;
    QString endNote_;           // what the last in-app job did ("stopped", "finished", ...)
};

} // namespace ui
} // namespace eqnet
