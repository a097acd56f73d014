// The Training tab: curves drawn from a recorded metrics.jsonl (exact point counts, the
// supernet stage after the FP steps), following a file that grows (a torn line waits for its
// newline) and one that is rewritten, and a tiny synthetic run trained in the app: progress,
// pause, stop with a checkpoint, resume to the end, weight snapshots.
#include "sanitizer.h"
#include "compared_runs.h"
#include "job_runner.h"
#include "run_document.h"
#include "plot_interaction.h"
#include "training_tab.h"

#include "eqnet/run_folder.h"
#include "eqnet/training.h"

#include "demo_run_copy.h"
#include "tiny_run_config.h"
#include <qcustomplot.h>

#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QDoubleSpinBox>
#include <QSettings>
#include <QtTest>

#include <numeric>

using eqnet::ui::JobRunner;
using eqnet::ui::RunDocument;
using eqnet::ui::TrainingTab;

namespace {

const QString kDemoRun = uitest::demoRunDir();


// By the recorded name ("largest"), shown as TrainingTab::curveName says.
QCPGraph* graphNamed(QCustomPlot* plot, const QString& recorded) {
    const QString name = TrainingTab::curveName(recorded);
    for (int i = 0; i < plot->graphCount(); ++i)
        if (plot->graph(i)->name() == name) return plot->graph(i);
    return nullptr;
}

int pointsOf(QCustomPlot* plot, const QString& name) {
    QCPGraph* g = graphNamed(plot, name);
    return g ? g->data()->size() : -1;
}

int lineCount(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return -1;
    return int(f.readAll().count('\n'));
}

bool appendText(const QString& path, const QByteArray& text) {
    QFile f(path);
    if (!f.open(QIODevice::Append)) return false;
    return f.write(text) == text.size();
}

QByteArray supernetStepLine(int step, double kurt) {
    return QByteArray(R"({"epoch":2,"images_per_s":300.0,"losses":{"largest":0.5,"random1":0.6,"smallest":0.7},)"
                      R"("lr":0.0005,"stage":"supernet","step":)") +
           QByteArray::number(step) + R"(,"type":"step","wdr":{"kurtosis":)" + QByteArray::number(kurt, 'g', 17) +
           R"(,"loss":0.01,"skewness":0.02}})";
}

} // namespace

class TstTrainingTab : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().remove(QStringLiteral("training/smoothing")); // the default, whatever a run before left
    }

    void recordedRunDrawsEveryRecord();
    void comparedRunsDrawOverTheOpenRun();
    void followsGrowthTornLinesAndRewrites();
    void trainsPausesStopsAndResumesInTheApp();
};

