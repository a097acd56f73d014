#include "training_tab.h"

#include "compared_runs.h"
#include "job_runner.h"
#include "plot_interaction.h"
#include "plot_utils.h"
#include "run_document.h"

#include <qcustomplot.h>

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace eqnet {
namespace ui {

namespace {

constexpr int kPollMs = 300;
// The file grew this recently without a job of ours: another process is training the run.
constexpr int kForeignActiveMs = 10000;


// A title row above the axis rect, the shared step axis, and the plot's own y label.
void setupAxes(QCustomPlot* plot, const QString& title, const QString& yLabel) {
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title));
    plot->xAxis->setLabel(TrainingTab::tr("step (FP stage, then supernet stage)"));
    plot->yAxis->setLabel(yLabel);
}

} // namespace

TrainingTab::TrainingTab(RunDocument* doc, QWidget* parent)
    : QWidget(parent), doc_(doc), runner_(new JobRunner(this)), pollTimer_(new QTimer(this)) {
    registerTrainingMetaTypes();

    startButton_ = new QPushButton(tr("Start"), this);
    startButton_->setObjectName(QStringLiteral("trainingStartButton"));
    startButton_->setToolTip(tr("Train the open run here; a stopped run resumes from its checkpoint"));
    pauseButton_ = new QPushButton(tr("Pause"), this);
    pauseButton_->setObjectName(QStringLiteral("trainingPauseButton"));
    pauseButton_->setCheckable(true);
    pauseButton_->setToolTip(tr("Hold the training job between two steps"));
    stopButton_ = new QPushButton(tr("Stop"), this);
    stopButton_->setObjectName(QStringLiteral("trainingStopButton"));
    stopButton_->setToolTip(tr("Stop after the current step and write a checkpoint (resumable)"));
    progressBar_ = new QProgressBar(this);
    progressBar_->setObjectName(QStringLiteral("trainingProgressBar"));
    progressBar_->setRange(0, 1000);
    progressBar_->setValue(0);
    progressBar_->setTextVisible(false);
    progressLabel_ = new QLabel(this);
    progressLabel_->setObjectName(QStringLiteral("trainingProgressLabel"));
    statusLabel_ = new QLabel(this);
    statusLabel_->setObjectName(QStringLiteral("trainingStatusLabel"));
    statusLabel_->setWordWrap(true);
    messageLabel_ = new QLabel(this);
    messageLabel_->setObjectName(QStringLiteral("trainingMessageLabel"));
    messageLabel_->setWordWrap(true);
    messageLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* controls = new QHBoxLayout;
    controls->addWidget(startButton_);
    controls->addWidget(pauseButton_);
    controls->addWidget(stopButton_);
    controls->addWidget(progressBar_, 1);
    controls->addWidget(progressLabel_);
    // Smoothing of the loss curves (an exponential moving average, as TensorBoard's slider).
    smoothing_ = new QDoubleSpinBox(this);
    smoothing_->setObjectName(QStringLiteral("trainingSmoothing"));
    smoothing_->setRange(0.0, 0.99);
    smoothing_->setSingleStep(0.1);
    smoothing_->setDecimals(2);
    smoothing_->setValue(QSettings().value(QStringLiteral("training/smoothing"), 0.6).toDouble());
    smoothing_->setToolTip(tr("Smoothing of the loss curves: an exponential moving average with this weight "
                              "(0: the values as recorded)"));
    controls->addWidget(new QLabel(tr("Smoothing:"), this));
    controls->addWidget(smoothing_);
    compareButton_ = new QToolButton(this);
    compareButton_->setObjectName(QStringLiteral("compareRunsButton"));
    compareButton_->setText(tr("Compare runs"));
    compareButton_->setToolTip(tr("Draw other runs' curves over this one's (dashed)"));
    compareButton_->setPopupMode(QToolButton::InstantPopup);
    compareButton_->setMenu(new QMenu(compareButton_));
    controls->addWidget(compareButton_);

    lossPlot_ = createPlot(this, QStringLiteral("trainingLossPlot"));
    accPlot_ = createPlot(this, QStringLiteral("trainingAccuracyPlot"));
    lrPlot_ = createPlot(this, QStringLiteral("trainingLrPlot"));
    momentsPlot_ = createPlot(this, QStringLiteral("trainingMomentsPlot"));
    setupAxes(lossPlot_, tr("Training loss per sandwich subnet"), tr("training loss"));
    setupAxes(accPlot_, tr("Validation accuracy at epoch ends"), tr("validation accuracy (%)"));
    setupAxes(lrPlot_, tr("Learning rate"), tr("learning rate"));
    setupAxes(momentsPlot_, tr("Weight moments (WDR)"), tr("mean skewness of the weights"));
    for (QCustomPlot* p : {lossPlot_, accPlot_, lrPlot_, momentsPlot_})
        installCrosshair(p, tr("step")); // every curve's value at the step under the cursor
    for (QCustomPlot* p : {lossPlot_, accPlot_, momentsPlot_}) {
        QFont f = p->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        p->legend->setFont(f);
        placeLegendAbove(p); // inside, it hid curves and the stage boundary's "supernet" label
    }
    lrGraph_ = lrPlot_->addGraph();
    lrGraph_->setName(tr("learning rate"));
    lrGraph_->setPen(QPen(seriesColor(0), 1.5));
    momentsPlot_->yAxis2->setVisible(true);
    momentsPlot_->yAxis2->setLabel(tr("mean kurtosis of the weights"));
    skewGraph_ = momentsPlot_->addGraph(momentsPlot_->xAxis, momentsPlot_->yAxis);
    skewGraph_->setName(tr("mean skewness"));
    skewGraph_->setPen(QPen(seriesColor(0), 1.5));
    kurtGraph_ = momentsPlot_->addGraph(momentsPlot_->xAxis, momentsPlot_->yAxis2);
    kurtGraph_->setName(tr("mean kurtosis"));
    kurtGraph_->setPen(QPen(seriesColor(5), 1.5));
    // WDR's targets (docs/method.md §3.1) as thin reference lines, one per axis.
    const auto refLine = [this](QCPAxis* y, const QColor& c) {
        auto* line = new QCPItemStraightLine(momentsPlot_);
        for (QCPItemPosition* pos : {line->point1, line->point2}) pos->setAxes(momentsPlot_->xAxis, y);
        QPen pen(c, 1, Qt::DotLine);
        line->setPen(pen);
        return line;
    };
    skewTarget_ = refLine(momentsPlot_->yAxis, seriesColor(0));
    kurtTarget_ = refLine(momentsPlot_->yAxis2, seriesColor(5));
    for (QCustomPlot* p : {lossPlot_, accPlot_, lrPlot_, momentsPlot_}) {
        placeholders_.append(addPlaceholder(p, tr("No training records yet")));
        autoScale_.insert(p, true);
        connect(p, &QCustomPlot::mousePress, this, [this, p](QMouseEvent* e) {
            if (e->button() == Qt::LeftButton) autoScale_[p] = false;
        });
        connect(p, &QCustomPlot::mouseWheel, this, [this, p](QWheelEvent*) { autoScale_[p] = false; });
        connect(p, &QCustomPlot::mouseDoubleClick, this, [this, p](QMouseEvent*) {
            autoScale_[p] = true; // double click: follow the data again
            scheduleReplot();
        });
        p->setToolTip(tr("Drag or wheel to zoom; double click to follow the data again"));
    }

    auto* grid = new QGridLayout;
    grid->addWidget(lossPlot_, 0, 0);
    grid->addWidget(accPlot_, 0, 1);
    grid->addWidget(lrPlot_, 1, 0);
    grid->addWidget(momentsPlot_, 1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(statusLabel_);
    layout->addWidget(messageLabel_);
    layout->addLayout(grid, 1);

    compared_ = new ComparedRuns(
        lossPlot_, accPlot_, momentsPlot_, [](const QString& recorded) { return curveName(recorded); },
        [this](const QString& recorded) {
            if (recorded == QLatin1String("skewness")) return skewGraph_->pen().color();
            if (recorded == QLatin1String("kurtosis")) return kurtGraph_->pen().color();
            if (QCPGraph* g = lossGraphs_.value(recorded)) return g->pen().color();
            if (QCPGraph* g = accGraphs_.value(recorded)) return g->pen().color();
            return QColor(120, 120, 120); // a subnet the open run has no curve of
        },
        this);
    compared_->setSmoothing(smoothing_->value());
    connect(compared_, &ComparedRuns::changed, this, [this] {
        fillCompareMenu();
        scheduleReplot();
    });
    fillCompareMenu();
    connect(smoothing_, &QDoubleSpinBox::valueChanged, this, [this](double w) {
        QSettings().setValue(QStringLiteral("training/smoothing"), w);
        applySmoothing();
    });
    connect(startButton_, &QPushButton::clicked, this, [this] { startTraining(); });
    connect(pauseButton_, &QPushButton::toggled, this, [this](bool on) { setPaused(on); });
    connect(stopButton_, &QPushButton::clicked, this, &TrainingTab::stopTraining);
    connect(runner_, &JobRunner::progress, this, &TrainingTab::onJobProgress);
    // The job's messages say what it is doing now ("calibrating…", "resuming at…"): each stays
    // until the job reports a step past the one it came at, pauses or ends.
    connect(runner_, &JobRunner::message, this, [this](const QString& m) {
        messageLabel_->setText(m);
        messageAt_ = lastJobPosition_;
    });
    connect(runner_, &JobRunner::pausedChanged, this, [this](bool) {
        updateControls();
        updateStatus();
    });
    connect(runner_, &JobRunner::finished, this, &TrainingTab::onJobFinished);

    pollTimer_->setInterval(kPollMs);
    connect(pollTimer_, &QTimer::timeout, this, &TrainingTab::pollNow);
    if (doc_) {
        connect(doc_, &RunDocument::opened, this, &TrainingTab::onOpened);
        connect(doc_, &RunDocument::closed, this, &TrainingTab::onClosed);
        connect(doc_, &RunDocument::summaryChanged, this, [this] {
            updateControls();
            updateStatus();
        });
        if (doc_->isOpen()) onOpened();
    }
    updateControls();
    updateStatus();
}

TrainingTab::~TrainingTab() {
    // The worker's callbacks post to the runner; end it before the members they touch go.
    delete runner_;
    runner_ = nullptr;
}

bool TrainingTab::isFollowing() const { return follower_ != nullptr; }

bool TrainingTab::isForeignWriterActive() const {
    return runner_ && !runner_->isBusy() && lastGrowth_.isValid() && lastGrowth_.elapsed() < kForeignActiveMs;
}

bool TrainingTab::hasCheckpoint() const { return doc_ && doc_->isOpen() && doc_->summary().hasCheckpoint; }

bool TrainingTab::runFinished() const {
    if (!doc_ || !doc_->isOpen()) return false;
    if (recordCount_ > 0) return lastEvent_ == QLatin1String("finished");
    return doc_->summary().trainingFinished;
}

void TrainingTab::onOpened() {
    // A compared run that is now the open one would be drawn twice.
    for (int i = compared_->count() - 1; i >= 0; --i)
        if (QFileInfo(compared_->dir(i)).canonicalFilePath() == QFileInfo(doc_->dir()).canonicalFilePath())
            compared_->remove(i);
    // A job of this tab trains the run that was open before: it stops at the end of its step
    // and leaves a checkpoint there; this tab now shows the new run.
    if (runner_->isBusy()) runner_->requestStop();
    jobError_.clear();
    endNote_.clear();
    messageLabel_->clear();
    resetFollower();
    pollNow();
    pollTimer_->start();
    updateControls();
    updateStatus();
}

void TrainingTab::onClosed() {
    if (runner_->isBusy()) runner_->requestStop();
    pollTimer_->stop();
    follower_.reset();
    clearPlots();
    jobError_.clear();
    endNote_.clear();
    messageLabel_->clear();
    progressBar_->setValue(0);
    progressLabel_->clear();
    updateControls();
    updateStatus();
}

void TrainingTab::resetFollower() {
    clearPlots();
    follower_ = std::make_unique<MetricsFollower>(runMetricsPath(doc_->dirPath()));
    lastGrowth_.invalidate();
    paceStartStep_ = -1;
}

bool TrainingTab::compareWith(const QString& dir, QString* error) {
    return compared_->add(dir, doc_ && doc_->isOpen() ? doc_->dir() : QString(), error);
}

void TrainingTab::fillCompareMenu() {
    QMenu* menu = compareButton_->menu();
    menu->clear();
    QAction* add = menu->addAction(tr("Add a run…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Compare with the run in"),
                                                              doc_ && doc_->isOpen() ? doc_->dir() + QStringLiteral("/..") : QString());
        if (dir.isEmpty()) return;
        QString error;
        if (!compareWith(dir, &error)) QMessageBox::warning(this, tr("Compare runs"), error);
    });
    add->setEnabled(compared_->count() < ComparedRuns::kMaxRuns);
    if (compared_->count() == 0) return;
    menu->addSeparator();
    for (int i = 0; i < compared_->count(); ++i)
        menu->addAction(tr("Remove %1").arg(compared_->name(i)), this, [this, i] { compared_->remove(i); });
    menu->addAction(tr("Remove all"), compared_, &ComparedRuns::clear);
}

