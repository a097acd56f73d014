#include "pareto_tab.h"

#include "bitops_axis.h"
#include "constraints_dock.h"
#include "front_merge.h"
#include "front_table.h"
#include "job_runner.h"
#include "label_placement.h"
#include "plot_utils.h"
#include "run_document.h"
#include "text_format.h"

#include "eqnet/cost_model.h"
#include "eqnet/files.h"
#include "eqnet/profile.h"
#include "eqnet/search.h"
#include "eqnet/search_stage.h"
#include "eqnet/subnet_measurement.h"
#include "eqnet/uniform_baselines.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>

namespace eqnet {
namespace ui {

namespace {

constexpr double kHoverPixels = 8.0;

// Where a subnet sits on the x axis: MBitOps, the budgets' unit.
double plotX(const SubnetChoice& c) { return c.cost.bitops / kBitopsPerMega; }
// Where a pin sits on the y axis (%): its prediction, or its measurement when it has none.
double pinY(const SubnetChoice& c) { return (c.predicted >= 0 ? c.predicted : c.validation.value_or(0)) * 100.0; }

// What a search hands to the UI thread.
struct SearchOutcome {
    std::vector<SearchCandidate> front;
    std::vector<SearchCandidate> uniform; // predicted W<b>A<b>
    std::vector<QString> uniformLabels;
    bool hasStored = false;
    FrontFile stored;
    // Without a stored front of this profile (an edited one, or none searched yet): the measured
    // uniform subnets of the run's other fronts, which measure the same here.
    std::vector<FrontPoint> measuredUniform;
    QString storedError;
    // The stored search refined its predictor (search/<profile>/predictor.json): this search
    // predicts with it, so that the front and the stored front are the same predictions.
    bool refinedPredictor = false;
    QString refinedError;
    int64_t evaluations = 0;
    double seconds = 0;
    bool exhaustive = false;
};


// The predictor a profile's front is searched with: the refined one of its stored search
// (search/<profile>/predictor.json) when `stored` and there is one, so that the front and the
// stored front are the same predictions; else the run's. An unreadable refined predictor is
// said in *error and the run's used.
std::shared_ptr<const CqapPredictor> frontPredictor(const std::string& dir, const std::string& profile, bool stored,
                                                    const std::vector<LayerInfo>& layers,
                                                    std::shared_ptr<const CqapPredictor> runPredictor,
                                                    bool* refined, QString* error) {
    *refined = false;
    const std::string path = frontPredictorPath(dir, profile);
    if (!stored || !std::filesystem::exists(path)) return runPredictor;
    try {
        auto p = std::make_shared<CqapPredictor>(CqapPredictor::load(path));
        p->checkLayers(p->model(), layers, path);
        *refined = true;
        return p;
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return runPredictor;
    }
}

} // namespace

ParetoTab::ParetoTab(RunDocument* doc, ConstraintsDock* constraints, QWidget* parent)
    : QWidget(parent), doc_(doc), constraints_(constraints) {
    setObjectName(QStringLiteral("paretoTab"));
    searchRunner_ = new JobRunner(this);
    searchRunner_->setObjectName(QStringLiteral("paretoSearchRunner"));
    verifyRunner_ = new JobRunner(this);
    verifyRunner_->setObjectName(QStringLiteral("paretoVerifyRunner"));
    overlayRunner_ = new JobRunner(this);
    overlayRunner_->setObjectName(QStringLiteral("paretoOverlayRunner"));

    // ---- the top row: status, progress, actions
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("paretoStatus"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    progress_ = new QProgressBar;
    progress_->setObjectName(QStringLiteral("searchProgress"));
    progress_->setRange(0, 1000);
    progress_->setMaximumWidth(180);
    progress_->setTextVisible(false);
    progress_->setVisible(false);
    verifyButton_ = new QPushButton(tr("Verify"));
    verifyButton_->setObjectName(QStringLiteral("verifyButton"));
    verifyButton_->setToolTip(tr("Measure the selected subnet on the validation and test split"));
    verifyFrontButton_ = new QPushButton(tr("Verify front"));
    verifyFrontButton_->setObjectName(QStringLiteral("verifyFrontButton"));
    stopVerifyButton_ = new QPushButton(tr("Stop"));
    stopVerifyButton_->setObjectName(QStringLiteral("stopVerifyButton"));
    stopVerifyButton_->setToolTip(tr("Stop the running verification"));
    exportButton_ = new QPushButton(tr("Export…"));
    exportButton_->setObjectName(QStringLiteral("exportButton"));
    exportButton_->setToolTip(tr("Export the selected subnet as JSON and ONNX"));
    pinButton_ = new QPushButton(tr("Pin"));
    pinButton_->setObjectName(QStringLiteral("pinButton"));
    pinButton_->setToolTip(tr("Keep the selected subnet in the Pinned table to compare it side by side"));
    overlayCombo_ = new QComboBox;
    overlayCombo_->setObjectName(QStringLiteral("overlayProfileCombo"));
    overlayCombo_->setToolTip(tr("Draw the predicted front of another hardware profile over this one"));
    overlayCombo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* top = new QHBoxLayout;
    top->addWidget(status_, 1);
    top->addWidget(progress_);
    top->addWidget(verifyFrontButton_);
    top->addWidget(verifyButton_);
    top->addWidget(stopVerifyButton_);
    top->addWidget(pinButton_);
    top->addWidget(exportButton_);
    auto* overlayRow = new QHBoxLayout;
    auto* overlayLabel = new QLabel(tr("Overlay the front of:"));
    overlayLabel->setBuddy(overlayCombo_);
    overlayRow->addWidget(overlayLabel);
    overlayRow->addWidget(overlayCombo_);
    overlayRow->addStretch(1);

    // ---- the front
    plot_ = createPlot(this, QStringLiteral("paretoPlot"));
    plot_->setMinimumHeight(260);
    plot_->setMouseTracking(true);
    setupMegaBitopsAxis(plot_->xAxis, tr("MBitOps per image (log scale)"));
    plot_->yAxis->setLabel(tr("Accuracy (%)"));
    placeholder_ = addPlaceholder(plot_, tr("Open a run with a CQAP predictor to see its Pareto front"));

    frontGraph_ = plot_->addGraph();
    frontGraph_->setName(tr("Pareto front (predicted)"));
    frontGraph_->setPen(QPen(seriesColor(0), 1.5));
    frontGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(seriesColor(0), 1.5), Qt::white, 7));
    // How far each measurement lies from its prediction: a dotted segment per measured point
    // (NaN rows separate the segments).
    errorLines_ = new QCPCurve(plot_->xAxis, plot_->yAxis);
    errorLines_->setName(tr("Prediction error"));
    errorLines_->setPen(QPen(QColor(120, 120, 120), 1, Qt::DotLine));
    errorLines_->removeFromLegend();
    measuredGraph_ = plot_->addGraph();
    measuredGraph_->setName(tr("Measured (validation)"));
    measuredGraph_->setLineStyle(QCPGraph::lsNone);
    measuredGraph_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(seriesColor(5), 1), QBrush(seriesColor(5)), 9));
    uniformGraph_ = plot_->addGraph();
    uniformGraph_->setName(tr("Uniform (predicted)"));
    uniformGraph_->setLineStyle(QCPGraph::lsNone);
    uniformGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(seriesColor(2), 1.5), Qt::white, 8));
    uniformMeasuredGraph_ = plot_->addGraph();
    uniformMeasuredGraph_->setName(tr("Uniform (measured)"));
    uniformMeasuredGraph_->setLineStyle(QCPGraph::lsNone);
    uniformMeasuredGraph_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(seriesColor(2), 1), QBrush(seriesColor(2)), 8));
    overlayGraph_ = plot_->addGraph();
    overlayGraph_->setName(tr("Overlay front (predicted)"));
    overlayGraph_->setPen(QPen(QColor(110, 110, 110), 1.2, Qt::DashLine));
    overlayGraph_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssTriangle, QPen(QColor(110, 110, 110), 1.2), Qt::white, 7));
    overlayGraph_->removeFromLegend(); // in the legend while it has points
    pinnedGraph_ = plot_->addGraph();
    pinnedGraph_->setName(tr("Pinned"));
    pinnedGraph_->setLineStyle(QCPGraph::lsNone);
    pinnedGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(QColor(150, 40, 150), 2), Qt::NoBrush, 14));
    pinnedGraph_->removeFromLegend();
    selectionGraph_ = plot_->addGraph();
    selectionGraph_->setName(tr("Selected"));
    selectionGraph_->setLineStyle(QCPGraph::lsNone);
    selectionGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(20, 20, 20), 2.5), Qt::NoBrush, 20));
    selectionGraph_->removeFromLegend();
    budgetLine_ = new QCPItemStraightLine(plot_);
    budgetLine_->setObjectName(QStringLiteral("bitopsBudgetLine"));
    budgetLine_->setPen(QPen(QColor(200, 60, 60), 1.2, Qt::DashLine));
    budgetLine_->setVisible(false);
    budgetLabel_ = new QCPItemText(plot_);
    budgetLabel_->setObjectName(QStringLiteral("bitopsBudgetLabel"));
    budgetLabel_->position->setTypeX(QCPItemPosition::ptPlotCoords);
    budgetLabel_->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    budgetLabel_->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    budgetLabel_->setPadding(QMargins(0, 2, 4, 0));
    budgetLabel_->setColor(QColor(200, 60, 60));
    budgetLabel_->setVisible(false);
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    connect(plot_, &QCustomPlot::afterLayout, this, &ParetoTab::placeBaselineLabels);
    connect(plot_, &QCustomPlot::mouseMove, this, &ParetoTab::onPlotMouseMove);
    connect(plot_, &QCustomPlot::mousePress, this, &ParetoTab::onPlotMousePress);
    connect(plot_, &QCustomPlot::mouseRelease, this, &ParetoTab::onPlotMouseRelease);

    // ---- the detail of the selection
    bitsPlot_ = createPlot(this, QStringLiteral("layerBitsPlot"));
    bitsPlot_->setInteractions(QCP::Interactions());
    bitsPlot_->yAxis->setLabel(tr("Bits"));
    bitsPlot_->yAxis->setRange(0, 9);
    auto* group = new QCPBarsGroup(bitsPlot_);
    wBars_ = addGroupedBars(group, bitsPlot_->xAxis, bitsPlot_->yAxis, tr("Weight bits"), seriesColor(0));
    aBars_ = addGroupedBars(group, bitsPlot_->xAxis, bitsPlot_->yAxis, tr("Activation bits"), seriesColor(1));
    placeLegendAbove(bitsPlot_); // inside, it hid the last layers' bars
    // Layer names are long ("block3.expand"): slanted, they no longer run into each other.
    bitsPlot_->xAxis->setTickLabelRotation(45);

    table_ = new QTableWidget(0, 6);
    table_->setObjectName(QStringLiteral("layerTable"));
    table_->setHorizontalHeaderLabels(
        {tr("Layer"), tr("Kind"), tr("Weight bits"), tr("Activation bits"), tr("MACs"), tr("BitOps share (%)")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);

    summary_ = new QLabel(tr("Click a point to see its layers."));
    summary_->setObjectName(QStringLiteral("selectionSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* detail = new QWidget;
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(summary_);
    auto* detailRow = new QSplitter(Qt::Horizontal);
    detailRow->addWidget(bitsPlot_);
    detailRow->addWidget(table_);
    // The chart gets the larger part: its layer names need room (not its legend's width).
    detailRow->setStretchFactor(0, 3);
    detailRow->setStretchFactor(1, 2);
    detailRow->setSizes({600, 400}); // scaled to the space there is
    detailLayout->addWidget(detailRow, 1);

    frontTable_ = new FrontTable;
    connect(frontTable_, &FrontTable::rowChosen, this, [this](int kind, int index) {
        select(PlotRef{pointKindOf(FrontTable::Kind(kind)), index});
    });
    bottomTabs_ = new QTabWidget;
    bottomTabs_->setObjectName(QStringLiteral("paretoBottomTabs"));
    bottomTabs_->addTab(detail, tr("Selected subnet"));
    bottomTabs_->addTab(frontTable_, tr("All points"));
    pinned_ = new PinnedSubnets;
    bottomTabs_->addTab(pinned_, tr("Pinned (%1)").arg(0));
    connect(pinned_, &PinnedSubnets::pinsChanged, this, [this] {
        bottomTabs_->setTabText(bottomTabs_->indexOf(pinned_), tr("Pinned (%1)").arg(pinned_->pins().size()));
        // A selected pin may have moved or gone: the selection is dropped (applyMeasurement,
        // which changes no position, restores it).
        if (selected_.kind == PointKind::Pinned) selected_ = PlotRef();
        redraw(false);
        updateButtons();
    });

    auto* split = new QSplitter(Qt::Vertical);
    split->setObjectName(QStringLiteral("paretoSplitter"));
    split->addWidget(plot_);
    split->addWidget(bottomTabs_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({600, 400}); // scaled to the space there is

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(overlayRow);
    layout->addWidget(split, 1);

    connect(verifyButton_, &QPushButton::clicked, this, [this] { verifySelected(); });
    connect(verifyFrontButton_, &QPushButton::clicked, this, [this] { verifyFront(); });
    connect(stopVerifyButton_, &QPushButton::clicked, verifyRunner_, &JobRunner::requestStop);
    connect(pinButton_, &QPushButton::clicked, this, [this] { togglePinSelected(); });
    connect(overlayCombo_, &QComboBox::activated, this,
            [this](int i) { setOverlayProfile(overlayCombo_->itemData(i).toString()); });
    connect(overlayRunner_, &JobRunner::finished, this, [this](const QString&, bool ok, const QString& error, bool stopped) {
        if (overlayPending_) {
            startOverlaySearch();
            if (overlayRunner_->isBusy()) return;
        }
        if (!ok && !stopped) {
            overlay_.clear();
            redraw(false);
            setStatus(tr("Overlay of %1 failed: %2").arg(overlayProfile_, error), true);
            emit overlayFinished(0, error);
        }
    });
    connect(exportButton_, &QPushButton::clicked, this, [this] {
        const SubnetChoice c = selectedSubnet();
        if (c.isValid()) emit exportRequested(c);
    });
    connect(searchRunner_, &JobRunner::progress, this, &ParetoTab::onSearchProgress);
    connect(searchRunner_, &JobRunner::finished, this, &ParetoTab::onSearchFinished);
    connect(verifyRunner_, &JobRunner::progress, this, [this](const JobProgress& p) {
        QString text = tr("Verifying… %1 %2/%3").arg(p.stage).arg(p.done).arg(p.total);
        if (p.etaSeconds > 0) text += tr(" (%1 left)").arg(formatDuration(p.etaSeconds));
        setStatus(text);
    });
    connect(verifyRunner_, &JobRunner::finished, this, &ParetoTab::onVerifyFinished);

    if (doc_) {
        connect(doc_, &RunDocument::loaded, this, &ParetoTab::onRunLoaded);
        connect(doc_, &RunDocument::closed, this, &ParetoTab::onRunClosed);
        connect(doc_, &RunDocument::opened, this, [this] {
            ++overlayGeneration_;
            overlay_.clear();
            pinned_->clear(); // pins are subnets of the run they were found in
            clearResults();
            setStatus(tr("Loading the run…"));
        });
    }
    if (constraints_) connect(constraints_, &ConstraintsDock::profileChanged, this, &ParetoTab::onProfileChanged);

    fillOverlayProfiles();
    redraw(true);
    updateDetail();
    updateButtons();
    if (doc_ && doc_->isLoaded()) onRunLoaded();
}

ParetoTab::~ParetoTab() {
    searchRunner_->requestStop();
    verifyRunner_->requestStop();
    overlayRunner_->requestStop();
}

QString ParetoTab::statusText() const { return status_->text(); }

void ParetoTab::setStatus(const QString& text, bool error) {
    status_->setText(text);
    setErrorStyle(status_, error);
}

// ---- searching ------------------------------------------------------------------------------

void ParetoTab::onRunLoaded() {
    if (!doc_ || !doc_->isLoaded()) return;
    pinned_->setLayers(doc_->layers());
    fillOverlayProfiles();
    startOverlaySearch();
    if (!doc_->predictor() || doc_->layers().empty()) {
        clearResults();
        const QString why = !doc_->loadError().isEmpty()
                                ? doc_->loadError()
                                : tr("This run has no CQAP predictor yet: fit one in the Predictor tab.");
        placeholder_->setText(why);
        setStatus(why, !doc_->loadError().isEmpty());
        redraw(true);
        return;
    }
    if (constraints_) {
        requestSearch(constraints_->profile(), constraints_->isModified());
        return;
    }
    try {
        requestSearch(findProfile("flex-2to8-pt"), false);
    } catch (const std::exception& e) {
        setStatus(QString::fromStdString(e.what()), true);
    }
}

void ParetoTab::onRunClosed() {
    hasPending_ = false;
    ++requestGeneration_;
    searchRunner_->requestStop();
    verifyRunner_->requestStop();
    overlayRunner_->requestStop();
    ++overlayGeneration_;
    overlay_.clear();
    pinned_->clear();
    clearResults();
    placeholder_->setText(tr("Open a run with a CQAP predictor to see its Pareto front"));
    setStatus(QString());
    redraw(true);
}

void ParetoTab::onProfileChanged(const HardwareProfile& p) {
    if (!doc_ || !doc_->isLoaded() || !doc_->predictor() || doc_->layers().empty()) return;
    requestSearch(p, constraints_ ? constraints_->isModified() : false);
}

void ParetoTab::requestSearch(const HardwareProfile& profile, bool modified) {
    pendingProfile_ = profile;
    pendingModified_ = modified;
    hasPending_ = true;
    ++requestGeneration_;
    if (searchRunner_->isBusy()) {
        searchRunner_->requestStop(); // onSearchFinished starts the pending one
        return;
    }
    startPendingSearch();
}

void ParetoTab::startPendingSearch() {
    if (!hasPending_ || !doc_ || !doc_->isLoaded()) return;
    const auto predictor = doc_->predictor();
    if (!predictor || doc_->layers().empty()) return;
    hasPending_ = false;
    const HardwareProfile profile = pendingProfile_;
    const bool modified = pendingModified_;
    const int generation = requestGeneration_;
    const std::vector<LayerInfo> layers = doc_->layers();
    const std::string dir = doc_->dirPath();
    const auto& fronts = doc_->summary().fronts;
    const bool readStored = !modified && std::find(fronts.begin(), fronts.end(), profile.name) != fronts.end();
    const std::vector<std::string> otherFronts = readStored ? std::vector<std::string>() : fronts;

    progress_->setValue(0);
    progress_->setVisible(true);
    setStatus(tr("Searching… (%1)").arg(QString::fromStdString(profile.name)));

    searchRunner_->start(tr("Pareto search"), [this, profile, modified, generation, layers, dir,
                                               runPredictor = predictor, readStored, otherFronts](JobContext& ctx) {
        auto out = std::make_shared<SearchOutcome>();
        const std::shared_ptr<const CqapPredictor> predictor = frontPredictor(
            dir, profile.name, readStored, layers, runPredictor, &out->refinedPredictor, &out->refinedError);
        const BatchPredictor predict = [predictor](const std::vector<SubnetConfig>& cfgs) {
            return predictor->predict(cfgs);
        };
        const ParetoResult r = paretoSearch(layers, profile, predict, ParetoOptions{}, ctx.progress, ctx.stop);
        if (ctx.stop.stopRequested()) return; // a newer request replaces it
        out->front = r.front;
        out->evaluations = r.evaluations;
        out->seconds = r.seconds;
        out->exhaustive = r.exhaustive;
        std::vector<SubnetConfig> uniform;
        for (UniformBaseline& b : uniformBaselines(profile, layers)) { // as the command line's
            uniform.push_back(std::move(b.config));
            out->uniformLabels.push_back(QString::fromStdString(b.label));
        }
        if (!uniform.empty()) {
            const std::vector<double> acc = predictor->predict(uniform);
            for (size_t i = 0; i < uniform.size(); ++i)
                out->uniform.push_back(SearchCandidate{uniform[i], acc[i], subnetCost(layers, uniform[i])});
        }
        if (readStored) {
            try {
                out->stored = readFront(dir, profile.name, layers);
                out->hasStored = true;
            } catch (const std::exception& e) {
                out->storedError = QString::fromStdString(e.what());
            }
        }
        for (const std::string& name : otherFronts) {
            try {
                for (FrontPoint& p : readFront(dir, name, layers).uniform)
                    if (p.validation) out->measuredUniform.push_back(std::move(p));
            } catch (const std::exception&) {
                // another profile's damaged front: its own search reports it
            }
        }
        ctx.post([this, out, profile, modified, generation] {
            if (generation != requestGeneration_) return; // a newer request is on its way
            profile_ = profile;
            profileModified_ = modified;
            ChoiceProfile searched;
            searched.name = QString::fromStdString(profile.name);
            searched.file = modified ? QString() : QString::fromStdString(profile.source);
            searched.modified = modified;
            searched.constraints = profileToJson(profile);
            const SubnetConfig previous = selectedSubnet().config;
            hasStoredFront_ = out->hasStored;
            MergedFront merged = mergeFronts(out->front, out->uniform, out->uniformLabels,
                                             out->hasStored ? &out->stored : nullptr, searched);
            mergeMeasuredBaselines(merged.baselines, out->measuredUniform);
            front_ = std::move(merged.front);
            baselines_ = std::move(merged.baselines);
            stored_ = std::move(merged.stored);
            // Keep the selection when the same subnet is still there.
            selected_ = PlotRef();
            for (size_t i = 0; i < front_.size() && !previous.layers.empty(); ++i)
                if (front_[i].config == previous) selected_ = PlotRef{PointKind::Front, int(i)};
            placeholder_->setVisible(false);
            QString text = tr("%n subnet(s) on the front of %1", "", int(front_.size()))
                               .arg(searched.displayName());
            text += out->exhaustive ? tr(" (every subnet predicted, %1 s)").arg(out->seconds, 0, 'f', 2)
                                    : tr(" (%1 predictions, %2 s)").arg(out->evaluations).arg(out->seconds, 0, 'f', 2);
            if (out->hasStored) {
                int measured = 0;
                for (const FrontPoint& p : out->stored.points) measured += p.validation ? 1 : 0;
                text += tr("; stored front: %n measured point(s)", "", measured);
                const FrontVerification v = summariseVerification(out->stored);
                if (v.measured >= 2)
                    text += tr(", prediction RMSE %1 pp, Kendall τ %2").arg(v.rmse, 0, 'f', 2).arg(v.kendallTau, 0, 'f', 3);
                if (v.baselines > 0)
                    text += tr(", %1 of %2 uniform baselines beaten").arg(v.baselinesBeaten).arg(v.baselines);
                if (!v.testComparisons.empty())
                    text += tr("; on test %1 of %2 beaten with the 95 % interval above zero")
                                .arg(v.baselinesBeatenOnTest)
                                .arg(qsizetype(v.testComparisons.size()));
            }
            if (out->refinedPredictor) text += tr("; predicted by the stored search's refined predictor");
            if (!out->storedError.isEmpty()) text += tr("; stored front unreadable: %1").arg(out->storedError);
            if (!out->refinedError.isEmpty())
                text += tr("; refined predictor unreadable, the run's predictor used: %1").arg(out->refinedError);
            setStatus(text);
            redraw(true);
            updateDetail();
            updateButtons();
            emit searchFinished(int(front_.size()));
        });
    });
}

void ParetoTab::onSearchProgress(const JobProgress& p) {
    progress_->setValue(int(p.fraction * 1000));
    if (p.total > 0)
        setStatus(tr("Searching… generation %1 of %2").arg(p.done).arg(p.total));
}

void ParetoTab::onSearchFinished(const QString&, bool ok, const QString& error, bool) {
    if (hasPending_) {
        startPendingSearch();
        if (searchRunner_->isBusy()) return;
    }
    progress_->setVisible(false);
    if (!ok) {
        clearResults();
        placeholder_->setText(tr("No front: see the message above"));
        setStatus(tr("Search failed: %1").arg(error), true);
        redraw(true);
        emit searchFinished(0);
    }
}

// ---- the overlay: another profile's front ---------------------------------------------------

void ParetoTab::fillOverlayProfiles() {
    const QString current = overlayCombo_->currentData().toString();
    overlayCombo_->clear();
    overlayCombo_->addItem(tr("(none)"), QString());
    for (const ProfileEntry& e : listProfiles())
        if (e.error.empty()) overlayCombo_->addItem(QString::fromStdString(e.name), QString::fromStdString(e.name));
    const int i = overlayCombo_->findData(current);
    overlayCombo_->setCurrentIndex(i >= 0 ? i : 0);
}

bool ParetoTab::setOverlayProfile(const QString& name) {
    const int i = overlayCombo_->findData(name);
    if (i < 0) return false;
    overlayCombo_->setCurrentIndex(i);
    overlayProfile_ = name;
    overlayPending_ = true;
    ++overlayGeneration_;
    if (overlayRunner_->isBusy()) {
        overlayRunner_->requestStop(); // its finished() starts this one
        return true;
    }
    startOverlaySearch();
    return true;
}

void ParetoTab::startOverlaySearch() {
    overlayPending_ = false;
    const int generation = overlayGeneration_;
    if (overlayProfile_.isEmpty() || !doc_ || !doc_->isLoaded() || !doc_->predictor() || doc_->layers().empty()) {
        const bool had = !overlay_.empty();
        overlay_.clear();
        if (selected_.kind == PointKind::Overlay) selected_ = PlotRef();
        redraw(had);
        if (overlayProfile_.isEmpty()) emit overlayFinished(0, QString());
        return;
    }
    HardwareProfile profile;
    try {
        profile = findProfile(overlayProfile_.toStdString());
    } catch (const std::exception& e) {
        overlay_.clear();
        redraw(false);
        setStatus(tr("Overlay of %1 failed: %2").arg(overlayProfile_, QString::fromStdString(e.what())), true);
        emit overlayFinished(0, QString::fromStdString(e.what()));
        return;
    }
    const std::vector<LayerInfo> layers = doc_->layers();
    const std::string dir = doc_->dirPath();
    const auto& fronts = doc_->summary().fronts;
    const bool stored = std::find(fronts.begin(), fronts.end(), profile.name) != fronts.end();
    overlayRunner_->start(tr("Overlay search"), [this, profile, layers, dir, stored, runPredictor = doc_->predictor(),
                                                 generation](JobContext& ctx) {
        bool refined = false;
        QString refinedError; // the main search of that profile reports it
        const auto predictor = frontPredictor(dir, profile.name, stored, layers, runPredictor, &refined, &refinedError);
        const BatchPredictor predict = [predictor](const std::vector<SubnetConfig>& cfgs) {
            return predictor->predict(cfgs);
        };
        const ParetoResult r = paretoSearch(layers, profile, predict, ParetoOptions{}, {}, ctx.stop);
        if (ctx.stop.stopRequested()) return;
        ChoiceProfile searched;
        searched.name = QString::fromStdString(profile.name);
        searched.file = QString::fromStdString(profile.source);
        searched.constraints = profileToJson(profile);
        auto points = std::make_shared<std::vector<SubnetChoice>>();
        for (const SearchCandidate& c : r.front) points->push_back(choiceFromCandidate(c, searched));
        ctx.post([this, points, generation] {
            if (generation != overlayGeneration_) return;
            if (selected_.kind == PointKind::Overlay) selected_ = PlotRef();
            overlay_ = std::move(*points);
            // Measurements already made of the same subnets (in the run's fronts or here).
            for (SubnetChoice& o : overlay_)
                for (const auto* list : {&front_, &baselines_, &stored_})
                    for (const SubnetChoice& c : *list)
                        if (c.config == o.config && c.validation) {
                            o.validation = c.validation;
                            o.test = c.test;
                        }
            redraw(true);
            emit overlayFinished(int(overlay_.size()), QString());
        });
    });
}

void ParetoTab::clearResults() {
    front_.clear();
    baselines_.clear();
    stored_.clear();
    hasStoredFront_ = false;
    selected_ = PlotRef();
    placeholder_->setVisible(true);
    redraw(true);
    updateDetail();
    updateButtons();
}

// ---- drawing --------------------------------------------------------------------------------

void ParetoTab::redraw(bool rescale) {
    QVector<double> fx, fy, mx, my, ux, uy, umx, umy, ex, ey;
    const auto errorSegment = [&](const SubnetChoice& c) {
        if (c.predicted < 0 || !c.validation) return;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        ex << plotX(c) << plotX(c) << nan;
        ey << c.predicted * 100.0 << *c.validation * 100.0 << nan;
    };
    for (const SubnetChoice& c : front_) {
        fx << plotX(c);
        fy << c.predicted * 100.0;
        if (c.validation) {
            mx << plotX(c);
            my << *c.validation * 100.0;
            errorSegment(c);
        }
    }
    for (const SubnetChoice& c : stored_) {
        mx << plotX(c);
        my << *c.validation * 100.0;
        errorSegment(c);
    }
    for (QCPItemText* t : labels_) plot_->removeItem(t);
    labels_.clear();
    for (const SubnetChoice& c : baselines_) {
        const bool hasPredicted = c.predicted >= 0;
        if (hasPredicted) {
            ux << plotX(c);
            uy << c.predicted * 100.0;
        }
        if (c.validation) {
            umx << plotX(c);
            umy << *c.validation * 100.0;
            errorSegment(c);
        }
        auto* label = new QCPItemText(plot_);
        label->setText(c.label);
        label->position->setCoords(plotX(c), hasPredicted ? c.predicted * 100.0 : *c.validation * 100.0);
        label->setColor(seriesColor(2).darker(140));
        QFont f = plot_->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        label->setFont(f);
        labels_.push_back(label);
    }
    QVector<double> ox, oy, px, py;
    for (const SubnetChoice& c : overlay_) {
        ox << plotX(c);
        oy << c.predicted * 100.0;
    }
    overlayGraph_->setData(ox, oy);
    if (!overlay_.empty()) {
        overlayGraph_->setName(tr("Front of %1 (predicted)").arg(overlay_.front().profile.displayName()));
        overlayGraph_->addToLegend();
    } else {
        overlayGraph_->removeFromLegend();
    }
    const std::vector<SubnetChoice>& pins = pinned_->pins();
    for (int i = 0; i < int(pins.size()); ++i) {
        const SubnetChoice& c = pins[size_t(i)];
        const double y = pinY(c);
        px << plotX(c);
        py << y;
        auto* label = new QCPItemText(plot_);
        label->setText(PinnedSubnets::pinName(i));
        label->position->setCoords(plotX(c), y);
        label->setColor(QColor(150, 40, 150));
        QFont f = plot_->font();
        f.setBold(true);
        f.setPointSizeF(f.pointSizeF() * 0.85);
        label->setFont(f);
        labels_.push_back(label);
    }
    pinnedGraph_->setData(px, py);
    if (pins.empty()) pinnedGraph_->removeFromLegend();
    else pinnedGraph_->addToLegend();
    frontGraph_->setData(fx, fy);
    measuredGraph_->setData(mx, my);
    errorLines_->setData(ex, ey);
    uniformGraph_->setData(ux, uy);
    uniformMeasuredGraph_->setData(umx, umy);

    QVector<double> sx, sy;
    if (const SubnetChoice* c = choiceAt(selected_)) {
        sx << plotX(*c);
        sy << (selected_.kind == PointKind::Stored || c->predicted < 0 ? *c->validation : c->predicted) * 100.0;
    }
    selectionGraph_->setData(sx, sy);

    const bool budget = profile_.bitopsBudget && !fx.isEmpty();
    budgetLine_->setVisible(budget);
    budgetLabel_->setVisible(budget);
    if (budget) {
        const double bx = *profile_.bitopsBudget / kBitopsPerMega;
        budgetLine_->point1->setCoords(bx, 0);
        budgetLine_->point2->setCoords(bx, 1);
        budgetLabel_->position->setCoords(bx, 0.0);
        budgetLabel_->setText(tr("budget %1 MBitOps").arg(megaBitopsLabel(bx)));
    }

    if (rescale) {
        double x0 = std::numeric_limits<double>::max(), x1 = 0, y0 = 100, y1 = 0;
        const auto take = [&](const QVector<double>& xs, const QVector<double>& ys) {
            for (int i = 0; i < xs.size(); ++i) {
                x0 = std::min(x0, xs[i]);
                x1 = std::max(x1, xs[i]);
                y0 = std::min(y0, ys[i]);
                y1 = std::max(y1, ys[i]);
            }
        };
        take(fx, fy);
        take(mx, my);
        take(ux, uy);
        take(umx, umy);
        take(ox, oy);
        take(px, py);
        // The budget line in view unless it lies far right of every subnet.
        if (profile_.bitopsBudget && x1 > 0) {
            const double bx = *profile_.bitopsBudget / kBitopsPerMega;
            if (bx <= 4 * x1) {
                x0 = std::min(x0, bx);
                x1 = std::max(x1, bx);
            }
        }
        if (x1 > 0) {
            plot_->xAxis->setRange(x0 / 1.25, x1 * 1.25);
            const double span = std::max(y1 - y0, 1.0);
            plot_->yAxis->setRange(y0 - 0.08 * span, y1 + 0.12 * span);
        } else {
            plot_->xAxis->setRange(1, 1000);
            plot_->yAxis->setRange(0, 100);
        }
    }
    plot_->replot();
    fillFrontTable();
}

FrontTable::Kind ParetoTab::tableKindOf(PointKind k) {
    return k == PointKind::Baseline ? FrontTable::Kind::Baseline
           : k == PointKind::Stored ? FrontTable::Kind::Stored
                                    : FrontTable::Kind::Front;
}

ParetoTab::PointKind ParetoTab::pointKindOf(FrontTable::Kind k) {
    return k == FrontTable::Kind::Baseline ? PointKind::Baseline
           : k == FrontTable::Kind::Stored ? PointKind::Stored
                                           : PointKind::Front;
}

void ParetoTab::fillFrontTable() {
    std::vector<FrontTable::Row> rows;
    for (int i = 0; i < int(front_.size()); ++i) rows.push_back({FrontTable::Kind::Front, i, front_[size_t(i)]});
    for (int i = 0; i < int(baselines_.size()); ++i) rows.push_back({FrontTable::Kind::Baseline, i, baselines_[size_t(i)]});
    for (int i = 0; i < int(stored_.size()); ++i) rows.push_back({FrontTable::Kind::Stored, i, stored_[size_t(i)]});
    frontTable_->setRows(std::move(rows));
    const bool listed = selected_.kind == PointKind::Front || selected_.kind == PointKind::Baseline ||
                        selected_.kind == PointKind::Stored;
    frontTable_->showSelection(tableKindOf(selected_.kind), listed ? selected_.index : -1);
}

void ParetoTab::placeBaselineLabels() {
    if (labels_.empty()) return;
    LabelObstacles o;
    o.pointRadius = 6;
    const auto add = [&](QCPGraph* g, bool joined) {
        QPointF previous;
        bool first = true;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
            const QPointF p(plot_->xAxis->coordToPixel(it->key), plot_->yAxis->coordToPixel(it->value));
            if (!std::isfinite(p.x()) || !std::isfinite(p.y())) continue;
            o.points.push_back(p);
            if (joined && !first) o.lines.emplace_back(previous, p);
            previous = p;
            first = false;
        }
    };
    add(frontGraph_, true);
    add(measuredGraph_, false);
    add(uniformGraph_, false);
    add(uniformMeasuredGraph_, false);
    add(overlayGraph_, true);
    add(pinnedGraph_, false);
    if (plot_->legend->visible()) o.rects.push_back(plot_->legend->outerRect());
    if (budgetLabel_->visible()) o.rects.push_back(QRectF(budgetLabel_->topLeft->pixelPosition(), budgetLabel_->bottomRight->pixelPosition()));
    o.bounds = plot_->axisRect()->rect();
    std::vector<QPointF> anchors;
    std::vector<QSizeF> sizes;
    for (QCPItemText* t : labels_) {
        anchors.push_back(t->position->pixelPosition());
        sizes.push_back(QFontMetricsF(t->font()).boundingRect(t->text()).size() + QSizeF(2, 2));
    }
    constexpr int kGap = 6;
    const std::vector<LabelSide> sides = placeLabels(anchors, sizes, o, kGap);
    for (size_t i = 0; i < sides.size(); ++i) {
        QCPItemText* t = labels_[i];
        switch (sides[i]) {
        case LabelSide::Above:
            t->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            t->setPadding(QMargins(0, 0, 0, kGap));
            break;
        case LabelSide::Below:
            t->setPositionAlignment(Qt::AlignHCenter | Qt::AlignTop);
            t->setPadding(QMargins(0, kGap, 0, 0));
            break;
        case LabelSide::Right:
            t->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
            t->setPadding(QMargins(kGap, 0, 0, 0));
            break;
        case LabelSide::Left:
            t->setPositionAlignment(Qt::AlignRight | Qt::AlignVCenter);
            t->setPadding(QMargins(0, 0, kGap, 0));
            break;
        }
    }
}

const SubnetChoice* ParetoTab::choiceAt(const PlotRef& ref) const {
    switch (ref.kind) {
    case PointKind::Front:
        return ref.index >= 0 && ref.index < int(front_.size()) ? &front_[ref.index] : nullptr;
    case PointKind::Baseline:
        return ref.index >= 0 && ref.index < int(baselines_.size()) ? &baselines_[ref.index] : nullptr;
    case PointKind::Stored:
        return ref.index >= 0 && ref.index < int(stored_.size()) ? &stored_[ref.index] : nullptr;
    case PointKind::Overlay:
        return ref.index >= 0 && ref.index < int(overlay_.size()) ? &overlay_[ref.index] : nullptr;
    case PointKind::Pinned:
        return ref.index >= 0 && ref.index < int(pinned_->pins().size()) ? &pinned_->pins()[size_t(ref.index)] : nullptr;
    case PointKind::None:
        break;
    }
    return nullptr;
}

SubnetChoice ParetoTab::selectedSubnet() const {
    const SubnetChoice* c = choiceAt(selected_);
    return c ? *c : SubnetChoice();
}

bool ParetoTab::selectPoint(int frontIndex) {
    if (frontIndex < 0 || frontIndex >= int(front_.size())) return false;
    select(PlotRef{PointKind::Front, frontIndex});
    return true;
}

bool ParetoTab::selectBaseline(int index) {
    if (index < 0 || index >= int(baselines_.size())) return false;
    select(PlotRef{PointKind::Baseline, index});
    return true;
}

void ParetoTab::select(const PlotRef& ref) {
    selected_ = ref;
    redraw(false);
    updateDetail();
    updateButtons();
    emit selectionChanged(selectedSubnet());
}

ParetoTab::PlotRef ParetoTab::nearestPoint(const QPointF& pixel, double maxDistance, bool* measuredPosition) const {
    PlotRef best;
    double bestDist = maxDistance;
    bool bestMeasured = false;
    const auto consider = [&](PointKind kind, int index, double x, double y, bool measured) {
        const double px = plot_->xAxis->coordToPixel(x);
        const double py = plot_->yAxis->coordToPixel(y * 100.0);
        const double d = std::hypot(px - pixel.x(), py - pixel.y());
        if (d < bestDist || (d <= bestDist && best.kind == PointKind::None)) {
            bestDist = d;
            best = PlotRef{kind, index};
            bestMeasured = measured;
        }
    };
    for (int i = 0; i < int(front_.size()); ++i) {
        consider(PointKind::Front, i, plotX(front_[i]), front_[i].predicted, false);
        if (front_[i].validation) consider(PointKind::Front, i, plotX(front_[i]), *front_[i].validation, true);
    }
    for (int i = 0; i < int(baselines_.size()); ++i) {
        if (baselines_[i].predicted >= 0)
            consider(PointKind::Baseline, i, plotX(baselines_[i]), baselines_[i].predicted, false);
        if (baselines_[i].validation)
            consider(PointKind::Baseline, i, plotX(baselines_[i]), *baselines_[i].validation, true);
    }
    for (int i = 0; i < int(stored_.size()); ++i)
        consider(PointKind::Stored, i, plotX(stored_[i]), *stored_[i].validation, true);
    for (int i = 0; i < int(overlay_.size()); ++i)
        consider(PointKind::Overlay, i, plotX(overlay_[i]), overlay_[i].predicted, false);
    // Last: a pin sits on the point it was pinned from, and a click there means that point.
    const std::vector<SubnetChoice>& pins = pinned_->pins();
    for (int i = 0; i < int(pins.size()); ++i) {
        const SubnetChoice& c = pins[size_t(i)];
        const double px = plot_->xAxis->coordToPixel(plotX(c));
        const double py = plot_->yAxis->coordToPixel(pinY(c));
        if (best.kind == PointKind::None && std::hypot(px - pixel.x(), py - pixel.y()) < maxDistance) {
            best = PlotRef{PointKind::Pinned, i};
            bestMeasured = c.predicted < 0;
        }
    }
    if (measuredPosition) *measuredPosition = bestMeasured;
    return best;
}

QString ParetoTab::tooltipFor(const SubnetChoice& c) const {
    QStringList lines;
    if (!c.label.isEmpty()) lines << tr("Uniform %1").arg(c.label);
    lines << tr("BitOps: %1").arg(QString::fromStdString(formatBitops(c.cost.bitops)));
    lines << tr("Size: %1").arg(QString::fromStdString(formatSizeBits(c.cost.sizeBits)));
    if (c.predicted >= 0) lines << tr("Predicted: %1").arg(formatPercent(c.predicted));
    if (c.validation) {
        QString m = tr("Measured: %1 validation").arg(formatPercent(*c.validation));
        if (c.test) m += tr(", %1 test").arg(formatPercent(*c.test));
        lines << m;
    } else {
        lines << tr("Not measured");
    }
    lines << tr("Mean bits: weights %1, activations %2")
                 .arg(c.config.averageWeightBits(), 0, 'f', 2)
                 .arg(c.config.averageActBits(), 0, 'f', 2);
    return lines.join(QLatin1Char('\n'));
}

void ParetoTab::onPlotMouseMove(QMouseEvent* event) {
    if (event->buttons() != Qt::NoButton) return;
    const PlotRef ref = nearestPoint(event->position(), kHoverPixels);
    if (const SubnetChoice* c = choiceAt(ref)) {
        QString text = tooltipFor(*c);
        if (ref.kind == PointKind::Overlay || ref.kind == PointKind::Pinned)
            text.prepend((ref.kind == PointKind::Pinned ? PinnedSubnets::pinName(ref.index) + QStringLiteral(" · ") : QString()) +
                         tr("Profile: %1").arg(c->profile.displayName()) + QLatin1Char('\n'));
        QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
    }
    else
        QToolTip::hideText();
}

void ParetoTab::onPlotMousePress(QMouseEvent* event) {
    pressed_ = event->button() == Qt::LeftButton;
    pressPos_ = event->position().toPoint();
}

void ParetoTab::onPlotMouseRelease(QMouseEvent* event) {
    if (!pressed_ || event->button() != Qt::LeftButton) return;
    pressed_ = false;
    if ((event->position().toPoint() - pressPos_).manhattanLength() > 4) return; // a drag
    const PlotRef ref = nearestPoint(event->position(), kHoverPixels);
    if (ref.kind != PointKind::None) select(ref);
}

void ParetoTab::updateDetail() {
    const SubnetChoice c = selectedSubnet();
    const std::vector<LayerInfo> layers = doc_ ? doc_->layers() : std::vector<LayerInfo>();
    table_->setRowCount(0);
    if (!c.isValid() || layers.size() != c.config.layers.size()) {
        wBars_->data()->clear();
        aBars_->data()->clear();
        bitsPlot_->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText)); // no layer, no tick
        bitsPlot_->replot();
        summary_->setText(front_.empty() ? QString() : tr("Click a point to see its layers."));
        return;
    }
    QVector<double> keys, w, a;
    auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    table_->setRowCount(int(layers.size()));
    const double total = c.cost.bitops > 0 ? c.cost.bitops : 1.0;
    for (int i = 0; i < int(layers.size()); ++i) {
        const LayerInfo& l = layers[i];
        const LayerBits& b = c.config.layers[i];
        keys << i + 1;
        w << b.w;
        a << b.a;
        ticker->addTick(i + 1, QString::fromStdString(l.name));
        const double share = layerBitops(l, b) / total * 100.0;
        const QStringList cells = {QString::fromStdString(l.name),
                                   l.kind == LayerKind::Conv2d ? tr("conv") : tr("linear"),
                                   QString::number(b.w),
                                   QString::number(b.a),
                                   QLocale().toString(qlonglong(l.macs)),
                                   QLocale().toString(share, 'f', 1)};
        for (int col = 0; col < cells.size(); ++col) {
            auto* item = new QTableWidgetItem(cells[col]);
            if (col >= 2) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(i, col, item);
        }
    }
    wBars_->setData(keys, w, true);
    aBars_->setData(keys, a, true);
    bitsPlot_->xAxis->setTicker(ticker);
    bitsPlot_->xAxis->setRange(0.4, layers.size() + 0.6);
    bitsPlot_->replot();

    QStringList parts;
    if (!c.label.isEmpty()) parts << tr("Uniform %1").arg(c.label);
    parts << tr("BitOps %1").arg(QString::fromStdString(formatBitops(c.cost.bitops)));
    parts << tr("size %1").arg(QString::fromStdString(formatSizeBits(c.cost.sizeBits)));
    if (c.predicted >= 0) parts << tr("predicted %1").arg(formatPercent(c.predicted));
    if (c.validation) {
        QString m = tr("measured validation %1").arg(formatPercent(*c.validation));
        if (c.test) m += tr(", test %1").arg(formatPercent(*c.test));
        parts << m;
    } else {
        parts << tr("not measured");
    }
    summary_->setText(parts.join(QStringLiteral(" · ")));
}

