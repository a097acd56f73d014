#include "weights_tab.h"

#include "job_runner.h"
#include "plot_utils.h"
#include "run_document.h"
#include "text_format.h"

#include "eqnet/run_folder.h"
#include "eqnet/supernet.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace eqnet {
namespace ui {

namespace {

// A histogram as a density (count / (total * bin width)) in step-graph points: one point at
// each bin's left edge, and the last bin closed at the right edge.
QVector<QCPGraphData> densitySteps(const LayerSnapshot& s, double* maxDensity) {
    QVector<QCPGraphData> out;
    const double total = std::accumulate(s.counts.begin(), s.counts.end(), 0.0);
    if (s.counts.empty() || s.edges.size() != s.counts.size() + 1 || total <= 0) return out;
    out.reserve(int(s.counts.size()) + 1);
    double peak = 0;
    double d = 0;
    for (size_t i = 0; i < s.counts.size(); ++i) {
        const double w = s.edges[i + 1] - s.edges[i];
        d = w > 0 ? s.counts[i] / (total * w) : 0.0;
        peak = std::max(peak, d);
        out.append(QCPGraphData(s.edges[i], d));
    }
    out.append(QCPGraphData(s.edges.back(), d));
    if (maxDensity) *maxDensity = std::max(*maxDensity, peak);
    return out;
}

QString runNameOf(const QString& dir) { return QFileInfo(dir).fileName(); }

// The snapshots of a run's checkpoint. The supernet is not shared with the UI thread: it is
// loaded, used and dropped on the worker that calls this.
// With `activations`: each layer's input on the first kActivationImages validation images.
constexpr int64_t kActivationImages = 256;
std::vector<LayerSnapshot> checkpointSnapshots(const std::string& runDir, const SnapshotRequest& req, bool activations) {
    Supernet net = loadRunSupernet(runDir);
    if (!activations) return weightSnapshots(net, req);
    const Dataset data = loadDataset(inspectRun(runDir).config.data);
    return activationSnapshots(net, data, req, kActivationImages);
}

} // namespace

WeightsTab::WeightsTab(RunDocument* doc, QWidget* parent)
    : QWidget(parent), doc_(doc), runner_(new JobRunner(this)), compareRunner_(new JobRunner(this)) {
    registerTrainingMetaTypes();

    kindCombo_ = new QComboBox(this);
    kindCombo_->setObjectName(QStringLiteral("weightsKindCombo"));
    kindCombo_->addItem(tr("Weights"));
    kindCombo_->addItem(tr("Activations"));
    kindCombo_->setToolTip(tr("The layers' weights, or their inputs (what each activation quantizer sees)"));
    layerCombo_ = new QComboBox(this);
    layerCombo_->setObjectName(QStringLiteral("weightsLayerCombo"));
    bitsSpin_ = new QSpinBox(this);
    bitsSpin_->setObjectName(QStringLiteral("weightsBitsSpin"));
    bitsSpin_->setRange(kMinBits, kMaxBits);
    bitsSpin_->setValue(request_.bits);
    bitsSpin_->setSuffix(tr(" bit"));
    bitsSpin_->setToolTip(tr("Bit-width of the weight quantization levels drawn over the histogram"));
    formCombo_ = new QComboBox(this);
    formCombo_->setObjectName(QStringLiteral("weightsFormCombo"));
    for (const QuantForm& f : allForms()) {
        formCombo_->addItem(formText(f), formIndex(f));
        formCombo_->setItemData(formCombo_->count() - 1, QString::fromStdString(formName(f)), Qt::ToolTipRole);
    }
    formCombo_->setCurrentIndex(formCombo_->findData(formIndex(request_.form)));
    binsSpin_ = new QSpinBox(this);
    binsSpin_->setObjectName(QStringLiteral("weightsBinsSpin"));
    binsSpin_->setRange(5, 500);
    binsSpin_->setValue(request_.bins);
    binsSpin_->setToolTip(tr("Number of histogram bins"));
    channelSpin_ = new QSpinBox(this);
    channelSpin_->setObjectName(QStringLiteral("weightsChannelSpin"));
    channelSpin_->setRange(-1, 0);
    channelSpin_->setValue(-1);
    channelSpin_->setSpecialValueText(tr("widest range"));
    channelSpin_->setToolTip(tr("Per-channel forms: the output channel whose levels are drawn"));
    channelSpin_->setEnabled(request_.form.granularity == Granularity::PerChannel);
    historySlider_ = new QSlider(Qt::Horizontal, this);
    historySlider_->setObjectName(QStringLiteral("weightsHistorySlider"));
    historySlider_->setToolTip(tr("The weight snapshots of the training in the studio, oldest to newest"));
    historySlider_->setVisible(false);
    historyLabel_ = new QLabel(this);
    historyLabel_->setObjectName(QStringLiteral("weightsHistoryLabel"));
    historyLabel_->setVisible(false);
    quantLabel_ = new QLabel(this);
    quantLabel_->setObjectName(QStringLiteral("weightsQuantLabel"));
    quantLabel_->setWordWrap(true);
    quantLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    compareButton_ = new QPushButton(tr("Compare with run…"), this);
    compareButton_->setObjectName(QStringLiteral("weightsCompareButton"));
    compareButton_->setToolTip(tr("Draw the weights of a second run (e.g. one trained without WDR) beside these"));
    clearCompareButton_ = new QPushButton(tr("Clear comparison"), this);
    clearCompareButton_->setObjectName(QStringLiteral("weightsClearCompareButton"));
    clearCompareButton_->setEnabled(false);

    sourceLabel_ = new QLabel(this);
    sourceLabel_->setObjectName(QStringLiteral("weightsSourceLabel"));
    sourceLabel_->setWordWrap(true);
    fixedLabel_ = new QLabel(this);
    fixedLabel_->setObjectName(QStringLiteral("weightsFixedLabel"));
    fixedLabel_->setVisible(false);
    momentsLabel_ = new QLabel(this);
    momentsLabel_->setObjectName(QStringLiteral("weightsMomentsLabel"));
    momentsLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    plot_ = createPlot(this, QStringLiteral("weightsPlot"));
    plot_->xAxis->setLabel(tr("weight value"));
    plot_->yAxis->setLabel(tr("density"));
    placeLegendAbove(plot_);
    // A histogram: a step outline over a translucent fill of the same colour.
    const auto histogramGraph = [this](const QColor& c, int fillAlpha) {
        QCPGraph* g = plot_->addGraph();
        g->setLineStyle(QCPGraph::lsStepLeft);
        g->setPen(QPen(c, 1.5));
        QColor fill = c;
        fill.setAlpha(fillAlpha);
        g->setBrush(fill);
        return g;
    };
    histGraph_ = histogramGraph(seriesColor(0), 60);
    compareGraph_ = histogramGraph(seriesColor(1), 45);
    levelsGraph_ = plot_->addGraph();
    levelsGraph_->setLineStyle(QCPGraph::lsImpulse);
    levelsGraph_->setPen(QPen(QColor(213, 94, 0, 150), 1));
    compareLevelsGraph_ = plot_->addGraph();
    compareLevelsGraph_->setLineStyle(QCPGraph::lsImpulse);
    QColor compareLevels = seriesColor(1);
    compareLevels.setAlpha(170);
    compareLevelsGraph_->setPen(QPen(compareLevels, 1, Qt::DashLine));
    placeholder_ = addPlaceholder(plot_, tr("No weights to show"));

    // What the requested bits do to each layer; click a layer's bars to show it above.
    errorPlot_ = createPlot(this, QStringLiteral("weightsErrorPlot"));
    errorPlot_->setInteractions(QCP::Interactions());
    errorPlot_->yAxis->setLabel(tr("% per layer"));
    errorPlot_->xAxis->setTickLabelRotation(45);
    auto* group = new QCPBarsGroup(errorPlot_);
    errorBars_ = addGroupedBars(group, errorPlot_->xAxis, errorPlot_->yAxis,
                                tr("quantization error (% of the weights' energy)"), seriesColor(0));
    clippedBars_ = addGroupedBars(group, errorPlot_->xAxis, errorPlot_->yAxis, tr("weights clipped (%)"), seriesColor(5));
    placeLegendAbove(errorPlot_);
    connect(errorPlot_, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* e) {
        const int layer = int(std::lround(errorPlot_->xAxis->pixelToCoord(e->position().x()))) - 1;
        setCurrentLayer(layer);
    });
    stepsPlot_ = createPlot(this, QStringLiteral("weightsStepsPlot"));
    stepsPlot_->xAxis->setLabel(tr("output channel"));
    stepsPlot_->yAxis->setLabel(tr("quantization step"));
    stepsGraph_ = stepsPlot_->addGraph();
    stepsGraph_->setLineStyle(QCPGraph::lsImpulse);
    stepsGraph_->setPen(QPen(seriesColor(0), 1.2));
    stepsGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, seriesColor(0), seriesColor(0), 4));
    // Channels are whole numbers: ticks at multiples of 1, 2, 5, 10, ...
    auto channelTicker = QSharedPointer<QCPAxisTickerFixed>(new QCPAxisTickerFixed);
    channelTicker->setTickStep(1.0);
    channelTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    stepsPlot_->xAxis->setTicker(channelTicker);
    stepsChosenGraph_ = stepsPlot_->addGraph();
    stepsChosenGraph_->setLineStyle(QCPGraph::lsNone);
    stepsChosenGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(213, 94, 0), 2), Qt::NoBrush, 10));

    // The forms' descriptions are long: the combo may shrink (and elide) so that the tab, and
    // with it the window, stays usable on a small screen.
    formCombo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    formCombo_->setMinimumContentsLength(16);
    layerCombo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    layerCombo_->setMinimumContentsLength(8);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Layer:"), this));
    controls->addWidget(layerCombo_);
    controls->addWidget(new QLabel(tr("Levels:"), this));
    controls->addWidget(bitsSpin_);
    controls->addWidget(formCombo_, 1);
    controls->addWidget(new QLabel(tr("Bins:"), this));
    controls->addWidget(binsSpin_);
    auto* compareRow = new QHBoxLayout;
    compareRow->addWidget(kindCombo_);
    compareRow->addWidget(new QLabel(tr("Channel:"), this));
    compareRow->addWidget(channelSpin_);
    compareRow->addSpacing(12);
    compareRow->addWidget(compareButton_);
    compareRow->addWidget(clearCompareButton_);
    compareRow->addSpacing(12);
    compareRow->addWidget(historyLabel_);
    compareRow->addWidget(historySlider_, 1);
    compareRow->addStretch(0);
    auto* lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(errorPlot_);
    lower->addWidget(stepsPlot_);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 2);
    auto* plots = new QSplitter(Qt::Vertical, this);
    plots->setObjectName(QStringLiteral("weightsSplitter"));
    plots->addWidget(plot_);
    plots->addWidget(lower);
    plots->setStretchFactor(0, 3);
    plots->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(compareRow);
    layout->addWidget(sourceLabel_);
    layout->addWidget(fixedLabel_);
    layout->addWidget(momentsLabel_);
    layout->addWidget(quantLabel_);
    layout->addWidget(plots, 1);

    connect(layerCombo_, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    connect(bitsSpin_, &QSpinBox::valueChanged, this, &WeightsTab::onRequestEdited);
    connect(binsSpin_, &QSpinBox::valueChanged, this, &WeightsTab::onRequestEdited);
    connect(formCombo_, &QComboBox::currentIndexChanged, this, &WeightsTab::onRequestEdited);
    connect(channelSpin_, &QSpinBox::valueChanged, this, &WeightsTab::onRequestEdited);
    connect(kindCombo_, &QComboBox::currentIndexChanged, this, [this](int i) { setShowActivations(i == 1); });
    connect(historySlider_, &QSlider::valueChanged, this, &WeightsTab::showHistoryEntry);
    connect(compareButton_, &QPushButton::clicked, this, &WeightsTab::chooseComparison);
    connect(clearCompareButton_, &QPushButton::clicked, this, &WeightsTab::clearComparison);
    connect(runner_, &JobRunner::finished, this, [this](const QString&, bool ok, const QString& error, bool) {
        if (!ok) mainError_ = error;
        if (mainPending_) {
            mainPending_ = false;
            computeFromCheckpoint();
        }
        redraw();
    });
    connect(compareRunner_, &JobRunner::finished, this, [this](const QString&, bool ok, const QString& error, bool) {
        if (!ok) compareError_ = error;
        if (comparePending_) {
            comparePending_ = false;
            computeComparison();
        }
        redraw();
    });

    if (doc_) {
        // Another run (or none): what was shown, and any result still on its way, is stale.
        const auto forgetRun = [this] {
            ++mainGeneration_;
            liveStep_ = -1;
            history_.clear();
            historySlider_->setVisible(false);
            historyLabel_->setVisible(false);
            mainError_.clear();
            setSnapshots({});
        };
        connect(doc_, &RunDocument::opened, this, forgetRun);
        connect(doc_, &RunDocument::loaded, this, &WeightsTab::onLoaded);
        connect(doc_, &RunDocument::closed, this, forgetRun);
        if (doc_->isLoaded()) onLoaded();
    }
    redraw();
}

