#include "predictor_tab.h"

#include "job_runner.h"
#include "plot_utils.h"
#include "run_document.h"
#include "text_format.h"

#include "eqnet/files.h"
#include "eqnet/pipeline.h"
#include "eqnet/quant_types.h"

#include <qcustomplot.h>

#include <QCoreApplication>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QScrollBar>
#include <QSplitter>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace eqnet {
namespace ui {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QString number(double v, int decimals) { return std::isnan(v) ? QStringLiteral("–") : QString::number(v, 'f', decimals); }

QTableWidgetItem* cell(const QString& text, Qt::Alignment align = Qt::AlignRight | Qt::AlignVCenter) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    item->setTextAlignment(align);
    return item;
}

QString hiddenText(const std::vector<int>& hidden) {
    QStringList parts;
    for (int h : hidden) parts << QString::number(h);
    return parts.join(QLatin1Char(','));
}

// A Refit asked for by the person fits again even on unchanged samples and settings
// (CqapStageOptions::refit); the predictor files are replaced only once every fit is done.
CqapStageResult runFit(const std::string& dir, CqapStageOptions opt, JobContext& ctx) {
    opt.refit = true;
    return runCqapStage(dir, opt, ctx.progress, ctx.stop);
}

} // namespace

PredictorTab::PredictorTab(RunDocument* doc, QWidget* parent)
    : QWidget(parent), doc_(doc), runner_(new JobRunner(this)), samplesRunner_(new JobRunner(this)),
      shownTau_(kNaN), shownUncondTau_(kNaN) {
    setObjectName(QStringLiteral("predictorTab"));

    plot_ = createPlot(this, QStringLiteral("predictorPlot"));
    plot_->xAxis->setLabel(tr("Measured accuracy (%)"));
    plot_->yAxis->setLabel(tr("Predicted accuracy (%)"));
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);

    // Scores, conditional and unconditional side by side.
    scoresTable_ = new QTableWidget(5, 2, this);
    scoresTable_->setObjectName(QStringLiteral("scoresTable"));
    scoresTable_->setHorizontalHeaderLabels({tr("Conditional"), tr("Unconditional")});
    scoresTable_->setVerticalHeaderLabels(
        {tr("Kendall τ"), tr("RMSE (pp)"), tr("MAE (pp)"), tr("Samples fitted / held out"), tr("Epochs")});
    scoresTable_->horizontalHeaderItem(0)->setToolTip(tr("The predictor with the quantization form as its condition"));
    scoresTable_->horizontalHeaderItem(1)->setToolTip(
        tr("The ablation: the same predictor without the form bits (cqap/predictor-unconditional.json)"));
    // Columns as wide as their text: at 1280x800 a stretched header cut "Unconditional".
    scoresTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    scoresTable_->horizontalHeader()->setStretchLastSection(true);
    scoresTable_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    scoresTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    scoresTable_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);

    perFormTable_ = new QTableWidget(0, 4, this);
    perFormTable_->setObjectName(QStringLiteral("perFormTable"));
    perFormTable_->setHorizontalHeaderLabels({tr("Form"), tr("Held out"), tr("τ conditional"), tr("τ unconditional")});
    perFormTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    perFormTable_->horizontalHeader()->setStretchLastSection(true);
    perFormTable_->verticalHeader()->setVisible(false);
    perFormTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);

    samplesLabel_ = new QLabel(this);
    samplesLabel_->setObjectName(QStringLiteral("samplesLabel"));
    samplesLabel_->setWordWrap(true);

    auto* scoresBox = new QGroupBox(tr("Held-out scores"), this);
    auto* scoresLayout = new QVBoxLayout(scoresBox);
    scoresLayout->addWidget(scoresTable_);
    scoresLayout->addWidget(new QLabel(tr("Kendall τ per form (held out):"), scoresBox));
    scoresLayout->addWidget(perFormTable_, 1);
    perFormNote_ = new QLabel(scoresBox);
    perFormNote_->setObjectName(QStringLiteral("perFormNote"));
    perFormNote_->setWordWrap(true);
    perFormNote_->setVisible(false);
    scoresLayout->addWidget(perFormNote_);
    scoresLayout->addWidget(samplesLabel_);

    // Fit options.
    perForm_ = new QSpinBox(this);
    perForm_->setObjectName(QStringLiteral("samplesPerForm"));
    perForm_->setRange(2, 100000);
    perForm_->setValue(25);
    perForm_->setToolTip(tr("Subnets measured per quantization form (8 forms); those already measured are reused"));
    valImages_ = new QSpinBox(this);
    valImages_->setObjectName(QStringLiteral("validationImages"));
    valImages_->setRange(0, 10000000);
    valImages_->setSpecialValueText(tr("all"));
    valImages_->setToolTip(tr("Validation images each sample is measured on (0: the whole split)"));
    hidden_ = new QLineEdit(QStringLiteral("64,64"), this);
    hidden_->setObjectName(QStringLiteral("hiddenLayers"));
    hidden_->setToolTip(tr("Hidden layer sizes of the predictor's MLP, comma separated"));
    seed_ = new QSpinBox(this);
    seed_->setObjectName(QStringLiteral("fitSeed"));
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setToolTip(tr("Seed of the held-out split and of the MLP's initial weights"));
    maxEpochs_ = new QSpinBox(this);
    maxEpochs_->setObjectName(QStringLiteral("maxEpochs"));
    maxEpochs_->setRange(1, 1000000);
    maxEpochs_->setValue(CqapFitOptions().maxEpochs);
    maxEpochs_->setToolTip(tr("At most this many epochs (early stopping usually ends sooner)"));
    ensemble_ = new QSpinBox(this);
    ensemble_->setObjectName(QStringLiteral("ensemble"));
    ensemble_->setRange(1, 32);
    ensemble_->setValue(CqapFitOptions().ensemble);
    ensemble_->setToolTip(tr("MLPs fitted from different initial weights and averaged per prediction: "
                             "a little better ranking, that many times slower predictions"));

    fitButton_ = new QPushButton(tr("Fit"), this);
    fitButton_->setObjectName(QStringLiteral("fitButton"));
    stopButton_ = new QPushButton(tr("Stop"), this);
    stopButton_->setObjectName(QStringLiteral("stopButton"));
    stopButton_->setEnabled(false);
    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("fitProgress"));
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(false);
    eta_ = new QLabel(this);
    eta_->setObjectName(QStringLiteral("fitEta"));
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("statusLabel"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* fitBox = new QGroupBox(tr("Fit the predictor"), this);
    auto* form = new QFormLayout;
    form->addRow(tr("Samples per form:"), perForm_);
    form->addRow(tr("Validation images:"), valImages_);
    form->addRow(tr("Hidden layers:"), hidden_);
    form->addRow(tr("Fit seed:"), seed_);
    form->addRow(tr("Max. epochs:"), maxEpochs_);
    form->addRow(tr("Ensemble:"), ensemble_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(fitButton_);
    buttons->addWidget(stopButton_);
    buttons->addStretch(1);
    auto* fitLayout = new QVBoxLayout(fitBox);
    fitLayout->addLayout(form);
    fitLayout->addLayout(buttons);
    fitLayout->addWidget(progress_);
    fitLayout->addWidget(eta_);
    fitLayout->addWidget(status_);

    // The plot and the side panel share the width through a splitter; the side panel is never
    // narrower than its tables (fitTables()), the plot takes what is left.
    side_ = new QWidget(this);
    side_->setObjectName(QStringLiteral("predictorSide"));
    auto* side = new QVBoxLayout(side_);
    side->setContentsMargins(0, 0, 0, 0);
    side->addWidget(scoresBox, 1);
    side->addWidget(fitBox);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("predictorSplitter"));
    splitter->addWidget(plot_);
    splitter->addWidget(side_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(splitter);
    fitTables();

    connect(fitButton_, &QPushButton::clicked, this, [this] { startFit(); });
    connect(stopButton_, &QPushButton::clicked, this, [this] {
        runner_->requestStop();
        stopButton_->setEnabled(false);
        setStatus(tr("Stopping…"));
    });
    connect(runner_, &JobRunner::progress, this, &PredictorTab::onFitProgress);
    connect(runner_, &JobRunner::message, this, [this](const QString& text) { setStatus(text); });
    connect(runner_, &JobRunner::finished, this,
            [this](const QString&, bool ok, const QString& error, bool stopped) { onFitFinished(ok, error, stopped); });
    connect(samplesRunner_, &JobRunner::finished, this, [this](const QString&, bool ok, const QString& error, bool) {
        if (!ok) setStatus(tr("Could not read the samples: %1").arg(error), true);
        if (reloadPending_) {
            reloadPending_ = false;
            loadSamples();
        }
    });

    if (doc_) {
        connect(doc_, &RunDocument::opened, this, &PredictorTab::onOpened);
        connect(doc_, &RunDocument::loaded, this, &PredictorTab::onLoaded);
        connect(doc_, &RunDocument::closed, this, &PredictorTab::onClosed);
        connect(doc_, &RunDocument::summaryChanged, this, &PredictorTab::updateFitButton);
        if (doc_->isOpen()) {
            onOpened();
            if (doc_->isLoaded()) onLoaded();
        } else {
            onClosed();
        }
    } else {
        onClosed();
    }
}

PredictorTab::~PredictorTab() = default;

int PredictorTab::heldOutCount() const {
    int n = 0;
    for (int i = 0; i < plot_->graphCount(); ++i)
        if (plot_->graph(i)->property("heldOut").toBool()) n += plot_->graph(i)->dataCount();
    return n;
}

int PredictorTab::sampleDotCount() const {
    for (int i = 0; i < plot_->graphCount(); ++i)
        if (plot_->graph(i)->objectName() == QLatin1String("samples")) return plot_->graph(i)->dataCount();
    return 0;
}

QString PredictorTab::statusText() const { return status_->text(); }

void PredictorTab::setStatus(const QString& text, bool error) {
    status_->setText(text);
    setErrorStyle(status_, error);
}

void PredictorTab::onOpened() {
    ++generation_;
    predictor_.reset();
    unconditional_.reset();
    defaultsFromPredictor_ = false;
    setStatus(QString());
    clearPlot(tr("Loading the run…"));
    updateScoreTables();

    // The sampling settings the run was made with: the pipeline's (its preset with what
    // pipeline.json recorded), else the run's evaluation with 25 subnets per form.
    CqapStageOptions base;
    base.sampling.eval = doc_->config().eval;
    base.sampling.perForm = 25;
    try {
        if (const auto recorded = pipelineCqapOptions(doc_->dirPath())) base = *recorded;
    } catch (const std::exception&) {
        // a damaged pipeline.json: the defaults above
    }
    base.device = doc_->computeDevice();
    baseOptions_ = base;
    perForm_->setValue(std::max(2, base.sampling.perForm));
    valImages_->setValue(int(base.sampling.eval.maxImages));
    hidden_->setText(hiddenText(base.fit.hidden));
    seed_->setValue(int(base.fit.seed));
    maxEpochs_->setValue(base.fit.maxEpochs);
    ensemble_->setValue(base.fit.ensemble);
    updateFitButton();
}

void PredictorTab::onClosed() {
    ++generation_;
    predictor_.reset();
    unconditional_.reset();
    clearPlot(tr("Open a run (File > Open run) to see how well its accuracy predictor ranks subnets."));
    updateScoreTables();
    samplesLabel_->clear();
    setStatus(QString());
    updateFitButton();
}

void PredictorTab::onLoaded() {
    ++generation_;
    predictor_ = doc_->predictor();
    unconditional_.reset();
    if (predictor_ && !defaultsFromPredictor_) {
        // The settings the current predictor was fitted with.
        defaultsFromPredictor_ = true;
        const CqapFitOptions& fo = predictor_->options();
        if (!fo.hidden.empty()) hidden_->setText(hiddenText(fo.hidden));
        seed_->setValue(int(fo.seed));
        ensemble_->setValue(fo.ensemble);
    }
    if (!doc_->loadError().isEmpty()) setStatus(doc_->loadError(), true);
    showPredictor();
    updateFitButton();
}

void PredictorTab::clearPlot(const QString& placeholder) {
    plot_->clearGraphs();
    plot_->clearItems();
    placeholder_ = addPlaceholder(plot_, placeholder);
    plot_->legend->setVisible(false);
    samplesShown_ = false;
    shownTau_ = kNaN;
    shownUncondTau_ = kNaN;
    rescaleEqual(0, 100);
    plot_->replot();
}

void PredictorTab::rescaleEqual(double lo, double hi) {
    plot_->xAxis->setRange(lo, hi);
    plot_->yAxis->setRange(lo, hi);
}

void PredictorTab::showPredictor() {
    if (!doc_->summary().hasCheckpoint) {
        clearPlot(tr("This run has no trained supernet yet: train it first, then fit the predictor here."));
        samplesLabel_->clear();
        updateScoreTables();
        return;
    }
    if (!predictor_) {
        clearPlot(tr("No accuracy predictor yet: press Fit to measure sampled subnets of every form\n"
                     "and fit CQAP on them."));
        samplesLabel_->setText(doc_->summary().samples > 0
                                   ? tr("%n sample line(s) measured so far (cqap/samples.jsonl).", "",
                                        int(doc_->summary().samples))
                                   : QString());
        updateScoreTables();
        return;
    }
    clearPlot(QString());
    placeholder_->setVisible(false);
    const CqapScores& s = predictor_->scores();
    shownTau_ = s.kendallTau;

    // y = x first, under the points.
    QCPGraph* diagonal = plot_->addGraph();
    diagonal->setObjectName(QStringLiteral("diagonal"));
    diagonal->setName(tr("predicted = measured"));
    diagonal->setPen(QPen(QColor(0x60, 0x60, 0x60), 1, Qt::DashLine));

    // Held-out points, one graph per form (sorted by form name, the legend's order).
    std::map<std::string, std::vector<std::pair<double, double>>> byForm;
    const size_t n = std::min({s.testMeasured.size(), s.testPredicted.size(), s.testForms.size()});
    for (size_t i = 0; i < n; ++i) byForm[s.testForms[i]].push_back({s.testMeasured[i] * 100, s.testPredicted[i] * 100});
    double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
    int colour = 0;
    for (const auto& [formNameStd, points] : byForm) {
        QCPGraph* g = plot_->addGraph();
        const QString name = QString::fromStdString(formNameStd);
        g->setObjectName(QStringLiteral("heldOut:") + name);
        g->setProperty("heldOut", true);
        g->setName(name);
        g->setLineStyle(QCPGraph::lsNone);
        const QColor c = seriesColor(colour++);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, c, 7));
        g->setPen(QPen(c));
        QVector<double> x, y;
        for (const auto& [m, p] : points) {
            x << m;
            y << p;
            lo = std::min({lo, m, p});
            hi = std::max({hi, m, p});
        }
        g->setData(x, y); // sorted by x
    }
    if (lo > hi) {
        lo = 0;
        hi = 100;
    }
    const double pad = std::max(0.5, (hi - lo) * 0.05);
    // Over the whole accuracy range, so "Reset view" (rescaleAxes) keeps the axes equal.
    const double d0 = std::min(0.0, lo), d1 = std::max(100.0, hi);
    diagonal->setData(QVector<double>{d0, d1}, QVector<double>{d0, d1});
    diagonal->removeFromLegend();
    plot_->legend->setVisible(!byForm.empty());
    rescaleEqual(lo - pad, hi + pad);
    plot_->replot();
    updateScoreTables();
    samplesLabel_->setText(tr("Reading the measured samples…"));
    loadSamples();
}

