// The Weights tab: histograms and quantization levels computed from a run's checkpoint on a
// worker, the bit-width changing the grid (and asking the training job for it), a second run
// to compare with, and live snapshots replacing the data.
#include "job_runner.h"
#include "run_document.h"
#include "weights_tab.h"

#include "eqnet/quant_types.h"
#include "eqnet/training.h"

#include "demo_run_copy.h"
#include <qcustomplot.h>

#include <QComboBox>
#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QLocale>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <numeric>

using eqnet::ui::RunDocument;
using eqnet::ui::WeightsTab;

namespace {

const QString kDemoRun = uitest::demoRunDir();


// The area under a step graph of densities (one point per left edge, the last closing).
double area(const QCPGraph* g) {
    double a = 0;
    for (int i = 0; i + 1 < g->data()->size(); ++i)
        a += g->data()->at(i)->value * (g->data()->at(i + 1)->key - g->data()->at(i)->key);
    return a;
}

} // namespace

class TstWeightsTab : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void checkpointHistogramsLevelsComparisonAndLive();
    void quantizationStatsChannelsAndHistory();

private:
    QTemporaryDir tmp_;
    QString runA_, runB_;
};

void TstWeightsTab::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
    runA_ = tmp_.filePath(QStringLiteral("a/demo-run"));
    runB_ = tmp_.filePath(QStringLiteral("b/demo-run"));
    QVERIFY(uitest::copyTree(kDemoRun, runA_));
    QVERIFY(uitest::copyTree(kDemoRun, runB_));
}