WeightsTab::~WeightsTab() {
    // Posted results capture this tab: end the workers before the members go.
    delete runner_;
    runner_ = nullptr;
    delete compareRunner_;
    compareRunner_ = nullptr;
}

bool WeightsTab::isBusy() const { return runner_->isBusy() || compareRunner_->isBusy(); }

int WeightsTab::currentLayer() const { return layerCombo_->currentIndex(); }

void WeightsTab::setCurrentLayer(int index) {
    if (index >= 0 && index < layerCombo_->count()) layerCombo_->setCurrentIndex(index);
}

void WeightsTab::setRequest(const SnapshotRequest& r) {
    const QSignalBlocker b1(bitsSpin_), b2(binsSpin_), b3(formCombo_), b4(channelSpin_);
    if (r.channel > channelSpin_->maximum()) channelSpin_->setMaximum(int(r.channel));
    channelSpin_->setValue(int(std::max<int64_t>(-1, r.channel)));
    bitsSpin_->setValue(r.bits);
    binsSpin_->setValue(r.bins);
    formCombo_->setCurrentIndex(formCombo_->findData(formIndex(r.form)));
    onRequestEdited();
}

void WeightsTab::onRequestEdited() {
    SnapshotRequest r;
    r.bits = bitsSpin_->value();
    r.bins = binsSpin_->value();
    const std::vector<QuantForm> forms = allForms();
    const int fi = formCombo_->currentData().toInt();
    r.form = fi >= 0 && fi < int(forms.size()) ? forms[size_t(fi)] : QuantForm{};
    r.channel = channelSpin_->value();
    channelSpin_->setEnabled(r.form.granularity == Granularity::PerChannel && !activations_);
    if (r.bits == request_.bits && r.bins == request_.bins && r.form == request_.form && r.channel == request_.channel)
        return;
    request_ = r;
    emit snapshotRequestChanged(request_);
    // Live data gets the new levels with the next snapshot of the job; the checkpoint (older
    // weights) would replace it, so it is recomputed only when it is what is shown.
    if (liveStep_ < 0 || activations_) computeFromCheckpoint();
    computeComparison();
    redraw();
}