void PredictorTab::loadSamples() {
    if (!predictor_ || doc_->layers().empty()) return;
    if (samplesRunner_->isBusy()) {
        reloadPending_ = true; // the running read is for an older generation and is dropped
        return;
    }
    const int gen = generation_;
    const std::string dir = doc_->dirPath();
    const std::vector<LayerInfo> layers = doc_->layers();
    const std::shared_ptr<const CqapPredictor> predictor = predictor_;
    samplesRunner_->start(tr("Reading CQAP samples"), [this, gen, dir, layers, predictor](JobContext& ctx) {
        std::vector<SubnetConfig> configs;
        std::vector<double> measured, predicted;
        std::shared_ptr<const CqapPredictor> uncond;
        QString error;
        int total = 0;
        try {
            const std::string ckpt = runCheckpointPath(dir);
            const auto samples = readCqapSamples(cqapSamplesPath(dir), layers, fileIdentity(ckpt));
            total = int(samples.size());
            for (const auto& smp : samples) {
                configs.push_back(smp.config);
                measured.push_back(smp.accuracy);
            }
            predicted = predictor->predict(configs);
            const std::string up = cqapPredictorPath(dir, false);
            if (fs::exists(up)) uncond = std::make_shared<CqapPredictor>(CqapPredictor::load(up));
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        ctx.post([this, gen, configs = std::move(configs), measured = std::move(measured),
                  predicted = std::move(predicted), uncond, total, error] {
            applySamples(gen, configs, measured, predicted, uncond, total, error);
        });
    });
}

void PredictorTab::applySamples(int generation, const std::vector<SubnetConfig>& configs,
                                const std::vector<double>& measured, const std::vector<double>& predicted,
                                std::shared_ptr<const CqapPredictor> unconditional, int totalSamples,
                                const QString& error) {
    if (generation != generation_ || !predictor_) return;
    if (!error.isEmpty()) {
        samplesLabel_->setText(tr("Could not read the samples: %1").arg(error));
        setStatus(error, true);
    }
    unconditional_ = std::move(unconditional);

    // Which samples are the held-out points: same form, same measured accuracy and (to float
    // rounding) the same prediction. Each held-out point takes its closest sample.
    const CqapScores& s = predictor_->scores();
    std::vector<bool> heldOut(configs.size(), false);
    std::vector<std::string> forms(configs.size());
    for (size_t i = 0; i < configs.size(); ++i) forms[i] = formName(configs[i].form);
    const size_t n = std::min({s.testMeasured.size(), s.testPredicted.size(), s.testForms.size()});
    for (size_t t = 0; t < n; ++t) {
        long best = -1;
        double bestDiff = 1e-4;
        for (size_t i = 0; i < configs.size() && i < predicted.size(); ++i) {
            if (heldOut[i] || forms[i] != s.testForms[t] || std::abs(measured[i] - s.testMeasured[t]) > 1e-6) continue;
            const double d = std::abs(predicted[i] - s.testPredicted[t]);
            if (d <= bestDiff) {
                bestDiff = d;
                best = long(i);
            }
        }
        if (best >= 0) heldOut[size_t(best)] = true;
    }

    QCPGraph* dots = nullptr;
    for (int i = 0; i < plot_->graphCount(); ++i)
        if (plot_->graph(i)->objectName() == QLatin1String("samples")) dots = plot_->graph(i);
    if (!dots) {
        dots = plot_->addGraph();
        dots->setObjectName(QStringLiteral("samples"));
        dots->setName(tr("other samples"));
        dots->setLineStyle(QCPGraph::lsNone);
        const QColor grey(0xb8, 0xb8, 0xb8);
        dots->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, grey, grey, 4));
        dots->setPen(QPen(grey));
        dots->setLayer(QStringLiteral("grid")); // beneath the held-out points
    }
    QVector<QCPGraphData> data;
    double lo = plot_->xAxis->range().lower, hi = plot_->xAxis->range().upper;
    double dataLo = std::numeric_limits<double>::max(), dataHi = std::numeric_limits<double>::lowest();
    for (size_t i = 0; i < configs.size() && i < predicted.size(); ++i) {
        if (heldOut[i]) continue;
        const double m = measured[i] * 100, p = predicted[i] * 100;
        data.append(QCPGraphData(m, p));
        dataLo = std::min({dataLo, m, p});
        dataHi = std::max({dataHi, m, p});
    }
    dots->data()->set(data, false);
    if (!data.isEmpty() && (dataLo < lo || dataHi > hi)) {
        const double pad = std::max(0.5, (dataHi - dataLo) * 0.05);
        rescaleEqual(std::min(lo, dataLo - pad), std::max(hi, dataHi + pad));
    }
    const int matched = int(std::count(heldOut.begin(), heldOut.end(), true));
    samplesLabel_->setText(
        tr("%1 measured samples of this checkpoint (cqap/samples.jsonl): %2 held out, %3 shown in grey.")
            .arg(totalSamples)
            .arg(matched)
            .arg(data.size()));
    samplesShown_ = true;
    shownUncondTau_ = unconditional_ ? unconditional_->scores().kendallTau : kNaN;
    updateScoreTables();
    plot_->replot();
    emit samplesReady();
}