void TrainingTab::applySmoothing() {
    compared_->setSmoothing(smoothing_->value());
    for (auto it = lossGraphs_.constBegin(); it != lossGraphs_.constEnd(); ++it)
        it.value()->setData(rawLossKeys_.value(it.key()), emaSmooth(rawLoss_.value(it.key()), smoothing_->value()), true);
    scheduleReplot();
}

void TrainingTab::clearPlots() {
    for (QCPGraph* g : std::as_const(lossGraphs_)) lossPlot_->removeGraph(g);
    for (QCPGraph* g : std::as_const(accGraphs_)) accPlot_->removeGraph(g);
    lossGraphs_.clear();
    rawLossKeys_.clear();
    rawLoss_.clear();
    accGraphs_.clear();
    lrGraph_->data()->clear();
    skewGraph_->data()->clear();
    kurtGraph_->data()->clear();
    for (QCPItemStraightLine* l : std::as_const(boundaryLines_)) l->parentPlot()->removeItem(l);
    for (QCPItemText* t : std::as_const(boundaryLabels_)) t->parentPlot()->removeItem(t);
    boundaryLines_.clear();
    boundaryLabels_.clear();
    for (QCPItemText* p : std::as_const(placeholders_)) p->setVisible(true);
    stepAxis_.reset();
    boundaryShown_ = false;
    lastStage_.clear();
    lastStep_ = 0;
    lastRanks_ = 1;
    stepsPerEpoch_ = 0;
    lastEvent_.clear();
    recordCount_ = 0;
    for (auto it = autoScale_.begin(); it != autoScale_.end(); ++it) it.value() = true;
    scheduleReplot();
}