void WeightsTab::onLoaded() {
    // After training the document reloads: the checkpoint holds the newest weights now.
    liveStep_ = -1;
    mainError_.clear();
    computeFromCheckpoint();
    redraw();
}

void WeightsTab::computeFromCheckpoint() {
    if (!doc_ || !doc_->isOpen() || !doc_->summary().hasCheckpoint) return;
    const int gen = ++mainGeneration_; // a result for an older request is dropped
    if (runner_->isBusy()) {
        mainPending_ = true;
        return;
    }
    mainError_.clear();
    const std::string dir = doc_->dirPath();
    const SnapshotRequest req = request_;
    const bool act = activations_;
    runner_->start(tr("Histograms of %1").arg(doc_->name()), [this, gen, dir, req, act](JobContext& ctx) {
        ctx.post([this, gen, s = checkpointSnapshots(dir, req, act)]() mutable {
            if (gen != mainGeneration_ || liveStep_ >= 0) return;
            setSnapshots(std::move(s));
        });
    });
    redraw();
}

void WeightsTab::computeComparison() {
    if (compareDir_.isEmpty()) return;
    const int gen = ++compareGeneration_;
    if (compareRunner_->isBusy()) {
        comparePending_ = true;
        return;
    }
    compareError_.clear();
    const std::string dir = compareDir_.toStdString();
    const SnapshotRequest req = request_;
    const bool act = activations_;
    compareRunner_->start(tr("Histograms of %1").arg(compareName_), [this, gen, dir, req, act](JobContext& ctx) {
        ctx.post([this, gen, s = checkpointSnapshots(dir, req, act)]() mutable {
            if (gen != compareGeneration_) return;
            compareSnapshots_ = std::move(s);
            redraw();
        });
    });
}