void PredictorTab::updateScoreTables() {
    const CqapPredictor* preds[2] = {predictor_.get(), unconditional_.get()};
    for (int c = 0; c < 2; ++c) {
        const CqapPredictor* p = preds[c];
        const auto set = [&](int row, const QString& text) { scoresTable_->setItem(row, c, cell(p ? text : QStringLiteral("–"))); };
        const CqapScores s = p ? p->scores() : CqapScores();
        set(0, number(s.kendallTau, 3));
        set(1, number(s.rmse, 3));
        set(2, number(s.mae, 3));
        set(3, QStringLiteral("%1 / %2").arg(s.trainSamples).arg(s.testSamples));
        set(4, QString::number(s.epochs));
    }
    std::set<std::string> forms;
    std::map<std::string, int> heldOut;
    for (const CqapPredictor* p : preds)
        if (p)
            for (const auto& [f, t] : p->scores().kendallTauPerForm) forms.insert(f);
    if (predictor_)
        for (const auto& f : predictor_->scores().testForms) {
            forms.insert(f);
            ++heldOut[f];
        }
    perFormTable_->setRowCount(int(forms.size()));
    int row = 0;
    bool anyFew = false;
    for (const auto& f : forms) {
        auto* name = cell(QString::fromStdString(f), Qt::AlignLeft | Qt::AlignVCenter);
        try {
            name->setToolTip(QString::fromStdString(formDescription(parseForm(f))));
        } catch (const std::exception&) {
        }
        perFormTable_->setItem(row, 0, name);
        perFormTable_->setItem(row, 1, cell(QString::number(heldOut[f])));
        for (int c = 0; c < 2; ++c) {
            double tau = kNaN;
            if (preds[c]) {
                const auto& m = preds[c]->scores().kendallTauPerForm;
                const auto it = m.find(f);
                if (it != m.end()) tau = it->second;
            }
            // A tau over a handful of subnets says little: n points rank perfectly by chance
            // one time in n! (3 points: 1 in 6). Marked, greyed, and explained below.
            const bool few = heldOut[f] < kFewHeldOut && !std::isnan(tau);
            auto* item = cell(few ? number(tau, 3) + QStringLiteral(" *") : number(tau, 3));
            if (few) {
                item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
                item->setToolTip(tr("From only %n held-out subnet(s) of this form", "", heldOut[f]));
                anyFew = true;
            }
            perFormTable_->setItem(row, 2 + c, item);
        }
        ++row;
    }
    perFormNote_->setText(tr("* from fewer than %1 held-out subnets of that form: too few to compare forms "
                             "(3 subnets rank perfectly by chance one time in 6). Sample more per form for a "
                             "per-form τ that means something.")
                              .arg(kFewHeldOut));
    perFormNote_->setVisible(anyFew);
    fitTables();
}