bool TrainingTab::readNewRecords() {
    if (!follower_) return false;
    const bool initial = follower_->offset() == 0;
    MetricsFollower::Batch batch = follower_->poll();
    if (batch.restarted) clearPlots();
    if (batch.records.empty()) return false;
    addRecords(batch.records);
    scheduleReplot();
    return !initial && !batch.restarted; // grew since the last read
}

void TrainingTab::pollNow() {
    if (!follower_) return;
    // Growth after the first read, with no job of ours writing: another process trains.
    if (readNewRecords() && !runner_->isBusy()) lastGrowth_.start();
    if (!runner_->isBusy()) updateFollowedProgress();
    updateControls();
    updateStatus();
}

QString TrainingTab::curveName(const QString& recorded) {
    if (recorded == QLatin1String("fp")) return tr("FP network");
    if (recorded == QLatin1String("largest")) return tr("largest subnet (8-bit)");
    if (recorded == QLatin1String("smallest")) return tr("smallest subnet (2-bit)");
    if (recorded.startsWith(QLatin1String("random"))) {
        bool ok = false;
        const int k = recorded.mid(6).toInt(&ok);
        if (ok) return tr("random subnet %1").arg(k);
    }
    return recorded; // "W4A4" (a uniform subnet, static QAT or an evaluation) says what it is
}