bool WeightsTab::setComparisonRun(const QString& dir, QString* error) {
    const QString path = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    RunSummary s;
    try {
        s = inspectRun(path.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    if (!s.hasCheckpoint) {
        if (error) *error = tr("%1 holds no checkpoint yet: nothing to compare").arg(path);
        return false;
    }
    compareDir_ = path;
    compareName_ = runNameOf(path);
    if (doc_ && doc_->isOpen() && compareName_ == doc_->name()) // two folders of one name
        compareName_ = QFileInfo(QFileInfo(path).absolutePath()).fileName() + QLatin1Char('/') + compareName_;
    compareSnapshots_.clear();
    compareError_.clear();
    clearCompareButton_->setEnabled(true);
    computeComparison();
    redraw();
    return true;
}

void WeightsTab::clearComparison() {
    ++compareGeneration_;
    comparePending_ = false;
    compareDir_.clear();
    compareName_.clear();
    compareError_.clear();
    compareSnapshots_.clear();
    clearCompareButton_->setEnabled(false);
    redraw();
}

void WeightsTab::chooseComparison() {
    QSettings settings;
    const QString start = settings.value(QStringLiteral("weights/compareDir"),
                                         doc_ && doc_->isOpen() ? QFileInfo(doc_->dir()).absolutePath() : QDir::homePath())
                              .toString();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Compare with run"), start);
    if (dir.isEmpty()) return;
    settings.setValue(QStringLiteral("weights/compareDir"), QFileInfo(dir).absolutePath());
    QString error;
    if (!setComparisonRun(dir, &error)) QMessageBox::warning(this, tr("Compare with run"), error);
}

void WeightsTab::showSnapshots(const QString& stage, qint64 step, const std::vector<LayerSnapshot>& layers) {
    constexpr size_t kMaxHistory = 400;
    const bool atNewest = history_.empty() || historySlider_->value() >= int(history_.size()) - 1;
    if (history_.size() >= kMaxHistory) history_.erase(history_.begin());
    history_.push_back(HistoryEntry{stage, step, layers});
    {
        const QSignalBlocker block(historySlider_);
        historySlider_->setRange(0, int(history_.size()) - 1);
        if (atNewest) historySlider_->setValue(int(history_.size()) - 1);
    }
    historySlider_->setVisible(history_.size() >= 2 && !activations_);
    historyLabel_->setVisible(history_.size() >= 2 && !activations_);
    if (activations_) return; // kept for when the weights are shown again
    if (atNewest) showHistoryEntry(int(history_.size()) - 1);
    else showHistoryEntry(historySlider_->value()); // its label counts the new one
}

void WeightsTab::setShowActivations(bool on) {
    if (on == activations_) return;
    activations_ = on;
    {
        const QSignalBlocker block(kindCombo_);
        kindCombo_->setCurrentIndex(on ? 1 : 0);
    }
    channelSpin_->setEnabled(request_.form.granularity == Granularity::PerChannel && !on);
    historySlider_->setVisible(history_.size() >= 2 && !on);
    historyLabel_->setVisible(history_.size() >= 2 && !on);
    plot_->xAxis->setLabel(on ? tr("activation value (layer input)") : tr("weight value"));
    // What is shown now belongs to the other kind: the checkpoint's (live weights stay in the
    // history, the slider shows them again).
    ++mainGeneration_;
    liveStep_ = -1;
    snapshots_.clear();
    compareSnapshots_.clear();
    fillLayerCombo();
    computeComparison();
    if (!on && !history_.empty()) {
        showHistoryEntry(historySlider_->value()); // back to the live weights
        return;
    }
    computeFromCheckpoint();
    redraw();
}

void WeightsTab::showHistoryEntry(int index) {
    if (index < 0 || index >= int(history_.size()) || activations_) return;
    const HistoryEntry& e = history_[size_t(index)];
    ++mainGeneration_; // a checkpoint result still on its way is older than this
    liveStep_ = e.step;
    liveStage_ = e.stage;
    historyLabel_->setText(tr("Snapshot %1 of %2:").arg(index + 1).arg(history_.size()));
    setSnapshots(e.layers);
}

void WeightsTab::setSnapshots(std::vector<LayerSnapshot> s) {
    snapshots_ = std::move(s);
    fillLayerCombo();
    redraw();
}

void WeightsTab::fillLayerCombo() {
    const QString current = layerCombo_->currentText();
    const QSignalBlocker block(layerCombo_);
    layerCombo_->clear();
    for (size_t i = 0; i < snapshots_.size(); ++i) {
        QString text = QString::fromStdString(snapshots_[i].name);
        if (isFixedLayer(int(i))) text = tr("%1 (fixed 8-bit)").arg(text);
        layerCombo_->addItem(text);
    }
    const int keep = layerCombo_->findText(current);
    layerCombo_->setCurrentIndex(keep >= 0 ? keep : (layerCombo_->count() > 1 ? 1 : 0));
    updateChannelSpin();
}

void WeightsTab::updateChannelSpin() {
    size_t channels = 0;
    for (const LayerSnapshot& s : snapshots_) channels = std::max(channels, s.channelSteps.size());
    // A value past the new maximum is lowered, and the request with it (valueChanged).
    channelSpin_->setMaximum(std::max(0, int(channels) - 1));
}

bool WeightsTab::isFixedLayer(int index) const {
    if (index < 0 || index >= int(snapshots_.size())) return false;
    if (doc_) {
        for (const LayerInfo& l : doc_->layers())
            if (l.name == snapshots_[size_t(index)].name) return l.fixedBits;
    }
    // Without the layer table (not loaded yet): §1, the first and the last layer are fixed.
    return index == 0 || index == int(snapshots_.size()) - 1;
}

QString WeightsTab::skewKurtText() const { return momentsLabel_->text(); }

QString WeightsTab::liveText() const {
    return tr("Live: %1 step %2 of the training in the studio").arg(trainingStageTitle(liveStage_)).arg(liveStep_);
}

void WeightsTab::redraw() {
    const int i = layerCombo_->currentIndex();
    const bool have = i >= 0 && i < int(snapshots_.size());
    const QString runName = doc_ && doc_->isOpen() ? doc_->name() : QString();

    // Where the data comes from.
    QString source;
    if (!doc_ || !doc_->isOpen())
        source = liveStep_ >= 0 ? liveText() : tr("Open a run to see its weights.");
    else if (liveStep_ >= 0)
        source = liveText();
    else if (!mainError_.isEmpty())
        source = tr("Could not read the weights of %1: %2").arg(runName, mainError_);
    else if (runner_->isBusy() && snapshots_.empty())
        source = tr("Computing the histograms of %1…").arg(runName);
    else if (!doc_->isLoaded())
        source = tr("Loading %1…").arg(runName);
    else if (!doc_->summary().hasCheckpoint)
        source = tr("%1 has no checkpoint yet: the histograms appear with the first weight snapshot of training.")
                     .arg(runName);
    else
        source = activations_ ? tr("Checkpoint of %1: the input of each layer on %2 validation images, as the "
                                   "uniform %3-bit subnet computes it (batch norm as stored)")
                                    .arg(runName)
                                    .arg(kActivationImages)
                                    .arg(request_.bits)
                              : tr("Checkpoint of %1").arg(runName);
    if (!compareError_.isEmpty()) source += QLatin1Char('\n') + tr("Comparison: %1").arg(compareError_);
    sourceLabel_->setText(source);

    histGraph_->data()->clear();
    compareGraph_->data()->clear();
    levelsGraph_->data()->clear();
    compareLevelsGraph_->data()->clear();
    compareLevelsGraph_->removeFromLegend();
    redrawErrorPlot();
    redrawStepsPlot(have ? &snapshots_[size_t(i)] : nullptr);
    if (!have) {
        fixedLabel_->setVisible(false);
        momentsLabel_->clear();
        quantLabel_->clear();
        histGraph_->setName(QString());
        placeholder_->setVisible(true);
        histGraph_->removeFromLegend();
        compareGraph_->removeFromLegend();
        levelsGraph_->removeFromLegend();
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    placeholder_->setVisible(false);
    const LayerSnapshot& s = snapshots_[size_t(i)];
    const bool fixed = isFixedLayer(i);
    fixedLabel_->setText(tr("%1 is a first or last layer: always fixed 8-bit; the bit setting does not apply to it.")
                             .arg(QString::fromStdString(s.name)));
    fixedLabel_->setVisible(fixed);

    double peak = 0;
    histGraph_->data()->set(densitySteps(s, &peak), true);
    const QString mainName = runName.isEmpty() ? tr("live run") : runName;
    histGraph_->setName(liveStep_ >= 0 ? tr("%1 (%2 step %3)").arg(mainName, trainingStageTitle(liveStage_)).arg(liveStep_)
                                       : mainName);
    histGraph_->addToLegend();

    const LayerSnapshot* compared = nullptr;
    for (const LayerSnapshot& x : compareSnapshots_)
        if (hasComparison() && x.name == s.name) compared = &x;
    QString moments = tr("%1: skewness %2, kurtosis %3")
                          .arg(mainName)
                          .arg(s.skewness, 0, 'f', 3)
                          .arg(s.kurtosis, 0, 'f', 3);
    if (hasComparison()) {
        const LayerSnapshot* c = compared;
        if (c) {
            compareGraph_->data()->set(densitySteps(*c, &peak), true);
            compareGraph_->setName(compareName_);
            compareGraph_->addToLegend();
            moments += QLatin1Char('\n') + tr("%1: skewness %2, kurtosis %3")
                                               .arg(compareName_)
                                               .arg(c->skewness, 0, 'f', 3)
                                               .arg(c->kurtosis, 0, 'f', 3);
        } else {
            compareGraph_->removeFromLegend();
            moments += QLatin1Char('\n') + (compareSnapshots_.empty() || compareRunner_->isBusy()
                                                ? tr("%1: computing…").arg(compareName_)
                                                : tr("%1: has no layer %2").arg(compareName_, QString::fromStdString(s.name)));
        }
    } else {
        compareGraph_->removeFromLegend();
    }
    // Before calibration (the FP stage) the quantizer has no steps yet: no levels to draw.
    if (s.levels.empty())
        moments += QLatin1Char('\n') + tr("No quantization levels yet: the quantizer is calibrated when the "
                                          "supernet stage starts.");
    momentsLabel_->setText(moments);

    // The quantization levels, as impulses reaching just above the histogram.
    const double top = peak > 0 ? peak * 1.05 : 1.0;
    QVector<QCPGraphData> lv;
    lv.reserve(int(s.levels.size()));
    for (double l : s.levels) lv.append(QCPGraphData(l, top));
    levelsGraph_->data()->set(lv, false);
    const QString form = QString::fromStdString(formName(request_.form));
    levelsGraph_->setName(fixed ? tr("fixed 8-bit levels (%1)").arg(form)
                                : tr("%1-bit levels (%2)").arg(request_.bits).arg(form));
    if (s.levels.empty())
        levelsGraph_->removeFromLegend();
    else
        levelsGraph_->addToLegend();
    // The compared run's levels for the same setting, a little lower and dashed.
    if (compared && !compared->levels.empty()) {
        QVector<QCPGraphData> cl;
        for (double l : compared->levels) cl.append(QCPGraphData(l, top * 0.9));
        compareLevelsGraph_->data()->set(cl, false);
        compareLevelsGraph_->setName(tr("levels of %1").arg(compareName_));
        compareLevelsGraph_->addToLegend();
    }

    // What these levels do to the layer's weights.
    const auto statsText = [&](const QString& run, const LayerSnapshot& x) {
        QString t = (activations_ ? tr("%1: quantization error %2 % of the inputs' energy, %3 % of the inputs clipped")
                                  : tr("%1: quantization error %2 % of the weights' energy, %3 % of the weights clipped"))
                        .arg(run)
                        .arg(QLocale().toString(x.quantError * 100.0, 'f', 3))
                        .arg(QLocale().toString(x.clippedFraction * 100.0, 'f', 2));
        if (x.channel >= 0)
            t += tr("; levels of output channel %1 of %2").arg(x.channel).arg(x.channelSteps.size());
        return t;
    };
    QString quant;
    if (!s.levels.empty()) {
        quant = statsText(mainName, s);
        if (compared && !compared->levels.empty()) quant += QLatin1Char('\n') + statsText(compareName_, *compared);
    }
    quantLabel_->setText(quant);

    // The histograms' range and the grid's: whether the grid covers the weights is the point.
    double lo = s.edges.empty() ? 0 : s.edges.front(), hi = s.edges.empty() ? 1 : s.edges.back();
    if (!s.levels.empty()) {
        const auto [mn, mx] = std::minmax_element(s.levels.begin(), s.levels.end());
        lo = std::min(lo, *mn);
        hi = std::max(hi, *mx);
    }
    for (QCPGraph* g : {compareGraph_, compareLevelsGraph_}) {
        if (g->data()->isEmpty()) continue;
        bool found = false;
        const QCPRange r = g->data()->keyRange(found);
        if (found) {
            lo = std::min(lo, r.lower);
            hi = std::max(hi, r.upper);
        }
    }
    const double pad = 0.05 * std::max(hi - lo, 1e-9);
    plot_->xAxis->setRange(lo - pad, hi + pad);
    plot_->yAxis->setRange(0, top * 1.08);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString WeightsTab::quantText() const { return quantLabel_->text(); }

void WeightsTab::redrawErrorPlot() {
    QVector<double> keys, error, clipped;
    auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    for (size_t i = 0; i < snapshots_.size(); ++i) {
        const LayerSnapshot& s = snapshots_[i];
        if (s.levels.empty()) continue; // not calibrated: nothing measured
        keys << double(i + 1);
        error << s.quantError * 100.0;
        clipped << s.clippedFraction * 100.0;
        QString name = QString::fromStdString(s.name);
        if (int(i) == layerCombo_->currentIndex()) name = QStringLiteral("▶ ") + name; // the layer shown above
        ticker->addTick(double(i + 1), name);
    }
    errorBars_->setName(activations_ ? tr("quantization error (% of the inputs' energy)")
                                     : tr("quantization error (% of the weights' energy)"));
    clippedBars_->setName(activations_ ? tr("inputs clipped (%)") : tr("weights clipped (%)"));
    errorBars_->setData(keys, error, true);
    clippedBars_->setData(keys, clipped, true);
    errorPlot_->xAxis->setTicker(ticker);
    if (!keys.isEmpty()) {
        errorPlot_->xAxis->setRange(0.4, double(snapshots_.size()) + 0.6);
        double top = 0;
        for (double v : error) top = std::max(top, v);
        for (double v : clipped) top = std::max(top, v);
        errorPlot_->yAxis->setRange(0, top > 0 ? top * 1.1 : 1.0);
    }
    const QString form = QString::fromStdString(formName(request_.form));
    errorPlot_->setToolTip(tr("Every layer at %1 bits (%2; the first and last layer at their fixed 8 bits). "
                              "Click a layer to show it above.")
                               .arg(request_.bits)
                               .arg(form));
    errorPlot_->replot(QCustomPlot::rpQueuedReplot);
}

void WeightsTab::redrawStepsPlot(const LayerSnapshot* s) {
    QVector<double> keys, steps;
    if (s)
        for (size_t c = 0; c < s->channelSteps.size(); ++c) {
            keys << double(c);
            steps << s->channelSteps[c];
        }
    stepsGraph_->setData(keys, steps, true);
    QVector<double> ck, cv; // the channel whose levels are drawn
    if (s && s->channel >= 0 && s->channel < int64_t(s->channelSteps.size())) {
        ck << double(s->channel);
        cv << s->channelSteps[size_t(s->channel)];
    }
    stepsChosenGraph_->setData(ck, cv, true);
    stepsGraph_->setName(s ? tr("steps of %1").arg(QString::fromStdString(s->name)) : QString());
    if (!keys.isEmpty()) {
        stepsPlot_->xAxis->setRange(-0.5, double(keys.size()) - 0.5);
        const double top = *std::max_element(steps.begin(), steps.end());
        stepsPlot_->yAxis->setRange(0, top > 0 ? top * 1.1 : 1.0);
    }
    stepsPlot_->xAxis->setLabel(s && s->channelSteps.size() == 1 ? tr("per tensor: one step")
                                                                   : tr("output channel"));
    stepsPlot_->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace ui
} // namespace eqnet