void ParetoTab::updateButtons() {
    const bool hasSelection = selectedSubnet().isValid();
    const bool canMeasure = doc_ && doc_->isOpen() && doc_->summary().hasCheckpoint;
    verifyButton_->setEnabled(hasSelection && canMeasure && !verifyRunner_->isBusy());
    verifyFrontButton_->setEnabled(canVerifyFront());
    verifyFrontButton_->setToolTip(
        profileModified_ || profile_.source.empty()
            ? tr("Save the edited constraints as a profile first: a stored front belongs to a profile file")
            : tr("Store the front of %1 in the run (search/%1/front.json) and measure every point and "
                 "uniform baseline on the validation and test split")
                  .arg(QString::fromStdString(profile_.name)));
    stopVerifyButton_->setEnabled(verifyRunner_->isBusy());
    exportButton_->setEnabled(hasSelection);
    const bool pinnedNow = hasSelection && pinned_->indexOf(selectedSubnet()) >= 0;
    pinButton_->setText(pinnedNow ? tr("Unpin") : tr("Pin"));
    pinButton_->setEnabled(hasSelection && (pinnedNow || int(pinned_->pins().size()) < PinnedSubnets::kMaxPins));
}

bool ParetoTab::togglePinSelected() {
    const SubnetChoice c = selectedSubnet();
    if (!c.isValid()) return false;
    const int i = pinned_->indexOf(c);
    if (i >= 0) {
        pinned_->unpin(i);
        return true;
    }
    return pinned_->pin(c);
}