QCPGraph* TrainingTab::seriesGraph(QHash<QString, QCPGraph*>& graphs, QCustomPlot* plot, const QString& name,
                                   bool markers) {
    auto it = graphs.find(name);
    if (it != graphs.end()) return it.value();
    QCPGraph* g = plot->addGraph();
    g->setName(curveName(name));
    const QColor c = seriesColor(int(graphs.size()));
    g->setPen(QPen(c, markers ? 1.5 : 1.2));
    if (markers) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, c, c, 6));
    graphs.insert(name, g);
    return g;
}

void TrainingTab::addRecords(const std::vector<MetricsRecord>& records) {
    for (const MetricsRecord& r : records) {
        ++recordCount_;
        switch (r.kind) {
        case MetricsRecord::Kind::Step: {
            const StepMetrics& s = r.step;
            const double x = stepAxis_.x(s.stage, s.step);
            if (s.stage != "fp" && !boundaryShown_) showStageBoundary();
            for (size_t k = 0; k < s.subnetNames.size() && k < s.losses.size(); ++k) {
                const QString name = QString::fromStdString(s.subnetNames[k]);
                QCPGraph* g = seriesGraph(lossGraphs_, lossPlot_, name, false);
                QVector<double>& raw = rawLoss_[name];
                const double shown =
                    raw.isEmpty() ? s.losses[k] : emaStep(g->data()->at(g->data()->size() - 1)->value, s.losses[k], smoothing_->value());
                raw << s.losses[k];
                rawLossKeys_[name] << x;
                g->addData(x, shown);
            }
            lrGraph_->addData(x, s.lr);
            if (r.hasWdr) {
                skewGraph_->addData(x, s.meanSkew);
                kurtGraph_->addData(x, s.meanKurt);
            }
            lastStage_ = QString::fromStdString(s.stage);
            lastStep_ = s.step;
            lastRanks_ = s.ranks;
            break;
        }
        case MetricsRecord::Kind::Eval: {
            const EpochMetrics& e = r.eval;
            const double x = stepAxis_.x(e.stage, e.step);
            for (size_t k = 0; k < e.names.size() && k < e.valAccuracy.size(); ++k)
                seriesGraph(accGraphs_, accPlot_, QString::fromStdString(e.names[k]), true)
                    ->addData(x, 100.0 * e.valAccuracy[k]);
            if (stepsPerEpoch_ == 0 && e.epoch > 0 && e.step > 0) stepsPerEpoch_ = e.step / e.epoch;
            break;
        }
        case MetricsRecord::Kind::Event:
            lastEvent_ = QString::fromStdString(r.event);
            break;
        }
    }
}