void PredictorTab::fitTables() {
    // Each table's minimum width: every column of its header and the row labels, the frame and
    // a vertical scroll bar, so that no column is ever cut; the side panel follows.
    for (QTableWidget* t : {scoresTable_, perFormTable_}) {
        QHeaderView* h = t->horizontalHeader();
        h->setStretchLastSection(false); // else the last column spans whatever width there is
        t->resizeColumnsToContents();
        const int columns = h->length();
        h->setStretchLastSection(true);
        const int rows = t->verticalHeader()->isVisible() ? t->verticalHeader()->sizeHint().width() : 0;
        t->setMinimumWidth(rows + columns + 2 * t->frameWidth() + t->verticalScrollBar()->sizeHint().width() + 4);
    }
    side_->setMinimumWidth(std::max(scoresTable_->minimumWidth(), perFormTable_->minimumWidth()) + 24);
}

void PredictorTab::updateFitButton() {
    const bool haveRun = doc_ && doc_->isOpen();
    const bool busy = runner_->isBusy();
    const bool hasPredictor = haveRun && (doc_->predictor() || doc_->summary().hasPredictor);
    fitButton_->setText(hasPredictor ? tr("Refit") : tr("Fit"));
    fitButton_->setEnabled(haveRun && doc_->summary().hasCheckpoint && !busy);
    fitButton_->setToolTip(!haveRun ? tr("Open a run first")
                           : !doc_->summary().hasCheckpoint
                               ? tr("The run has no trained supernet yet")
                               : tr("Measure the missing samples, then fit the predictor on all of them"));
    stopButton_->setEnabled(busy && !runner_->stopRequested());
    for (QWidget* w : {static_cast<QWidget*>(perForm_), static_cast<QWidget*>(valImages_),
                       static_cast<QWidget*>(hidden_), static_cast<QWidget*>(seed_),
                       static_cast<QWidget*>(maxEpochs_), static_cast<QWidget*>(ensemble_)})
        w->setEnabled(!busy);
}