void TstTrainingTab::recordedRunDrawsEveryRecord() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString run = tmp.filePath(QStringLiteral("demo-run"));
    QVERIFY(uitest::copyTree(kDemoRun, run));
    RunDocument doc;
    TrainingTab tab(&doc);
    QVERIFY(!tab.isFollowing());
    QVERIFY(doc.open(run));
    QVERIFY(tab.isFollowing());
    tab.pollNow();

    QCustomPlot* loss = tab.lossPlot();
    QCOMPARE(loss->objectName(), QStringLiteral("trainingLossPlot"));
    QCOMPARE(loss->graphCount(), 4);
    // One legend entry per curve, saying which network it is.
    QCOMPARE(graphNamed(loss, "largest")->name(), QStringLiteral("largest subnet (8-bit)"));
    QCOMPARE(graphNamed(loss, "random1")->name(), QStringLiteral("random subnet 1"));
    QCOMPARE(graphNamed(loss, "smallest")->name(), QStringLiteral("smallest subnet (2-bit)"));
    QCOMPARE(graphNamed(loss, "fp")->name(), QStringLiteral("FP network"));
    QCOMPARE(TrainingTab::curveName(QStringLiteral("W4A4")), QStringLiteral("W4A4"));
    QCOMPARE(pointsOf(loss, "fp"), 312);
    QCOMPARE(pointsOf(loss, "largest"), 156);
    QCOMPARE(pointsOf(loss, "random1"), 156);
    QCOMPARE(pointsOf(loss, "smallest"), 156);
    // The supernet stage continues after the last FP step on one step axis.
    QCOMPARE(tab.fpStepOffset(), qint64(312));
    QCOMPARE(graphNamed(loss, "fp")->data()->at(311)->key, 312.0);
    QCOMPARE(graphNamed(loss, "largest")->data()->at(0)->key, 313.0);
    QCOMPARE(graphNamed(loss, "largest")->data()->at(155)->key, 468.0);
    QCOMPARE(graphNamed(loss, "largest")->data()->at(0)->value, 0.9860039353370667);
    QCOMPARE(graphNamed(loss, "fp")->data()->at(0)->value, 2.3864762783050537);

    QCustomPlot* acc = tab.accuracyPlot();
    QCOMPARE(pointsOf(acc, "fp"), 2);
    QCOMPARE(graphNamed(acc, "fp")->data()->at(0)->key, 156.0);
    QCOMPARE(graphNamed(acc, "fp")->data()->at(1)->value, 79.7);
    QCOMPARE(pointsOf(acc, "W8A8"), 1);
    QCOMPARE(pointsOf(acc, "W4A4"), 1);
    QCOMPARE(pointsOf(acc, "W2A2"), 1);
    QCOMPARE(graphNamed(acc, "W8A8")->data()->at(0)->value, 79.25);
    QCOMPARE(graphNamed(acc, "W8A8")->data()->at(0)->key, 468.0);
    QCOMPARE(graphNamed(acc, "W2A2")->data()->at(0)->value, 61.25);

    QCOMPARE(tab.lrPlot()->graph(0)->data()->size(), 468);
    QCOMPARE(tab.lrPlot()->graph(0)->data()->at(312)->value, 0.001); // the supernet stage restarts its schedule

    QCustomPlot* moments = tab.momentsPlot();
    QCOMPARE(pointsOf(moments, TrainingTab::tr("mean skewness")), 156);
    QCOMPARE(pointsOf(moments, TrainingTab::tr("mean kurtosis")), 156);
    QCOMPARE(graphNamed(moments, TrainingTab::tr("mean kurtosis"))->data()->at(0)->value, 2.946819305419922);
    QCOMPARE(graphNamed(moments, TrainingTab::tr("mean skewness"))->data()->at(0)->key, 313.0);
    QCOMPARE(graphNamed(moments, TrainingTab::tr("mean kurtosis"))->valueAxis(), moments->yAxis2);

    // The legends sit above the plotting area, never over curves or the stage boundary's
    // "supernet" label (the legend covered it).
    tab.resize(1200, 800);
    tab.show();
    QVERIFY(QTest::qWaitForWindowExposed(&tab));
    for (QCustomPlot* p : {loss, acc, moments}) {
        p->replot();
        QVERIFY(p->legend->visible());
        QVERIFY2(!p->legend->outerRect().intersects(p->axisRect()->rect()), qPrintable(QString("%1,%2 %3x%4 vs %5,%6 %7x%8").arg(p->legend->outerRect().x()).arg(p->legend->outerRect().y()).arg(p->legend->outerRect().width()).arg(p->legend->outerRect().height()).arg(p->axisRect()->rect().x()).arg(p->axisRect()->rect().y()).arg(p->axisRect()->rect().width()).arg(p->axisRect()->rect().height())));
        QVERIFY(p->legend->outerRect().bottom() <= p->axisRect()->rect().top());
    }
    // Every entry whole, also as narrow as the tab is beside the dock at 1280 px (they were cut
    // to "FP netw", "random sub"), and the legend inside its plot.
    tab.resize(860, 700);
    QCoreApplication::processEvents();
    for (QCustomPlot* p : {loss, acc, moments}) {
        p->replot();
        for (int k = 0; k < p->legend->itemCount(); ++k) {
            QCPAbstractLegendItem* item = p->legend->item(k);
            if (!item) continue; // an empty cell of the last row
            QVERIFY2(item->outerRect().width() >= item->minimumOuterSizeHint().width(),
                     qPrintable(p->objectName() + QStringLiteral(" entry %1").arg(k)));
            QVERIFY(p->rect().contains(item->outerRect()));
        }
    }
    // The stage boundary's label where the plot has an FP part to its left; not on the moments
    // plot, which starts at the boundary (the label sat on the curves there).
    const auto boundaryLabel = [](QCustomPlot* p) -> QCPItemText* {
        for (int k = 0; k < p->itemCount(); ++k)
            if (auto* t = qobject_cast<QCPItemText*>(p->item(k)))
                if (t->text() == TrainingTab::tr("supernet")) return t;
        return nullptr;
    };
    QVERIFY(boundaryLabel(loss) && boundaryLabel(loss)->visible());
    QVERIFY(boundaryLabel(moments) && !boundaryLabel(moments)->visible());
    // Smoothing: the loss curves show the exponential moving average of the recorded values;
    // 0 shows them as recorded, and a change redraws from the recorded values.
    {
        QCOMPARE(eqnet::ui::emaSmooth({1.0, 3.0, 3.0}, 0.5), (QVector<double>{1.0, 2.0, 2.5}));
        auto* smoothing = tab.findChild<QDoubleSpinBox*>(QStringLiteral("trainingSmoothing"));
        QVERIFY(smoothing);
        QCOMPARE(smoothing->value(), 0.6); // the default
        const auto values = [&] {
            QVector<double> v;
            for (auto it = graphNamed(loss, "largest")->data()->constBegin(); it != graphNamed(loss, "largest")->data()->constEnd(); ++it)
                v << it->value;
            return v;
        };
        const QVector<double> asRead = values(); // smoothed point by point as records arrived
        smoothing->setValue(0.0);
        const QVector<double> raw = values();
        QCOMPARE(raw.size(), 156);
        const QVector<double> recomputed = eqnet::ui::emaSmooth(raw, 0.6);
        for (int i = 0; i < raw.size(); ++i) QVERIFY(qFuzzyCompare(asRead[i], recomputed[i]));
        smoothing->setValue(0.9);
        const QVector<double> smooth = values();
        const QVector<double> expected = eqnet::ui::emaSmooth(raw, 0.9);
        for (int i = 0; i < raw.size(); ++i) QVERIFY(qFuzzyCompare(smooth[i], expected[i]));
        QVERIFY(smooth[100] != raw[100]);
        smoothing->setValue(0.0);
        QCOMPARE(values(), raw);
    }
    // Values under the cursor: snapped to the nearest recorded step, every curve's value there.
    {
        QCPGraph* largest = graphNamed(loss, "largest");
        auto at = largest->data()->findBegin(350, false);
        QCOMPARE(at->key, 350.0);
        const QString text = eqnet::ui::crosshairText(loss, 350.3, QStringLiteral("step"));
        QVERIFY2(text.startsWith(QStringLiteral("step 350\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("largest subnet (8-bit): ") + QString::number(at->value, 'g', 4)), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("FP network"))); // no FP point at step 350
        QVERIFY(eqnet::ui::crosshairText(loss, 100.2, QStringLiteral("step")).contains(QStringLiteral("FP network: ")));
    }
    // The plotted data as CSV: every point of every curve.
    {
        const QStringList lines = eqnet::ui::plotDataCsv(loss).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 312 + 3 * 156);
        QCOMPARE(lines[0], QStringLiteral("series,x,y"));
        const QCPGraph* fp = graphNamed(loss, "fp");
        QVERIFY(lines.contains(QStringLiteral("FP network,%1,%2").arg(fp->data()->at(0)->key, 0, 'g', 17).arg(fp->data()->at(0)->value, 0, 'g', 17)));
    }
    // Log value axis: for positive curves only.
    QVERIFY(eqnet::ui::setLogValueAxis(loss, true));
    QCOMPARE(loss->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(eqnet::ui::setLogValueAxis(loss, false));
    QCOMPARE(loss->yAxis->scaleType(), QCPAxis::stLinear);
    {
        QCustomPlot withZero;
        withZero.addGraph()->setData({1, 2}, {0.5, 0.0});
        QVERIFY(!eqnet::ui::canUseLogValueAxis(&withZero));
        QVERIFY(!eqnet::ui::setLogValueAxis(&withZero, true));
        QCOMPARE(withZero.yAxis->scaleType(), QCPAxis::stLinear);
    }

    if (qEnvironmentVariableIsSet("EQNET_TEST_SCREENSHOTS")) { // a look at the layout, for people
        tab.resize(1200, 800);
        QCoreApplication::processEvents();
        tab.grab().save(qEnvironmentVariable("EQNET_TEST_SCREENSHOTS") + QStringLiteral("/training_tab.png"));
    }

    // A finished run: nothing to start, the progress is complete.
    auto* start = tab.findChild<QPushButton*>(QStringLiteral("trainingStartButton"));
    QVERIFY(start);
    QVERIFY(!start->isEnabled());
    QVERIFY(!tab.startTraining());
    QVERIFY(!tab.runner()->isBusy());
    auto* label = tab.findChild<QLabel*>(QStringLiteral("trainingProgressLabel"));
    QVERIFY(label->text().contains(QStringLiteral("156 of 156")));
    QCOMPARE(tab.findChild<QProgressBar*>(QStringLiteral("trainingProgressBar"))->value(), 1000);
    QVERIFY(tab.findChild<QLabel*>(QStringLiteral("trainingStatusLabel"))->text().contains(TrainingTab::tr("finished")));

    doc.close();
    QVERIFY(!tab.isFollowing());
    QCOMPARE(loss->graphCount(), 0);
    QCOMPARE(tab.lrPlot()->graph(0)->data()->size(), 0);
}

// Compare runs: another run's curves over the open run's, each value from that run's file on
// the same step axis, dashed in the colour of the same subnet, smoothed alike; bad folders
// say why; removing takes its curves away.
void TstTrainingTab::comparedRunsDrawOverTheOpenRun() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString open = tmp.filePath(QStringLiteral("open-run"));
    const QString other = tmp.filePath(QStringLiteral("other-run"));
    const QString partial = tmp.filePath(QStringLiteral("partial-run"));
    for (const QString& d : {open, other, partial}) QVERIFY(uitest::copyTree(kDemoRun, d));
    // partial-run: its first 100 lines only (one start event, 99 FP steps).
    {
        QFile f(partial + QStringLiteral("/metrics.jsonl"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        f.close();
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        for (int i = 0; i < 100; ++i) f.write(lines[i] + '\n');
    }
    RunDocument doc;
    TrainingTab tab(&doc);
    QVERIFY(doc.open(open));
    tab.pollNow();
    QCustomPlot* loss = tab.lossPlot();
    QCustomPlot* acc = tab.accuracyPlot();
    QCustomPlot* moments = tab.momentsPlot();
    QCOMPARE(loss->graphCount(), 4);
    const auto named = [](QCustomPlot* p, const QString& name) -> QCPGraph* {
        for (int i = 0; i < p->graphCount(); ++i)
            if (p->graph(i)->name() == name) return p->graph(i);
        return nullptr;
    };

    QString error;
    QVERIFY(!tab.compareWith(open, &error));
    QVERIFY2(error.contains(QStringLiteral("open run")), qPrintable(error));
    QVERIFY(!tab.compareWith(tmp.path(), &error));
    QVERIFY2(error.contains(QStringLiteral("metrics.jsonl")), qPrintable(error));
    QCOMPARE(tab.comparedRuns()->count(), 0);

    QVERIFY2(tab.compareWith(other, &error), qPrintable(error));
    QVERIFY(!tab.compareWith(other, &error));
    QVERIFY2(error.contains(QStringLiteral("already")), qPrintable(error));
    QCOMPARE(loss->graphCount(), 8);
    QCPGraph* largest = named(loss, QStringLiteral("largest subnet (8-bit) · other-run"));
    QVERIFY(largest);
    QCOMPARE(largest->data()->size(), 156);
    QCOMPARE(largest->data()->at(0)->key, 313.0); // after the other run's 312 FP steps
    QCOMPARE(largest->pen().style(), Qt::DashLine);
    QCOMPARE(largest->pen().color(), graphNamed(loss, "largest")->pen().color());
    // Smoothed as the open run's (0.6 by default), from the other run's recorded values.
    const auto valuesOf = [](QCPGraph* g) {
        QVector<double> v;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) v << it->value;
        return v;
    };
    auto* smoothing = tab.findChild<QDoubleSpinBox*>(QStringLiteral("trainingSmoothing"));
    smoothing->setValue(0.0);
    const QVector<double> raw = valuesOf(largest);
    QCOMPARE(raw[0], 0.9860039353370667); // the demo run's first recorded largest-subnet loss
    QCOMPARE(raw, valuesOf(graphNamed(loss, "largest")));
    smoothing->setValue(0.8);
    const QVector<double> smooth = valuesOf(largest);
    const QVector<double> expected = eqnet::ui::emaSmooth(raw, 0.8);
    for (int i = 0; i < raw.size(); ++i) QVERIFY(qFuzzyCompare(smooth[i], expected[i]));
    QCOMPARE(named(acc, QStringLiteral("FP network · other-run"))->data()->at(1)->value, 79.7);
    QCOMPARE(named(acc, QStringLiteral("W2A2 · other-run"))->data()->at(0)->value, 61.25);
    QCPGraph* kurt = named(moments, TrainingTab::tr("mean kurtosis") + QStringLiteral(" · other-run"));
    QVERIFY(kurt);
    QCOMPARE(kurt->valueAxis(), moments->yAxis2);
    QCOMPARE(kurt->data()->at(0)->value, 2.946819305419922);

    // A second run, with a pattern of its own; its curves end where its file does.
    QVERIFY2(tab.compareWith(partial, &error), qPrintable(error));
    QCPGraph* partialFp = named(loss, QStringLiteral("FP network · partial-run"));
    QVERIFY(partialFp);
    QCOMPARE(partialFp->data()->size(), 99);
    QCOMPARE(partialFp->pen().style(), Qt::DotLine);
    QVERIFY(!named(loss, QStringLiteral("largest subnet (8-bit) · partial-run")));
    QVERIFY(!eqnet::ui::plotDataCsv(loss).isEmpty());

    // Removing the first: its curves go, the second takes the first pattern.
    tab.comparedRuns()->remove(0);
    QVERIFY(!named(loss, QStringLiteral("largest subnet (8-bit) · other-run")));
    QCOMPARE(named(loss, QStringLiteral("FP network · partial-run"))->pen().style(), Qt::DashLine);
    QCOMPARE(loss->graphCount(), 5);
    // Opening a compared run takes it out of the comparison (it was drawn twice).
    QVERIFY(tab.compareWith(other, &error));
    QCOMPARE(tab.comparedRuns()->count(), 2);
    QVERIFY(doc.open(other));
    tab.pollNow();
    QCOMPARE(tab.comparedRuns()->count(), 1);
    QCOMPARE(tab.comparedRuns()->name(0), QStringLiteral("partial-run"));
    tab.comparedRuns()->clear();
    QCOMPARE(loss->graphCount(), 4);
    QCOMPARE(acc->graphCount(), 4); // fp, W2A2, W4A4, W8A8
    smoothing->setValue(0.6);
}

void TstTrainingTab::followsGrowthTornLinesAndRewrites() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString run = tmp.filePath(QStringLiteral("demo-run"));
    QVERIFY(uitest::copyTree(kDemoRun, run));
    const QString metrics = QDir(run).filePath(QStringLiteral("metrics.jsonl"));
    RunDocument doc;
    QVERIFY(doc.open(run));
    TrainingTab tab(&doc); // a run already open when the tab is made
    QVERIFY(tab.isFollowing());
    QCOMPARE(pointsOf(tab.lossPlot(), "largest"), 156);

    QByteArray more;
    for (int s = 157; s <= 166; ++s) more += supernetStepLine(s, 2.5) + '\n';
    const QByteArray torn = supernetStepLine(167, 2.25);
    more += torn.left(40); // a line still being written
    QVERIFY(appendText(metrics, more));
    tab.pollNow();
    QCOMPARE(pointsOf(tab.lossPlot(), "largest"), 166);
    QCOMPARE(pointsOf(tab.lossPlot(), "smallest"), 166);
    QCOMPARE(pointsOf(tab.lossPlot(), "fp"), 312);
    QCOMPARE(pointsOf(tab.momentsPlot(), TrainingTab::tr("mean kurtosis")), 166);
    QCOMPARE(graphNamed(tab.lossPlot(), "largest")->data()->at(165)->key, 312.0 + 166.0);
    // Growth while no job of the tab writes: another process trains this run.
    QVERIFY(tab.isForeignWriterActive());
    QVERIFY(!tab.findChild<QPushButton*>(QStringLiteral("trainingStartButton"))->isEnabled());
    QVERIFY(tab.findChild<QLabel*>(QStringLiteral("trainingStatusLabel"))->text().contains(TrainingTab::tr("another process")));

    // The rest of the torn line arrives.
    QVERIFY(appendText(metrics, torn.mid(40) + '\n'));
    tab.pollNow();
    QCOMPARE(pointsOf(tab.lossPlot(), "largest"), 167);
    QCOMPARE(graphNamed(tab.momentsPlot(), TrainingTab::tr("mean kurtosis"))->data()->at(166)->value, 2.25);
    // A step trained by two ranks (eqnet launch -n 2): the status says how many processes.
    QByteArray ranked = supernetStepLine(168, 2.25);
    ranked.insert(1, R"("allreduce_bytes":283000,"ranks":2,)");
    QVERIFY(appendText(metrics, ranked + '\n'));
    tab.pollNow();
    QCOMPARE(pointsOf(tab.lossPlot(), "largest"), 168);
    QCOMPARE(tab.findChild<QLabel*>(QStringLiteral("trainingStatusLabel"))->text(),
             TrainingTab::tr("Following a run that %n processes (ranks) are training.", nullptr, 2));

    // The file is rewritten shorter (a resume trims it): the plots start again from the top.
    QFile original(kDemoRun + QStringLiteral("/metrics.jsonl"));
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = original.readAll().split('\n');
    QByteArray head;
    for (int i = 0; i < 101; ++i) head += lines[i] + '\n'; // "started" + FP steps 1..100
    {
        QFile f(metrics);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(f.write(head), head.size());
    }
    tab.pollNow();
    QCOMPARE(pointsOf(tab.lossPlot(), "fp"), 100);
    QCOMPARE(pointsOf(tab.lossPlot(), "largest"), -1);
    QCOMPARE(tab.accuracyPlot()->graphCount(), 0);
    QCOMPARE(tab.lrPlot()->graph(0)->data()->size(), 100);
    QCOMPARE(pointsOf(tab.momentsPlot(), TrainingTab::tr("mean kurtosis")), 0);
    QCOMPARE(tab.fpStepOffset(), qint64(100));

    // ... and go on growing from there. (A range left over from what was drawn before, as
    // the studio had after a run with more points: one new point must not inherit its size.)
    tab.accuracyPlot()->yAxis->setRange(0, 150);
    QByteArray rest;
    for (int i = 101; i < 313; ++i) rest += lines[i] + '\n'; // FP steps 101..311 and the eval of epoch 1
    QVERIFY(appendText(metrics, rest));
    tab.pollNow();
    QCOMPARE(pointsOf(tab.lossPlot(), "fp"), 311);
    QCOMPARE(pointsOf(tab.accuracyPlot(), "fp"), 1);
    // One accuracy point: the axis frames it closely inside 0..100 %, not 0..150 %.
    QCoreApplication::processEvents(); // the queued replot rescales the axes
    const double only = graphNamed(tab.accuracyPlot(), "fp")->data()->at(0)->value;
    const QCPRange y = tab.accuracyPlot()->yAxis->range();
    QVERIFY2(y.lower >= 0 && y.upper <= 101 && y.contains(only) && y.size() <= 5,
             qPrintable(QStringLiteral("%1 .. %2 for %3").arg(y.lower).arg(y.upper).arg(only)));
}

void TstTrainingTab::trainsPausesStopsAndResumesInTheApp() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString run = tmp.filePath(QStringLiteral("tiny"));
    eqnet::TrainConfig cfg = eqtest::tinyRunConfig(512, 64, 32, 3); // 16 steps per stage
    cfg.evalImages = 64;
    cfg.snapshotEvery = 4;
    eqnet::TrainingJob::create(run.toStdString(), cfg);

    RunDocument doc;
    TrainingTab tab(&doc);
    QVERIFY(doc.open(run));
    QVERIFY(doc.waitUntilLoaded(30000 * eqtest::kWaitScale));
    auto* start = tab.findChild<QPushButton*>(QStringLiteral("trainingStartButton"));
    auto* pause = tab.findChild<QPushButton*>(QStringLiteral("trainingPauseButton"));
    auto* stop = tab.findChild<QPushButton*>(QStringLiteral("trainingStopButton"));
    QVERIFY(start && pause && stop);
    QCOMPARE(start->text(), TrainingTab::tr("Start"));
    QVERIFY(start->isEnabled());
    QVERIFY(!pause->isEnabled());
    QVERIFY(!stop->isEnabled());

    QSignalSpy progress(tab.runner(), &JobRunner::progress);
    QSignalSpy snapshots(&tab, &TrainingTab::snapshotsReady);
    QSignalSpy finished(&tab, &TrainingTab::trainingFinished);
    // Pause as soon as the first step reports (the FP stage is over in well under a second).
    bool pausedOnce = false;
    connect(tab.runner(), &JobRunner::progress, &tab, [&] {
        if (!pausedOnce) tab.setPaused(true);
        pausedOnce = true;
    });
    QVERIFY(tab.startTraining());
    QVERIFY(tab.runner()->isBusy());
    QVERIFY(!start->isEnabled());
    QVERIFY(!tab.startTraining()); // one job at a time
    QVERIFY(pause->isEnabled() && stop->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 30000 * eqtest::kWaitScale);
    const auto first = progress.first().first().value<eqnet::ui::JobProgress>();
    QCOMPARE(first.stage, QStringLiteral("fp"));
    QCOMPARE(first.total, qint64(16));
    QVERIFY(first.done >= 1);

    // Pause: no step record is written while paused.
    QVERIFY(pausedOnce);
    QVERIFY(tab.runner()->isPaused());
    QCOMPARE(pause->text(), TrainingTab::tr("Continue"));
    QVERIFY(pause->isChecked());
    QTRY_VERIFY_WITH_TIMEOUT(tab.runner()->isHeld(), 30000 * eqtest::kWaitScale); // the step in flight has ended
    const QString metrics = QDir(run).filePath(QStringLiteral("metrics.jsonl"));
    const int held = lineCount(metrics);
    QTest::qWait(400);
    QCOMPARE(lineCount(metrics), held);
    {
        const auto records = eqnet::readMetricsFile(metrics.toStdString());
        QVERIFY(!records.empty());
        QVERIFY(records.back().kind == eqnet::MetricsRecord::Kind::Step); // held between two steps
        QCOMPARE(records.back().step.stage, std::string("fp"));
        QVERIFY(records.back().step.step < 16);
    }
    QVERIFY(tab.runner()->isBusy());
    QVERIFY(tab.findChild<QLabel*>(QStringLiteral("trainingStatusLabel"))->text().startsWith(TrainingTab::tr("Paused")));
    // The job's passing messages do not outlive what they describe (they stayed through pause).
    auto* message = tab.findChild<QLabel*>(QStringLiteral("trainingMessageLabel"));
    QVERIFY(message);
    QVERIFY2(message->text().isEmpty(), qPrintable(message->text()));

    // Continue, then stop: the job writes a checkpoint and ends, resumable.
    tab.setPaused(false);
    QVERIFY(!tab.runner()->isPaused());
    QCOMPARE(pause->text(), TrainingTab::tr("Pause"));
    tab.stopTraining();
    QVERIFY(tab.runner()->waitForIdle(30000 * eqtest::kWaitScale));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY(QFile::exists(QDir(run).filePath(QStringLiteral("checkpoints/last.pt"))));
    QVERIFY(doc.summary().hasCheckpoint);
    QVERIFY(!doc.summary().trainingFinished);
    QCOMPARE(start->text(), TrainingTab::tr("Resume"));
    QVERIFY(start->isEnabled());
    QVERIFY(!stop->isEnabled());
    QVERIFY(tab.findChild<QLabel*>(QStringLiteral("trainingStatusLabel"))->text().startsWith(TrainingTab::tr("Stopped")));
    int stoppedEvents = 0;
    for (const auto& r : eqnet::readMetricsFile(metrics.toStdString()))
        if (r.kind == eqnet::MetricsRecord::Kind::Event && r.event == "stopped") ++stoppedEvents;
    QCOMPARE(stoppedEvents, 1);

    // Resume to the end, with 3-bit levels asked for the snapshots.
    eqnet::SnapshotRequest req;
    req.bits = 3;
    req.bins = 30;
    tab.setSnapshotRequest(req);
    snapshots.clear();
    QStringList messages;
    connect(tab.runner(), &JobRunner::message, &tab, [&](const QString& m) { messages << m; });
    QVERIFY(tab.startTraining());
    QVERIFY(tab.runner()->waitForIdle(60000 * eqtest::kWaitScale));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
    // "resuming at stage fp, step ..." and "calibrating ..." were shown, then cleared: a finished
    // run shows no message of its job.
    QVERIFY2(messages.join(QLatin1Char('|')).contains(QStringLiteral("resuming at stage")), qPrintable(messages.join(QLatin1Char('|'))));
    QVERIFY2(messages.join(QLatin1Char('|')).contains(QStringLiteral("calibrating")), qPrintable(messages.join(QLatin1Char('|'))));
    QVERIFY2(message->text().isEmpty(), qPrintable(message->text()));
    QCOMPARE(finished.last().first().toBool(), true);
    QVERIFY(doc.summary().trainingFinished);
    QVERIFY(!start->isEnabled());
    QCOMPARE(start->text(), TrainingTab::tr("Start"));

    // Snapshots every 4 steps of each stage after the resume; the last one is supernet step 16.
    QVERIFY(snapshots.count() >= 4);
    QCOMPARE(snapshots.last().at(0).toString(), QStringLiteral("supernet"));
    QCOMPARE(snapshots.last().at(1).toLongLong(), qint64(16));
    QCOMPARE(snapshots.first().at(0).toString(), QStringLiteral("fp"));
    const auto layers = snapshots.last().at(2).value<std::vector<eqnet::LayerSnapshot>>();
    QSignalSpy loaded(&doc, &RunDocument::loaded);
    doc.reload(); // what MainWindow does on trainingFinished: the layers of the checkpoint
    QVERIFY(loaded.wait(30000 * eqtest::kWaitScale));
    QCOMPARE(layers.size(), doc.layers().size());
    QCOMPARE(layers.size(), size_t(6));
    for (size_t i = 0; i < layers.size(); ++i) {
        const eqnet::LayerInfo& info = doc.layers()[i];
        QCOMPARE(layers[i].name, info.name);
        QCOMPARE(layers[i].counts.size(), size_t(30));
        QCOMPARE(std::accumulate(layers[i].counts.begin(), layers[i].counts.end(), 0.0), double(info.weightParams));
        // The core's grid has 2^bits levels; the fixed first and last layers stay at 8 bit.
        QCOMPARE(layers[i].levels.size(), size_t(info.fixedBits ? 256 : 8));
    }

    // The curves of the whole run, as one uninterrupted run.
    tab.pollNow();
    QCOMPARE(pointsOf(tab.lossPlot(), "fp"), 16);
    QCOMPARE(pointsOf(tab.lossPlot(), "largest"), 16);
    QCOMPARE(pointsOf(tab.lossPlot(), "smallest"), 16);
    QCOMPARE(graphNamed(tab.lossPlot(), "largest")->data()->at(0)->key, 17.0);
    QCOMPARE(pointsOf(tab.accuracyPlot(), "fp"), 1);
    QCOMPARE(pointsOf(tab.accuracyPlot(), "W4A4"), 1);
    QCOMPARE(pointsOf(tab.momentsPlot(), TrainingTab::tr("mean skewness")), 16);
    QVERIFY(tab.findChild<QLabel*>(QStringLiteral("trainingProgressLabel"))->text().contains(QStringLiteral("16 of 16")));
}

QTEST_MAIN(TstTrainingTab)
#include "tst_training_tab.moc"