void TrainingTab::showStageBoundary() {
    boundaryShown_ = true;
    if (stepAxis_.fpSteps() <= 0) return; // the FP stage came from elsewhere: nothing before this one
    const double x = double(stepAxis_.fpSteps()) + 0.5;
    for (QCustomPlot* p : {lossPlot_, accPlot_, lrPlot_, momentsPlot_}) {
        auto* line = new QCPItemStraightLine(p);
        line->point1->setCoords(x, 1); // y 1 and 2: vertical on a log value axis too
        line->point2->setCoords(x, 2);
        line->setPen(QPen(QColor(0x70, 0x70, 0x70), 1, Qt::DashLine));
        boundaryLines_.append(line);
        auto* label = new QCPItemText(p);
        label->position->setTypeX(QCPItemPosition::ptPlotCoords);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(x, 0.0);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setPadding(QMargins(3, 2, 3, 2));
        label->setText(tr("supernet"));
        label->setColor(QColor(0x50, 0x50, 0x50));
        label->setClipToAxisRect(true);
        // At the plot's left edge (a plot of the supernet stage alone: the moments) the label
        // would sit on the curves and say nothing the axis does not.
        const auto place = [label, x](const QCPRange& r) { label->setVisible(x > r.lower + 0.03 * r.size()); };
        connect(p->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), label, place);
        place(p->xAxis->range());
        boundaryLabels_.append(label);
    }
}

