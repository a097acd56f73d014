#pragma once
// Weights tab: a layer's FP weight histogram (as a density, so runs compare), its skewness and
// kurtosis, and the quantization levels of a chosen bit-width and form drawn over it.
// Sources: the open run's checkpoint (computed on a worker: eqnet::weightSnapshots), the live
// snapshots of a job training in the studio (showSnapshots), and optionally a second run to
// compare with (e.g. one trained without WDR), drawn in a second colour.
#include "training_types.h"

#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QCustomPlot;
class QCPGraph;
class QCPItemText;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QCPBars;

namespace eqnet {
namespace ui {

class JobRunner;
class RunDocument;

class WeightsTab : public QWidget {
    Q_OBJECT
public:
    explicit WeightsTab(RunDocument* doc, QWidget* parent = nullptr);
    ~WeightsTab() override;

    QCustomPlot* plot() const { return plot_; }
    // The layers of the data shown (checkpoint or live), in network order.
    int layerCount() const { return int(snapshots_.size()); }
    std::vector<LayerSnapshot> snapshots() const { return snapshots_; }
    std::vector<LayerSnapshot> comparisonSnapshots() const { return compareSnapshots_; }
    // "demo-run: skewness 0.05, kurtosis 2.77" (+ a line for the compared run).
    QString skewKurtText() const;
    SnapshotRequest request() const { return request_; }
    int currentLayer() const;
    // The step of the live snapshot shown; -1 when the data comes from the checkpoint.
    qint64 liveStep() const { return liveStep_; }

    // The second run to compare with; false (reason in *error) when it holds no checkpoint.
    bool setComparisonRun(const QString& dir, QString* error = nullptr);
    void clearComparison();
    bool hasComparison() const { return !compareDir_.isEmpty(); }
    QString comparisonName() const { return compareName_; }

    // Workers (tests wait on them): the open run's histograms and the compared run's.
    JobRunner* runner() const { return runner_; }
    JobRunner* comparisonRunner() const { return compareRunner_; }
    bool isBusy() const;

    // The graphs drawn: histogram of the open run, of the compared run, the levels (impulses).
    QCPGraph* histogramGraph() const { return histGraph_; }
    QCPGraph* comparisonGraph() const { return compareGraph_; }
    QCPGraph* levelsGraph() const { return levelsGraph_; }
    QCPGraph* comparisonLevelsGraph() const { return compareLevelsGraph_; }
    // Per layer: the relative quantization error (%) and the clipped fraction (%) of the
    // requested bits and form; per output channel of the shown layer: its step.
    QCustomPlot* errorPlot() const { return errorPlot_; }
    QCPBars* errorBars() const { return errorBars_; }
    QCPBars* clippedBars() const { return clippedBars_; }
    QCustomPlot* stepsPlot() const { return stepsPlot_; }
    QCPGraph* stepsGraph() const { return stepsGraph_; }
    // The live snapshots received from training in the studio (oldest first); the slider
    // shows any of them, the newest while it is at its end.
    int historySize() const { return int(history_.size()); }
    QSlider* historySlider() const { return historySlider_; }
    // Weights (false) or each layer's input, what its activation quantizer sees (true): those
    // of the open run's checkpoint (and the compared run's) on validation images.
    void setShowActivations(bool on);
    bool showsActivations() const { return activations_; }
    // What the current layer's quantization statistics say (the label under the controls).
    QString quantText() const;

public slots:
    // Live snapshots of a training job (TrainingTab::snapshotsReady): replace what is shown.
    void showSnapshots(const QString& stage, qint64 step, const std::vector<eqnet::LayerSnapshot>& layers);
    void setCurrentLayer(int index);
    // Sets bits / form / bins as the person would (emits snapshotRequestChanged on a change).
    void setRequest(const eqnet::SnapshotRequest& request);

signals:
    // The person changed bits, form or bins (for TrainingTab::setSnapshotRequest).
    void snapshotRequestChanged(const eqnet::SnapshotRequest& request);

private:
    void onLoaded();
    void onRequestEdited();
    void computeFromCheckpoint();
    void computeComparison();
    void setSnapshots(std::vector<LayerSnapshot> s);
    void fillLayerCombo();
    bool isFixedLayer(int index) const;
    void redraw();
    QString liveText() const; // where live snapshots come from: stage and step
    void chooseComparison();
    void redrawErrorPlot();
    void redrawStepsPlot(const LayerSnapshot* s);
    void showHistoryEntry(int index);
    void updateChannelSpin();

    struct HistoryEntry {
        QString stage;
        qint64 step = 0;
        std::vector<LayerSnapshot> layers;
    };
    std::vector<HistoryEntry> history_;

    RunDocument* doc_;
    JobRunner* runner_;
    JobRunner* compareRunner_;
    SnapshotRequest request_;
    std::vector<LayerSnapshot> snapshots_;
    std::vector<LayerSnapshot> compareSnapshots_;
    qint64 liveStep_ = -1;
    QString liveStage_; // "fp", "supernet": the step counts within it, as on the Training tab
    int mainGeneration_ = 0;
    bool mainPending_ = false;
    int compareGeneration_ = 0;
    bool comparePending_ = false;
    QString compareDir_;
    QString compareName_;
    QString compareError_;
    QString mainError_;

    QComboBox* kindCombo_;
    QComboBox* layerCombo_;
    bool activations_ = false;
    QSpinBox* bitsSpin_;
    QComboBox* formCombo_;
    QSpinBox* binsSpin_;
    QSpinBox* channelSpin_;
    QSlider* historySlider_;
    QLabel* historyLabel_;
    QLabel* quantLabel_;
    QPushButton* compareButton_;
    QPushButton* clearCompareButton_;
    QLabel* sourceLabel_;
    QLabel* fixedLabel_;
    QLabel* momentsLabel_;
    QCustomPlot* plot_;
    QCPGraph* histGraph_;
    QCPGraph* compareGraph_;
    QCPGraph* levelsGraph_;
    QCPGraph* compareLevelsGraph_;
    QCustomPlot* errorPlot_;
    QCPBars* errorBars_;
    QCPBars* clippedBars_;
    QCustomPlot* stepsPlot_;
    QCPGraph* stepsGraph_;
    QCPGraph* stepsChosenGraph_;
    QCPItemText* placeholder_;
};

} // namespace ui
} // namespace eqnet
