// The Training tab following a headless `eqnet train` that runs in another process (the
// issue's "works for a headless run"): the real command line writes the run folder while the
// tab, in this process, only reads metrics.jsonl. The curves grow while it runs, Start stays
// disabled (another process owns the run), and at the end every step line of the file is a
// point of the plots.
#include "run_document.h"
#include "training_tab.h"

#include "eqnet/run_folder.h"

#include <qcustomplot.h>

#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using eqnet::ui::RunDocument;
using eqnet::ui::TrainingTab;

namespace {

// By the recorded name ("fp", "largest"), shown as TrainingTab::curveName says.
int pointsOf(QCustomPlot* plot, const QString& recorded) {
    const QString name = eqnet::ui::TrainingTab::curveName(recorded);
    for (int i = 0; i < plot->graphCount(); ++i)
        if (plot->graph(i)->name() == name) return plot->graph(i)->data()->size();
    return 0;
}

} // namespace

class TestFollowHeadless : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void followsATrainingInAnotherProcess() {
        QTemporaryDir tmp;
        const QString run = tmp.filePath(QStringLiteral("headless"));
        QProcess train;
        train.setProgram(QStringLiteral(EQNET_CLI));
        train.setArguments({"train", "--out", run, "--data-format", "synthetic", "--val-size", "256",
                            "--fp-epochs", "2", "--epochs", "2", "--batch-size", "64", "--calib-images", "64",
                            "--eval-images", "256", "--threads", "1", "--seed", "3"});
        train.setProcessChannelMode(QProcess::MergedChannels);
        train.start();
        QVERIFY2(train.waitForStarted(), qPrintable(train.errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(run + "/metrics.jsonl"), 60000);

        RunDocument doc;
        QString error;
        QVERIFY2(doc.open(run, &error), qPrintable(error));
        TrainingTab tab(&doc);
        auto* start = tab.findChild<QPushButton*>(QStringLiteral("trainingStartButton"));
        QVERIFY(start);

        // Live: points arrive, then more, while the other process trains.
        QTRY_VERIFY_WITH_TIMEOUT(pointsOf(tab.lossPlot(), "fp") >= 5, 60000);
        const int early = pointsOf(tab.lossPlot(), "fp") + pointsOf(tab.lossPlot(), "largest");
        QVERIFY(train.state() == QProcess::Running);
        QVERIFY(tab.isForeignWriterActive());
        QVERIFY(!start->isEnabled()); // the run belongs to the other process now
        QTRY_VERIFY_WITH_TIMEOUT(pointsOf(tab.lossPlot(), "fp") + pointsOf(tab.lossPlot(), "largest") > early + 10,
                                 60000);

        QVERIFY(train.waitForFinished(240000));
        QVERIFY2(train.exitStatus() == QProcess::NormalExit && train.exitCode() == 0, train.readAll().constData());
        tab.pollNow();

        // Every step line of the file is a point: 2 FP epochs and 2 supernet epochs of 32 steps.
        int fpLines = 0, supernetLines = 0, evalLines = 0;
        for (const auto& r : eqnet::readMetricsFile((run + "/metrics.jsonl").toStdString())) {
            if (r.kind == eqnet::MetricsRecord::Kind::Step) (r.step.stage == "fp" ? fpLines : supernetLines) += 1;
            if (r.kind == eqnet::MetricsRecord::Kind::Eval) ++evalLines;
        }
        QCOMPARE(fpLines, 64);
        QCOMPARE(supernetLines, 64);
        QCOMPARE(evalLines, 4);
        QCOMPARE(pointsOf(tab.lossPlot(), "fp"), fpLines);
        for (const char* name : {"largest", "random1", "smallest"}) QCOMPARE(pointsOf(tab.lossPlot(), name), supernetLines);
        QCOMPARE(pointsOf(tab.accuracyPlot(), "fp"), 2);
        QCOMPARE(pointsOf(tab.accuracyPlot(), "W8A8"), 2);
        QCOMPARE(pointsOf(tab.momentsPlot(), "mean skewness") + pointsOf(tab.momentsPlot(), "mean kurtosis"),
                 2 * supernetLines);
    }
};

QTEST_MAIN(TestFollowHeadless)
#include "tst_follow_headless.moc"