void TrainingTab::scheduleReplot() {
    if (replotQueued_) return;
    replotQueued_ = true;
    QTimer::singleShot(0, this, &TrainingTab::doReplot);
}

void TrainingTab::doReplot() {
    replotQueued_ = false;
    const double skewTarget = doc_ && doc_->isOpen() ? doc_->config().wdrSkewTarget : 0.0;
    const double kurtTarget = doc_ && doc_->isOpen() ? doc_->config().wdrKurtTarget : 1.8;
    skewTarget_->point1->setCoords(0, skewTarget);
    skewTarget_->point2->setCoords(1, skewTarget);
    kurtTarget_->point1->setCoords(0, kurtTarget);
    kurtTarget_->point2->setCoords(1, kurtTarget);
    const bool hasMoments = !skewGraph_->data()->isEmpty();
    skewTarget_->setVisible(hasMoments);
    kurtTarget_->setVisible(hasMoments);
    int i = 0;
    for (QCustomPlot* p : {lossPlot_, accPlot_, lrPlot_, momentsPlot_}) {
        bool any = false;
        for (int g = 0; g < p->graphCount(); ++g) any = any || !p->graph(g)->data()->isEmpty();
        placeholders_[i++]->setVisible(!any);
        if (any && autoScale_.value(p, true)) {
            p->rescaleAxes();
            if (p == momentsPlot_) {
                QCPRange s = p->yAxis->range(), k = p->yAxis2->range();
                s.expand(skewTarget);
                k.expand(kurtTarget);
                p->yAxis->setRange(s);
                p->yAxis2->setRange(k);
                p->yAxis2->scaleRange(1.1);
            }
            if (p == accPlot_) {
                // Accuracy points are few and drawn with markers: keep them off the frame. The
                // value range comes from the data: rescaleAxes() widens a single value to
                // 0..2x (0..150 % for one FP epoch at 75 %); accuracies stay within 0..100 %.
                QCPRange y;
                bool found = false;
                for (int g = 0; g < p->graphCount(); ++g) {
                    bool ok = false;
                    const QCPRange r = p->graph(g)->getValueRange(ok);
                    if (!ok) continue;
                    if (found) y.expand(r);
                    else y = r;
                    found = true;
                }
                const QCPRange x = p->xAxis->range();
                const double padX = std::max(1.0, 0.05 * x.size());
                const double padY = std::max(0.5, 0.1 * y.size());
                p->xAxis->setRange(std::max(0.0, x.lower - padX), x.upper + padX);
                if (found) p->yAxis->setRange(std::max(0.0, y.lower - padY), std::min(100.5, y.upper + padY));
            } else {
                p->yAxis->scaleRange(1.1);
            }
        }
        p->replot(QCustomPlot::rpQueuedReplot);
    }
}

