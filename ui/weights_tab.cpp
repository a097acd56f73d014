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
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
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
std::vector<LayerSnapshot> checkpointSnapshots(const std::string& runDir, const SnapshotRequest& req) {
    Supernet net = loadRunSupernet(runDir);
    return weightSnapshots(net, req);
}

} // namespace

WeightsTab::WeightsTab(RunDocument* doc, QWidget* parent)
    : QWidget(parent), doc_(doc), runner_(new JobRunner(this)), compareRunner_(new JobRunner(this)) {
    registerTrainingMetaTypes();

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
    placeholder_ = addPlaceholder(plot_, tr("No weights to show"));

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
    compareRow->addWidget(compareButton_);
    compareRow->addWidget(clearCompareButton_);
    compareRow->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(compareRow);
    layout->addWidget(sourceLabel_);
    layout->addWidget(fixedLabel_);
    layout->addWidget(momentsLabel_);
    layout->addWidget(plot_, 1);

    connect(layerCombo_, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    connect(bitsSpin_, &QSpinBox::valueChanged, this, &WeightsTab::onRequestEdited);
    connect(binsSpin_, &QSpinBox::valueChanged, this, &WeightsTab::onRequestEdited);
    connect(formCombo_, &QComboBox::currentIndexChanged, this, &WeightsTab::onRequestEdited);
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
    const QSignalBlocker b1(bitsSpin_), b2(binsSpin_), b3(formCombo_);
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
    if (r.bits == request_.bits && r.bins == request_.bins && r.form == request_.form) return;
    request_ = r;
    emit snapshotRequestChanged(request_);
    // Live data gets the new levels with the next snapshot of the job; the checkpoint (older
    // weights) would replace it, so it is recomputed only when it is what is shown.
    if (liveStep_ < 0) computeFromCheckpoint();
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
    runner_->start(tr("Weight histograms of %1").arg(doc_->name()), [this, gen, dir, req](JobContext& ctx) {
        ctx.post([this, gen, s = checkpointSnapshots(dir, req)]() mutable {
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
    compareRunner_->start(tr("Weight histograms of %1").arg(compareName_), [this, gen, dir, req](JobContext& ctx) {
        ctx.post([this, gen, s = checkpointSnapshots(dir, req)]() mutable {
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
    ++mainGeneration_; // a checkpoint result still on its way is older than this
    liveStep_ = step;
    liveStage_ = stage;
    setSnapshots(layers);
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
        source = tr("Checkpoint of %1").arg(runName);
    if (!compareError_.isEmpty()) source += QLatin1Char('\n') + tr("Comparison: %1").arg(compareError_);
    sourceLabel_->setText(source);

    histGraph_->data()->clear();
    compareGraph_->data()->clear();
    levelsGraph_->data()->clear();
    if (!have) {
        fixedLabel_->setVisible(false);
        momentsLabel_->clear();
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

    QString moments = tr("%1: skewness %2, kurtosis %3")
                          .arg(mainName)
                          .arg(s.skewness, 0, 'f', 3)
                          .arg(s.kurtosis, 0, 'f', 3);
    if (hasComparison()) {
        const LayerSnapshot* c = nullptr;
        for (const LayerSnapshot& x : compareSnapshots_)
            if (x.name == s.name) c = &x;
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

    // The histograms' range and the grid's: whether the grid covers the weights is the point.
    double lo = s.edges.empty() ? 0 : s.edges.front(), hi = s.edges.empty() ? 1 : s.edges.back();
    if (!s.levels.empty()) {
        const auto [mn, mx] = std::minmax_element(s.levels.begin(), s.levels.end());
        lo = std::min(lo, *mn);
        hi = std::max(hi, *mx);
    }
    if (!compareGraph_->data()->isEmpty()) {
        bool found = false;
        const QCPRange r = compareGraph_->data()->keyRange(found);
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

} // namespace ui
} // namespace eqnet