bool PredictorTab::fitOptions(CqapStageOptions* out, QString* error) const {
    CqapStageOptions o = baseOptions_;
    o.sampling.perForm = perForm_->value();
    o.sampling.eval.maxImages = valImages_->value();
    o.fit.seed = uint64_t(seed_->value());
    o.fit.maxEpochs = maxEpochs_->value();
    o.fit.ensemble = ensemble_->value();
    std::vector<int> hidden;
    for (const QString& part : hidden_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int h = part.trimmed().toInt(&ok);
        if (!ok || h < 1 || h > 100000) {
            if (error) *error = tr("Hidden layers: \"%1\" is not a layer size; write sizes like 64,64").arg(part.trimmed());
            return false;
        }
        hidden.push_back(h);
    }
    if (hidden.empty()) {
        if (error) *error = tr("Hidden layers: give at least one size, e.g. 64,64");
        return false;
    }
    o.fit.hidden = hidden;
    if (out) *out = o;
    return true;
}

bool PredictorTab::startFit() {
    if (!doc_ || !doc_->isOpen()) {
        setStatus(tr("Open a run first."), true);
        return false;
    }
    if (!doc_->summary().hasCheckpoint) {
        setStatus(tr("The run has no trained supernet yet: train it first."), true);
        return false;
    }
    if (runner_->isBusy()) return false;
    CqapStageOptions opt;
    QString error;
    if (!fitOptions(&opt, &error)) {
        setStatus(error, true);
        return false;
    }
    const std::string dir = doc_->dirPath();
    const bool started = runner_->start(tr("Fitting the accuracy predictor"), [dir, opt](JobContext& ctx) {
        const CqapStageResult r = runFit(dir, opt, ctx);
        const int64_t measured = r.sampling.measured;
        const bool fitted = r.fitted;
        ctx.message(fitted ? QCoreApplication::translate("eqnet::ui::PredictorTab",
                                                         "Fitted on %1 samples (%2 measured now)")
                                 .arg(qint64(r.sampling.samples.size()))
                                 .arg(qint64(measured))
                           : QCoreApplication::translate("eqnet::ui::PredictorTab", "Stopped after %1 new measurements")
                                 .arg(qint64(measured)));
    });
    if (!started) return false;
    progress_->setRange(0, 0);
    eta_->clear();
    setStatus(tr("Opening the supernet…"));
    updateFitButton();
    return true;
}