void TstWeightsTab::checkpointHistogramsLevelsComparisonAndLive() {
    RunDocument doc;
    WeightsTab tab(&doc);
    QCOMPARE(tab.layerCount(), 0);
    QCOMPARE(tab.plot()->objectName(), QStringLiteral("weightsPlot"));
    auto* bits = tab.findChild<QSpinBox*>(QStringLiteral("weightsBitsSpin"));
    auto* bins = tab.findChild<QSpinBox*>(QStringLiteral("weightsBinsSpin"));
    auto* forms = tab.findChild<QComboBox*>(QStringLiteral("weightsFormCombo"));
    auto* layersCombo = tab.findChild<QComboBox*>(QStringLiteral("weightsLayerCombo"));
    auto* source = tab.findChild<QLabel*>(QStringLiteral("weightsSourceLabel"));
    QVERIFY(bits && bins && forms && layersCombo && source);
    QCOMPARE(bits->value(), 4);
    QCOMPARE(bits->minimum(), eqnet::kMinBits);
    QCOMPARE(bits->maximum(), eqnet::kMaxBits);
    QCOMPARE(forms->count(), 8);
    QCOMPARE(forms->currentText(), QString::fromStdString(eqnet::formDescription(eqnet::QuantForm{})));

    QVERIFY(doc.open(runA_));
    QVERIFY(doc.waitUntilLoaded(30000));
    QTRY_COMPARE_WITH_TIMEOUT(tab.layerCount(), uitest::kDemoRunLayers, 30000);
    QVERIFY(source->text().contains(QStringLiteral("demo-run")));
    const std::vector<eqnet::LayerInfo>& info = doc.layers();
    QCOMPARE(int(info.size()), uitest::kDemoRunLayers);
    std::vector<eqnet::LayerSnapshot> s = tab.snapshots();
    for (size_t i = 0; i < s.size(); ++i) {
        QCOMPARE(s[i].name, info[i].name);
        QCOMPARE(s[i].counts.size(), size_t(80));
        QCOMPARE(std::accumulate(s[i].counts.begin(), s[i].counts.end(), 0.0), double(info[i].weightParams));
        QCOMPARE(s[i].levels.size(), size_t(info[i].fixedBits ? 256 : 16));
    }
    QCOMPARE(layersCombo->count(), uitest::kDemoRunLayers);
    QVERIFY(layersCombo->itemText(0).contains(WeightsTab::tr("fixed 8-bit")));
    QVERIFY(!layersCombo->itemText(1).contains(WeightsTab::tr("fixed 8-bit")));

    // The drawn histogram is a density over the layer's bins; the levels are impulses.
    tab.setCurrentLayer(2);
    QCOMPARE(tab.currentLayer(), 2);
    QCOMPARE(tab.histogramGraph()->data()->size(), 81);
    QVERIFY(qAbs(area(tab.histogramGraph()) - 1.0) < 1e-9);
    QCOMPARE(tab.histogramGraph()->data()->at(0)->key, s[2].edges.front());
    QCOMPARE(tab.levelsGraph()->data()->size(), 16);
    QCOMPARE(tab.levelsGraph()->lineStyle(), QCPGraph::lsImpulse);
    QVERIFY(tab.comparisonGraph()->data()->isEmpty());
    QVERIFY(tab.skewKurtText().contains(QString::number(s[2].skewness, 'f', 3)));
    QVERIFY(tab.skewKurtText().contains(QString::number(s[2].kurtosis, 'f', 3)));
    QVERIFY(!tab.findChild<QLabel*>(QStringLiteral("weightsFixedLabel"))->isVisibleTo(&tab));
    tab.setCurrentLayer(0);
    QVERIFY(tab.findChild<QLabel*>(QStringLiteral("weightsFixedLabel"))->isVisibleTo(&tab));
    QCOMPARE(tab.levelsGraph()->data()->size(), 256);

    // 2 bits: fewer levels, asked of the training job too; the fixed layers keep 8 bit.
    QSignalSpy asked(&tab, &WeightsTab::snapshotRequestChanged);
    bits->setValue(2);
    QCOMPARE(asked.count(), 1);
    QCOMPARE(asked.first().first().value<eqnet::SnapshotRequest>().bits, 2);
    QTRY_COMPARE_WITH_TIMEOUT(tab.snapshots()[2].levels.size(), size_t(4), 30000);
    QCOMPARE(tab.snapshots()[0].levels.size(), size_t(256));
    QCOMPARE(tab.snapshots()[uitest::kDemoRunLayers - 1].levels.size(), size_t(256));
    tab.setCurrentLayer(2);
    QCOMPARE(tab.levelsGraph()->data()->size(), 4);
    // Same weights, same histogram: only the grid changed.
    QCOMPARE(tab.snapshots()[2].counts, s[2].counts);
    bins->setValue(40);
    QCOMPARE(asked.count(), 2);
    QCOMPARE(asked.last().first().value<eqnet::SnapshotRequest>().bins, 40);
    QTRY_COMPARE_WITH_TIMEOUT(tab.snapshots()[2].counts.size(), size_t(40), 30000);
    QCOMPARE(tab.histogramGraph()->data()->size(), 41);

    // A second run to compare with: its histogram in a second series, named in the legend.
    QString error;
    QVERIFY(!tab.setComparisonRun(tmp_.filePath(QStringLiteral("nothing-here")), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(tab.setComparisonRun(runB_, &error));
    QVERIFY(tab.findChild<QPushButton*>(QStringLiteral("weightsClearCompareButton"))->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(int(tab.comparisonSnapshots().size()), uitest::kDemoRunLayers, 30000);
    QTRY_VERIFY(!tab.runner()->isBusy() && !tab.comparisonRunner()->isBusy());
    QCOMPARE(tab.comparisonSnapshots()[2].counts.size(), size_t(40)); // the same request
    QCOMPARE(tab.comparisonGraph()->data()->size(), 41);
    QVERIFY(tab.plot()->legend->hasItemWithPlottable(tab.comparisonGraph()));
    QVERIFY(tab.plot()->legend->hasItemWithPlottable(tab.histogramGraph()));
    if (qEnvironmentVariableIsSet("EQNET_TEST_SCREENSHOTS")) { // a look at the layout, for people
        tab.resize(1000, 600);
        QCoreApplication::processEvents();
        tab.grab().save(qEnvironmentVariable("EQNET_TEST_SCREENSHOTS") + QStringLiteral("/weights_tab.png"));
    }
    QVERIFY(tab.comparisonName() != doc.name()); // two folders called demo-run stay apart
    QCOMPARE(tab.comparisonGraph()->name(), tab.comparisonName());
    // A copy of the same run: the same moments on both lines.
    const QStringList lines = tab.skewKurtText().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[1].startsWith(tab.comparisonName()));
    QCOMPARE(lines[0].mid(lines[0].indexOf(QLatin1Char(':'))), lines[1].mid(lines[1].indexOf(QLatin1Char(':'))));
    tab.clearComparison();
    QVERIFY(tab.comparisonGraph()->data()->isEmpty());
    QVERIFY(!tab.plot()->legend->hasItemWithPlottable(tab.comparisonGraph()));
    QCOMPARE(tab.skewKurtText().split(QLatin1Char('\n')).size(), 1);

    // Live snapshots replace what is shown.
    eqnet::LayerSnapshot a;
    a.name = "conv1";
    a.edges = {-1.0, 0.0, 1.0};
    a.counts = {1.0, 3.0};
    a.skewness = -0.5;
    a.kurtosis = 1.9;
    a.levels = {-1.0, -0.5, 0.0, 0.5};
    eqnet::LayerSnapshot b = a;
    b.name = "conv2";
    b.levels = {-1.0, 1.0};
    // An FP-stage snapshot: no levels yet (before calibration), and none drawn or listed.
    eqnet::LayerSnapshot fp = a;
    fp.levels.clear();
    tab.showSnapshots(QStringLiteral("fp"), 300, {fp, fp});
    tab.setCurrentLayer(1);
    QVERIFY(tab.levelsGraph()->data()->isEmpty());
    QVERIFY(!tab.plot()->legend->hasItemWithPlottable(tab.levelsGraph()));
    QVERIFY2(tab.skewKurtText().contains(QStringLiteral("No quantization levels yet")), qPrintable(tab.skewKurtText()));
    QCOMPARE(source->text(), QStringLiteral("Live: FP step 300 of the training in the studio"));

    // The supernet stage counts its own steps, and the source says which stage (it read "step
    // 300" then "step 50", as if training had gone backwards).
    tab.showSnapshots(QStringLiteral("supernet"), 42, {a, b});
    QCOMPARE(tab.liveStep(), qint64(42));
    QCOMPARE(tab.layerCount(), 2);
    QCOMPARE(source->text(), QStringLiteral("Live: supernet step 42 of the training in the studio"));
    QVERIFY(tab.plot()->legend->hasItemWithPlottable(tab.levelsGraph()));
    tab.setCurrentLayer(0);
    QCOMPARE(tab.histogramGraph()->data()->size(), 3);
    QCOMPARE(tab.histogramGraph()->data()->at(0)->value, 0.25); // 1 of 4 weights in a bin 1 wide
    QCOMPARE(tab.histogramGraph()->data()->at(1)->value, 0.75);
    QCOMPARE(tab.levelsGraph()->data()->size(), 4);
    QVERIFY(tab.skewKurtText().contains(QStringLiteral("-0.500")));
    QVERIFY(tab.skewKurtText().contains(QStringLiteral("1.900")));
    tab.setCurrentLayer(1);
    QCOMPARE(tab.levelsGraph()->data()->size(), 2);
    QVERIFY(tab.histogramGraph()->name().contains(QStringLiteral("42")));

    doc.close();
    QCOMPARE(tab.layerCount(), 0);
    QVERIFY(tab.histogramGraph()->data()->isEmpty());
}

// What the requested bits do to each layer: the error and clipped bars are the snapshots'
// figures, the label says them for the layer shown, the steps plot has one step per output
// channel (one per tensor), a chosen channel's levels are drawn, the compared run's levels
// join the plot, and live snapshots can be browsed back with the slider.
void TstWeightsTab::quantizationStatsChannelsAndHistory() {
    RunDocument doc;
    WeightsTab tab(&doc);
    auto* forms = tab.findChild<QComboBox*>(QStringLiteral("weightsFormCombo"));
    auto* channel = tab.findChild<QSpinBox*>(QStringLiteral("weightsChannelSpin"));
    QVERIFY(forms && channel);
    QVERIFY(doc.open(runA_));
    QVERIFY(doc.waitUntilLoaded(30000));
    QTRY_COMPARE_WITH_TIMEOUT(tab.layerCount(), uitest::kDemoRunLayers, 30000);
    QTRY_VERIFY(!tab.runner()->isBusy());
    // A channel to choose with a per-channel form only.
    int pc = -1, pt = -1;
    for (int i = 0; i < forms->count(); ++i) {
        const auto g = eqnet::allForms()[size_t(forms->itemData(i).toInt())].granularity;
        if (g == eqnet::Granularity::PerChannel && pc < 0) pc = i;
        if (g == eqnet::Granularity::PerTensor && pt < 0) pt = i;
    }
    QVERIFY(pc >= 0 && pt >= 0);
    forms->setCurrentIndex(pt);
    QVERIFY(!channel->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(tab.snapshots()[2].channelSteps.size() == 1, 30000); // per tensor: one step
    QCOMPARE(tab.snapshots()[2].channel, qint64(-1));
    forms->setCurrentIndex(pc);
    QVERIFY(channel->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!tab.snapshots()[2].channelSteps.empty() && tab.snapshots()[2].channelSteps.size() > 1, 30000);
    QTRY_VERIFY(!tab.runner()->isBusy());
    const auto s = tab.snapshots();
    const auto& info = doc.layers();
    // The bars: every layer's error and clipped fraction, in %.
    QCOMPARE(tab.errorBars()->data()->size(), int(s.size()));
    for (size_t i = 0; i < s.size(); ++i) {
        QCOMPARE(tab.errorBars()->data()->at(int(i))->key, double(i + 1));
        QCOMPARE(tab.errorBars()->data()->at(int(i))->value, s[i].quantError * 100.0);
        QCOMPARE(tab.clippedBars()->data()->at(int(i))->value, s[i].clippedFraction * 100.0);
        QCOMPARE(s[i].channelSteps.size(), size_t(info[i].outChannels));
        QVERIFY(s[i].quantError > 0 && s[i].quantError < 1);
    }
    tab.setCurrentLayer(2);
    QVERIFY2(tab.quantText().contains(QLocale().toString(s[2].quantError * 100.0, 'f', 3)), qPrintable(tab.quantText()));
    QVERIFY(tab.quantText().contains(QStringLiteral("output channel %1 of %2").arg(s[2].channel).arg(info[2].outChannels)));
    QCOMPARE(tab.stepsGraph()->data()->size(), int(info[2].outChannels));
    QCOMPARE(tab.stepsGraph()->data()->at(1)->value, s[2].channelSteps[1]);
    // A click on a layer's bars shows that layer.
    tab.resize(1100, 800);
    tab.show();
    QVERIFY(QTest::qWaitForWindowExposed(&tab));
    tab.errorPlot()->replot();
    const QPoint bar(int(tab.errorPlot()->xAxis->coordToPixel(4.0)), int(tab.errorPlot()->yAxis->coordToPixel(0.0)) - 2);
    QTest::mouseClick(tab.errorPlot(), Qt::LeftButton, Qt::NoModifier, bar);
    QCOMPARE(tab.currentLayer(), 3);

    // Channel 1's levels: spaced by its own step.
    channel->setValue(1);
    QTRY_VERIFY_WITH_TIMEOUT(tab.snapshots()[2].channel == 1, 30000);
    QTRY_VERIFY(!tab.runner()->isBusy());
    tab.setCurrentLayer(2);
    const auto c1 = tab.snapshots()[2];
    QCOMPARE(tab.levelsGraph()->data()->size(), 16);
    QVERIFY(std::abs((tab.levelsGraph()->data()->at(1)->key - tab.levelsGraph()->data()->at(0)->key) - c1.channelSteps[1]) < 1e-9);
    QCOMPARE(c1.quantError, s[2].quantError); // of the whole layer, whichever channel is drawn

    // The compared run's levels too (a copy: the same levels, drawn lower).
    QString error;
    QVERIFY(tab.setComparisonRun(runB_, &error));
    QTRY_COMPARE_WITH_TIMEOUT(int(tab.comparisonSnapshots().size()), uitest::kDemoRunLayers, 30000);
    QTRY_VERIFY(!tab.comparisonRunner()->isBusy());
    QCOMPARE(tab.comparisonLevelsGraph()->data()->size(), 16);
    QCOMPARE(tab.comparisonLevelsGraph()->data()->at(0)->key, tab.levelsGraph()->data()->at(0)->key);
    QVERIFY(tab.comparisonLevelsGraph()->data()->at(0)->value < tab.levelsGraph()->data()->at(0)->value);
    QVERIFY(tab.plot()->legend->hasItemWithPlottable(tab.comparisonLevelsGraph()));
    QCOMPARE(tab.quantText().split(QLatin1Char('\n')).size(), 2);
    tab.clearComparison();
    QVERIFY(tab.comparisonLevelsGraph()->data()->isEmpty());

    // Activations: each layer's input on validation images, with the activation quantizer's
    // levels for the same bits (one step, no channel); back to the weights after.
    tab.setShowActivations(true);
    QCOMPARE(tab.plot()->xAxis->label(), QStringLiteral("activation value (layer input)"));
    QVERIFY(!channel->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(tab.layerCount() == uitest::kDemoRunLayers && !tab.runner()->isBusy(), 60000);
    {
        const auto act = tab.snapshots();
        for (size_t i = 0; i < act.size(); ++i) {
            QCOMPARE(act[i].channel, qint64(-1));
            QCOMPARE(act[i].channelSteps.size(), size_t(1));
            QCOMPARE(act[i].levels.size(), size_t(info[i].fixedBits ? 256 : 16));
            const double values = std::accumulate(act[i].counts.begin(), act[i].counts.end(), 0.0);
            QCOMPARE(std::fmod(values, 256.0 * double(info[i].inChannels)), 0.0); // 256 images, every channel
        }
        // Not the weights: layer 2's histogram differs from its weight histogram.
        QVERIFY(act[2].edges != s[2].edges);
        tab.setCurrentLayer(2);
        QVERIFY2(tab.quantText().contains(QStringLiteral("inputs")), qPrintable(tab.quantText()));
        QVERIFY(tab.findChild<QLabel*>(QStringLiteral("weightsSourceLabel"))->text().contains(QStringLiteral("256 validation images")));
        QCOMPARE(tab.stepsGraph()->data()->size(), 1);
    }
    tab.setShowActivations(false);
    QTRY_VERIFY_WITH_TIMEOUT(tab.layerCount() == uitest::kDemoRunLayers && !tab.runner()->isBusy(), 60000);
    QCOMPARE(tab.snapshots()[2].edges, s[2].edges);

    // Live snapshots are kept: the slider goes back to any of them; at its end it follows.
    eqnet::LayerSnapshot a;
    a.name = "conv1";
    a.edges = {-1.0, 0.0, 1.0};
    a.counts = {1.0, 3.0};
    a.levels = {-1.0, 0.0};
    a.channelSteps = {1.0};
    eqnet::LayerSnapshot b = a;
    b.counts = {3.0, 1.0};
    QSlider* slider = tab.historySlider();
    QVERIFY(!slider->isVisible());
    tab.showSnapshots(QStringLiteral("supernet"), 10, {a});
    QVERIFY(!slider->isVisible()); // one snapshot: nothing to browse
    tab.showSnapshots(QStringLiteral("supernet"), 20, {b});
    tab.showSnapshots(QStringLiteral("supernet"), 30, {a});
    QCOMPARE(tab.historySize(), 3);
    QVERIFY(slider->isVisible());
    QCOMPARE(slider->value(), 2);
    QCOMPARE(tab.liveStep(), qint64(30));
    slider->setValue(1);
    QCOMPARE(tab.liveStep(), qint64(20));
    QCOMPARE(tab.histogramGraph()->data()->at(0)->value, 0.75); // b: 3 of 4 weights in the first bin
    tab.showSnapshots(QStringLiteral("supernet"), 40, {a}); // not at the end: stays on step 20
    QCOMPARE(tab.liveStep(), qint64(20));
    QCOMPARE(slider->maximum(), 3);
    slider->setValue(3);
    tab.showSnapshots(QStringLiteral("supernet"), 50, {b}); // at the end: follows
    QCOMPARE(tab.liveStep(), qint64(50));
    doc.close();
    QCOMPARE(tab.historySize(), 0);
    QVERIFY(!slider->isVisible());
}

QTEST_MAIN(TstWeightsTab)
#include "tst_weights_tab.moc"