// ---- verifying ------------------------------------------------------------------------------

bool ParetoTab::canVerifyFront() const {
    return doc_ && doc_->isOpen() && doc_->summary().hasCheckpoint && doc_->predictor() && !front_.empty() &&
           !profileModified_ && !profile_.source.empty() && !verifyRunner_->isBusy();
}

bool ParetoTab::verifyFront() {
    if (!canVerifyFront()) return false;
    const std::string dir = doc_->dirPath();
    SearchStageOptions o;
    o.profile = profile_.source; // the file: a user profile may shadow a shipped name
    o.verifyTop = 0;             // every point
    o.device = doc_->computeDevice();
    setStatus(tr("Verifying the front of %1…").arg(QString::fromStdString(profile_.name)));
    const bool started = verifyRunner_->start(tr("Verify front"), [dir, o](JobContext& ctx) {
        // Each measurement is in the file as soon as it is made; the tab shows the file when
        // the job ends (onVerifyFinished), with the verification summary.
        runSearchStage(dir, o, ctx.progress, ctx.stop);
    });
    updateButtons();
    return started;
}

bool ParetoTab::verifySelected() {
    const SubnetChoice c = selectedSubnet();
    if (!c.isValid() || !doc_ || !doc_->summary().hasCheckpoint || verifyRunner_->isBusy()) return false;
    const SubnetConfig cfg = c.config;
    const std::string dir = doc_->dirPath();
    const std::vector<LayerInfo> layers = doc_->layers();
    const std::string storedName = (!profileModified_ && hasStoredFront_) ? profile_.name : std::string();
    verifying_ = cfg;
    setStatus(tr("Verifying the selected subnet…"));
    const std::string device = doc_->computeDevice();
    // The opened run is reused while it is this run on this device with the same checkpoint.
    std::shared_ptr<RunSubnetMeter> meter = meter_;
    if (meter && (meter->runDir() != dir || meter->device() != device)) meter.reset();
    meter_.reset(); // handed to the job; it comes back with the measurement
    const bool started = verifyRunner_->start(tr("Verify subnet"), [this, cfg, dir, layers, storedName, device,
                                                                  meter](JobContext& ctx) mutable {
        if (!meter || !meter->current()) meter = std::make_shared<RunSubnetMeter>(dir, device);
        const SubnetMeasurement m = meter->measure(cfg, true, ctx.progress, ctx.stop);
        ctx.post([this, meter] { meter_ = meter; });
        if (ctx.stop.stopRequested()) return;
        // Into the stored front too, when it holds this subnet and was searched on this checkpoint.
        const bool fileUpdated = !storedName.empty() && recordFrontMeasurement(dir, storedName, layers, cfg, m);
        const double validation = m.validation;
        const std::optional<double> test = m.test;
        ctx.post([this, cfg, validation, test, fileUpdated] { applyMeasurement(cfg, validation, test, fileUpdated); });
    });
    updateButtons();
    return started;
}