void PredictorTab::onFitProgress(const JobProgress& p) {
    if (p.total > 0) {
        progress_->setRange(0, 1000);
        progress_->setValue(int(p.fraction * 1000));
        const QString eta = formatDuration(p.etaSeconds);
        eta_->setText(eta.isEmpty() ? tr("%1 of %2 subnets measured").arg(p.done).arg(p.total)
                                    : tr("%1 of %2 subnets measured, %3 left").arg(p.done).arg(p.total).arg(eta));
    } else {
        progress_->setRange(0, 0);
        eta_->clear();
    }
    if (p.stage == QLatin1String("cqap-fit")) setStatus(tr("Fitting the predictor…"));
    else if (p.stage == QLatin1String("cqap-sample")) setStatus(tr("Measuring sampled subnets…"));
}

void PredictorTab::onFitFinished(bool ok, const QString& error, bool stopped) {
    progress_->setRange(0, 1000);
    progress_->setValue(ok && !stopped ? 1000 : 0);
    eta_->clear();
    if (stopped)
        setStatus(tr("Stopped. The samples measured so far are kept; Fit goes on where it stopped."));
    else if (!ok)
        setStatus(tr("Fitting failed: %1").arg(error), true);
    updateFitButton();
    // Every tab sees the new predictor (and the new samples count).
    if (doc_ && doc_->isOpen()) doc_->reload();
    emit fitFinished(ok && !stopped, stopped, error);
}

} // namespace ui
} // namespace eqnet