void TrainingTab::onJobProgress(const JobProgress& p) {
    lastJobPosition_ = p.stage + QLatin1Char(':') + QString::number(p.done);
    if (lastJobPosition_ != messageAt_) messageLabel_->clear();
    if (p.total > 0) progressBar_->setValue(int(std::lround(1000.0 * p.fraction)));
    QString text = p.total > 0 ? tr("%1 step %2 of %3").arg(trainingStageTitle(p.stage)).arg(p.done).arg(p.total)
                               : tr("%1 step %2").arg(trainingStageTitle(p.stage)).arg(p.done);
    const QString eta = formatDuration(p.etaSeconds);
    if (!eta.isEmpty()) text += tr(" — ETA %1").arg(eta);
    progressLabel_->setText(text);
}

void TrainingTab::updateFollowedProgress() {
    if (!doc_ || !doc_->isOpen() || lastStage_.isEmpty()) {
        progressBar_->setValue(0);
        progressLabel_->clear();
        return;
    }
    const TrainConfig& cfg = doc_->config();
    const int epochs = lastStage_ == QLatin1String("fp") ? cfg.fpEpochs : cfg.epochs;
    const qint64 total = stepsPerEpoch_ * epochs;
    // The pace of a run written by another process, from the steps seen arriving.
    const qint64 global = lastStage_ == QLatin1String("fp") ? lastStep_ : stepAxis_.fpSteps() + lastStep_;
    QString eta;
    if (isForeignWriterActive()) {
        if (paceStartStep_ < 0 || global < paceStartStep_) {
            paceStartStep_ = global;
            paceTimer_.start();
        } else if (total > lastStep_ && global > paceStartStep_ && paceTimer_.elapsed() > 1000) {
            const double perStep = paceTimer_.elapsed() / 1000.0 / double(global - paceStartStep_);
            eta = formatDuration(perStep * double(total - lastStep_));
        }
    } else {
        paceStartStep_ = -1;
    }
    QString text;
    if (total > 0) {
        const qint64 done = std::min(lastStep_, total);
        progressBar_->setValue(int(std::lround(1000.0 * double(done) / double(total))));
        text = tr("%1 step %2 of %3").arg(trainingStageTitle(lastStage_)).arg(lastStep_).arg(total);
    } else {
        progressBar_->setValue(0);
        text = tr("%1 step %2").arg(trainingStageTitle(lastStage_)).arg(lastStep_);
    }
    if (!eta.isEmpty()) text += tr(" — ETA %1").arg(eta);
    progressLabel_->setText(text);
}

bool TrainingTab::startTraining() {
    if (!doc_ || !doc_->isOpen()) {
        statusLabel_->setText(tr("Open a run first."));
        return false;
    }
    if (runner_->isBusy() || runFinished() || isForeignWriterActive()) {
        updateStatus();
        return false;
    }
    std::shared_ptr<TrainingJob> job;
    try {
        job = std::make_shared<TrainingJob>(TrainingJob::open(doc_->dirPath()));
    } catch (const std::exception& e) {
        jobError_ = QString::fromStdString(e.what());
        updateStatus();
        return false;
    }
    job->setSnapshotRequest(request_);
    job_ = job;
    jobError_.clear();
    endNote_.clear();
    lastOutcome_ = TrainOutcome();
    TrainingTab* self = this;
    const bool resume = hasCheckpoint();
    const QString title = resume ? tr("Resuming training of %1").arg(doc_->name())
                                 : tr("Training %1").arg(doc_->name());
    const bool ok = runner_->start(title, [job, self](JobContext& ctx) {
        TrainCallbacks cb;
        cb.onProgress = ctx.progress;
        cb.onMessage = [ctx](const std::string& m) { ctx.message(QString::fromStdString(m)); };
        cb.onSnapshot = [ctx, self](const std::string& stage, int64_t step, const std::vector<LayerSnapshot>& layers) {
            const QString s = QString::fromStdString(stage);
            ctx.post([self, s, step, layers] { emit self->snapshotsReady(s, qint64(step), layers); });
        };
        const TrainOutcome out = job->run(cb, ctx.stop, ctx.pause);
        ctx.post([self, out] { self->lastOutcome_ = out; });
    });
    if (!ok) {
        job_.reset();
        return false;
    }
    messageLabel_->setText(title);
    updateControls();
    updateStatus();
    return true;
}