void ParetoTab::applyMeasurement(const SubnetConfig& cfg, double validation, std::optional<double> test,
                                 bool fileUpdated) {
    const PlotRef selection = selected_;
    pinned_->setMeasurement(cfg, validation, test);
    selected_ = selection;
    for (auto* list : {&front_, &baselines_, &stored_, &overlay_})
        for (SubnetChoice& c : *list)
            if (c.config == cfg) {
                c.validation = validation;
                c.test = test;
            }
    QString text = tr("Measured: %1 validation").arg(formatPercent(validation));
    if (test) text += tr(", %1 test").arg(formatPercent(*test));
    if (fileUpdated) text += tr(" (saved to the stored front)");
    setStatus(text);
    redraw(false);
    updateDetail();
    if (fileUpdated && doc_) doc_->refresh();
    const SubnetChoice sel = selectedSubnet();
    if (sel.isValid() && sel.config == cfg) emit selectionChanged(sel);
}

void ParetoTab::onVerifyFinished(const QString& title, bool ok, const QString& error, bool stopped) {
    updateButtons();
    if (title == tr("Verify front") && doc_ && doc_->isOpen()) {
        // The front file holds every measurement made (a stop keeps them): show it.
        doc_->refresh();
        requestSearch(profile_, false);
    }
    if (stopped) {
        setStatus(tr("Verification stopped."));
        emit verifyFinished(false, tr("stopped"));
    } else if (!ok) {
        setStatus(tr("Verification failed: %1").arg(error), true);
        emit verifyFinished(false, error);
    } else {
        emit verifyFinished(true, QString());
    }
}

} // namespace ui
} // namespace eqnet