void TrainingTab::setPaused(bool paused) {
    runner_->setPaused(paused);
    if (paused) messageLabel_->clear();
    updateControls();
    updateStatus();
}

void TrainingTab::stopTraining() {
    runner_->requestStop();
    updateControls();
    updateStatus();
}

void TrainingTab::setSnapshotRequest(const SnapshotRequest& request) {
    request_ = request;
    if (job_) job_->setSnapshotRequest(request); // thread-safe in the engine
}

void TrainingTab::onJobFinished(const QString&, bool ok, const QString& error, bool stopped) {
    job_.reset();
    messageLabel_->clear(); // the status line says how it ended
    lastJobPosition_.clear();
    readNewRecords(); // the job's last lines: ours, not another process's
    const bool finished = ok && lastOutcome_.finished;
    if (!ok)
        jobError_ = error;
    else if (finished)
        endNote_ = tr("finished");
    else if (stopped)
        endNote_ = tr("stopped");
    if (doc_ && doc_->isOpen()) doc_->refresh(); // checkpoint, finished flag
    updateFollowedProgress();
    updateControls();
    updateStatus();
    emit trainingFinished(finished);
}

void TrainingTab::updateControls() {
    const bool open = doc_ && doc_->isOpen();
    const bool busy = runner_->isBusy();
    startButton_->setText(open && hasCheckpoint() && !runFinished() ? tr("Resume") : tr("Start"));
    startButton_->setEnabled(open && !busy && !runFinished() && !isForeignWriterActive());
    pauseButton_->setEnabled(busy && !runner_->stopRequested());
    {
        const QSignalBlocker block(pauseButton_);
        pauseButton_->setChecked(busy && runner_->isPaused());
    }
    pauseButton_->setText(busy && runner_->isPaused() ? tr("Continue") : tr("Pause"));
    stopButton_->setEnabled(busy && !runner_->stopRequested());
}

void TrainingTab::updateStatus() {
    QString s;
    const QString where = tr("%1 step %2").arg(trainingStageTitle(lastStage_)).arg(lastStep_);
    if (!doc_ || !doc_->isOpen())
        s = tr("Open a run to see its training curves.");
    else if (runner_->isBusy() && runner_->stopRequested())
        s = tr("Stopping: writing a checkpoint…");
    else if (runner_->isBusy() && runner_->isPaused())
        s = lastStage_.isEmpty() ? tr("Paused.") : tr("Paused at %1.").arg(where);
    else if (runner_->isBusy())
        s = tr("Training in the studio.");
    else if (!jobError_.isEmpty())
        s = tr("Training failed: %1").arg(jobError_);
    else if (isForeignWriterActive() && lastRanks_ > 1)
        s = tr("Following a run that %n processes (ranks) are training.", nullptr, lastRanks_);
    else if (isForeignWriterActive())
        s = tr("Following a run that another process is training.");
    else if (runFinished() && lastRanks_ > 1)
        s = tr("Training finished (data-parallel, %n ranks).", nullptr, lastRanks_);
    else if (runFinished())
        s = tr("Training finished.");
    else if (lastEvent_ == QLatin1String("stopped") || (hasCheckpoint() && !lastStage_.isEmpty()))
        s = tr("Stopped at %1; Resume continues from the checkpoint.").arg(where);
    else if (recordCount_ == 0)
        s = tr("Not trained yet: Start trains it here.");
    else
        s = tr("Not running (last record: %1).").arg(where);
    statusLabel_->setText(s);
}

} // namespace ui
} // namespace eqnet
