// The Predictor tab against a copy of the shipped demo run (resources/demo-run): the
// held-out scatter and scores as the predictor file says, the grey samples, a Refit that
// writes a new predictor, and a Stop during sampling that leaves the samples file whole.
#include "sanitizer.h"
#include "job_runner.h"
#include "predictor_tab.h"
#include "run_document.h"

#include "eqnet/cqap.h"
#include "eqnet/files.h"
#include "eqnet/cqap_stage.h"
#include "eqnet/run_layout.h"
#include "eqnet/supernet.h"

#include "demo_run_copy.h"
#include <qcustomplot.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QScrollBar>
#include <QtTest>

#include <cmath>
#include <set>

using eqnet::ui::JobProgress;
using eqnet::ui::PredictorTab;
using eqnet::ui::RunDocument;

namespace {

const QString kDemoRun = uitest::demoRunDir();


QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestPredictorTab : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;
    QString run_;

    // Opens the copied run and waits for the tab to show the samples.
    bool openRun(RunDocument& doc, PredictorTab& tab) {
        QSignalSpy ready(&tab, &PredictorTab::samplesReady);
        if (!doc.open(run_)) return false;
        if (!doc.waitUntilLoaded(30000 * eqtest::kWaitScale)) return false;
        return tab.samplesShown() || ready.wait(30000 * eqtest::kWaitScale);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(tmp_.isValid());
        run_ = tmp_.filePath(QStringLiteral("demo-run"));
        QVERIFY(uitest::copyTree(kDemoRun, run_));
        QVERIFY(QFileInfo::exists(run_ + QStringLiteral("/cqap/predictor.json")));
    }

    // Verify, Fit and Export compute where the run was trained when this machine can: the
    // run's CUDA device with CUDA, the CPU otherwise (they once always used the CPU).
    void jobsComputeOnTheRunsDevice() {
        RunDocument doc;
        QVERIFY(doc.open(run_));
        QCOMPARE(doc.computeDevice(), std::string("cpu")); // the demo run trained on the CPU
        const QString gpuRun = tmp_.filePath(QStringLiteral("gpu-run"));
        QVERIFY(uitest::copyTree(kDemoRun, gpuRun));
        QFile file(gpuRun + QStringLiteral("/run.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonObject j = QJsonDocument::fromJson(file.readAll()).object();
        file.close();
        j[QStringLiteral("device")] = QStringLiteral("cuda:1");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QJsonDocument(j).toJson());
        file.close();
        RunDocument gpu;
        QVERIFY(gpu.open(gpuRun));
        QCOMPARE(gpu.config().device, std::string("cuda:1"));
        QCOMPARE(gpu.computeDevice(), std::string(eqnet::cudaAvailable() ? "cuda:1" : "cpu"));
    }

    void noRunShowsPlaceholderAndFit() {
        RunDocument doc;
        PredictorTab tab(&doc);
        auto* fit = tab.findChild<QPushButton*>(QStringLiteral("fitButton"));
        QVERIFY(fit);
        QCOMPARE(fit->text(), QStringLiteral("Fit"));
        QVERIFY(!fit->isEnabled());
        QCOMPARE(tab.heldOutCount(), 0);
        QVERIFY(std::isnan(tab.shownTau()));
        bool placeholder = false;
        for (int i = 0; i < tab.plot()->itemCount(); ++i)
            if (auto* t = qobject_cast<QCPItemText*>(tab.plot()->item(i)))
                placeholder = placeholder || (t->visible() && t->text().contains(QStringLiteral("Open a run")));
        QVERIFY(placeholder);
        QVERIFY(!tab.startFit());
        QVERIFY(!tab.statusText().isEmpty());
    }

    void showsHeldOutScatterAndScores() {
        const eqnet::CqapPredictor file = eqnet::CqapPredictor::load(eqnet::cqapPredictorPath(run_.toStdString()));
        const eqnet::CqapScores& s = file.scores();
        QCOMPARE(int(s.testMeasured.size()), 40);
        const eqnet::CqapPredictor uncond =
            eqnet::CqapPredictor::load(eqnet::cqapPredictorPath(run_.toStdString(), false));

        RunDocument doc;
        PredictorTab tab(&doc);
        QVERIFY(openRun(doc, tab));
        QCOMPARE(tab.heldOutCount(), int(s.testMeasured.size()));
        QCOMPARE(tab.shownTau(), s.kendallTau);
        QCOMPARE(QString::number(tab.shownTau(), 'f', 3), QStringLiteral("0.829"));
        QCOMPARE(tab.shownUnconditionalTau(), uncond.scores().kendallTau);
        // 200 samples of this checkpoint, 40 of them held out: 160 grey dots.
        const auto samples = eqnet::readCqapSamples(eqnet::cqapSamplesPath(run_.toStdString()), doc.layers(),
                                                    eqnet::fileIdentity(eqnet::runCheckpointPath(run_.toStdString())));
        QCOMPARE(int(samples.size()), 200);
        QCOMPARE(tab.sampleDotCount(), 200 - 40);

        // One graph per form, each holding that form's held-out points at (measured, predicted) in %.
        int perFormGraphs = 0;
        for (int i = 0; i < tab.plot()->graphCount(); ++i) {
            QCPGraph* g = tab.plot()->graph(i);
            if (!g->property("heldOut").toBool()) continue;
            ++perFormGraphs;
            const std::string form = g->name().toStdString();
            int expected = 0;
            for (const auto& f : s.testForms) expected += f == form;
            QCOMPARE(g->dataCount(), expected);
            for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
                bool found = false;
                for (size_t k = 0; k < s.testForms.size() && !found; ++k)
                    found = s.testForms[k] == form && std::abs(s.testMeasured[k] * 100 - it->key) < 1e-9 &&
                            std::abs(s.testPredicted[k] * 100 - it->value) < 1e-9;
                QVERIFY2(found, qPrintable(g->name()));
            }
        }
        QCOMPARE(perFormGraphs, int(std::set<std::string>(s.testForms.begin(), s.testForms.end()).size()));
        // Equal axes.
        QCOMPARE(tab.plot()->xAxis->range().lower, tab.plot()->yAxis->range().lower);
        QCOMPARE(tab.plot()->xAxis->range().upper, tab.plot()->yAxis->range().upper);

        // The numbers beside the plot.
        auto* scores = tab.findChild<QTableWidget*>(QStringLiteral("scoresTable"));
        QVERIFY(scores);
        QCOMPARE(scores->item(0, 0)->text(), QString::number(s.kendallTau, 'f', 3));
        QCOMPARE(scores->item(1, 0)->text(), QString::number(s.rmse, 'f', 3));
        QCOMPARE(scores->item(2, 0)->text(), QString::number(s.mae, 'f', 3));
        QCOMPARE(scores->item(3, 0)->text(), QStringLiteral("160 / 40"));
        QCOMPARE(scores->item(4, 0)->text(), QString::number(s.epochs));
        QCOMPARE(scores->item(0, 1)->text(), QString::number(uncond.scores().kendallTau, 'f', 3));
        auto* perForm = tab.findChild<QTableWidget*>(QStringLiteral("perFormTable"));
        QVERIFY(perForm);
        QCOMPARE(perForm->rowCount(), perFormGraphs);
        int withTau = 0, fewMarked = 0;
        for (int r = 0; r < perForm->rowCount(); ++r) {
            const std::string f = perForm->item(r, 0)->text().toStdString();
            int held = 0;
            for (const auto& tf : s.testForms) held += tf == f;
            QCOMPARE(perForm->item(r, 1)->text().toInt(), held);
            if (!s.kendallTauPerForm.count(f)) continue; // too few held-out points for a tau
            ++withTau;
            // A tau from fewer than 10 held-out subnets carries a mark and the note below says why.
            const QString mark = held < 10 ? QStringLiteral(" *") : QString();
            fewMarked += !mark.isEmpty();
            QCOMPARE(perForm->item(r, 2)->text(), QString::number(s.kendallTauPerForm.at(f), 'f', 3) + mark);
            QCOMPARE(perForm->item(r, 3)->text(),
                     QString::number(uncond.scores().kendallTauPerForm.at(f), 'f', 3) + mark);
        }
        QCOMPARE(withTau, int(s.kendallTauPerForm.size()));
        QVERIFY(fewMarked > 0); // the demo run holds out 40 subnets over 8 forms
        auto* note = tab.findChild<QLabel*>(QStringLiteral("perFormNote"));
        QVERIFY(note && !note->isHidden());
        QVERIFY2(note->text().contains(QStringLiteral("one time in 6")), qPrintable(note->text()));

        // At 1280x800 the tab gets about 870x740 beside the constraints dock: no column of either
        // table is cut (the header read "nconditiona" there).
        tab.resize(870, 740);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        QCoreApplication::processEvents();
        for (QTableWidget* t : {scores, perForm}) {
            QCOMPARE(t->horizontalScrollBar()->maximum(), 0);
            for (int c = 0; c < t->columnCount(); ++c)
                QVERIFY2(t->horizontalHeader()->sectionSize(c) >= t->horizontalHeader()->sectionSizeHint(c),
                         qPrintable(t->horizontalHeaderItem(c)->text()));
        }

        // Defaults of the fit form: pipeline.json's cqap options, the predictor's seed.
        auto* fit = tab.findChild<QPushButton*>(QStringLiteral("fitButton"));
        QCOMPARE(fit->text(), QStringLiteral("Refit"));
        QVERIFY(fit->isEnabled());
        eqnet::CqapStageOptions opt;
        QVERIFY(tab.fitOptions(&opt));
        QCOMPARE(opt.sampling.perForm, 25);
        QCOMPARE(opt.sampling.eval.maxImages, int64_t(2000));
        QCOMPARE(opt.fit.hidden, (std::vector<int>{64, 64}));
        QCOMPARE(opt.fit.seed, file.options().seed);
        QCOMPARE(opt.fit.ensemble, 1);
        tab.findChild<QLineEdit*>(QStringLiteral("hiddenLayers"))->setText(QStringLiteral("64,x"));
        QVERIFY(!tab.fitOptions(&opt));
        QVERIFY(!tab.startFit());
        QVERIFY(!tab.statusText().isEmpty());
    }

    void refitWritesANewPredictor() {
        const QString predictorPath = run_ + QStringLiteral("/cqap/predictor.json");
        const QByteArray before = readAll(predictorPath);
        const QByteArray samplesBefore = readAll(run_ + QStringLiteral("/cqap/samples.jsonl"));
        RunDocument doc;
        PredictorTab tab(&doc);
        QVERIFY(openRun(doc, tab));
        tab.findChild<QSpinBox*>(QStringLiteral("maxEpochs"))->setValue(30);
        tab.findChild<QSpinBox*>(QStringLiteral("ensemble"))->setValue(2);
        QSignalSpy finished(&tab, &PredictorTab::fitFinished);
        QSignalSpy loaded(&doc, &RunDocument::loaded);
        QVERIFY(tab.startFit());
        QVERIFY(finished.wait(60000 * eqtest::kWaitScale));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(2).toString()));
        // Samples per form unchanged: nothing measured, the same file.
        QCOMPARE(readAll(run_ + QStringLiteral("/cqap/samples.jsonl")), samplesBefore);
        const QByteArray after = readAll(predictorPath);
        QVERIFY(!after.isEmpty());
        QVERIFY(after != before);
        const eqnet::CqapPredictor fresh = eqnet::CqapPredictor::load(predictorPath.toStdString());
        QVERIFY(fresh.scores().epochs <= 30);
        QCOMPARE(fresh.options().ensemble, 2); // two MLPs, averaged
        QCOMPARE(int(fresh.scores().testSamples), 40);
        // scores.json belongs to the new fit.
        const QJsonObject scores = QJsonDocument::fromJson(readAll(run_ + QStringLiteral("/cqap/scores.json"))).object();
        QCOMPARE(scores.value(QStringLiteral("conditional")).toObject().value(QStringLiteral("kendall_tau")).toDouble(),
                 fresh.scores().kendallTau);
        // The document reloads and the tab shows the new predictor.
        QVERIFY(loaded.count() > 0 || loaded.wait(30000 * eqtest::kWaitScale));
        QTRY_COMPARE_WITH_TIMEOUT(tab.shownTau(), fresh.scores().kendallTau, 30000 * eqtest::kWaitScale);
        QTRY_VERIFY_WITH_TIMEOUT(tab.samplesShown(), 30000 * eqtest::kWaitScale);
        QCOMPARE(tab.heldOutCount(), 40);
        auto* scoresTable = tab.findChild<QTableWidget*>(QStringLiteral("scoresTable"));
        QCOMPARE(scoresTable->item(4, 0)->text(), QString::number(fresh.scores().epochs));

        // A second Refit with exactly the same settings still fits (a new file is written).
        const QDateTime firstTime = QFileInfo(predictorPath).lastModified();
        QTest::qWait(1100); // file times have a 1 s resolution on some file systems
        finished.clear();
        QVERIFY(tab.startFit());
        QVERIFY(finished.wait(60000 * eqtest::kWaitScale));
        QVERIFY(finished.at(0).at(0).toBool());
        QVERIFY(QFileInfo(predictorPath).lastModified() > firstTime);
        tab.runner()->waitForIdle(1000);
    }

    void stopWhileSamplingLeavesWholeLines() {
        const QString samplesPath = run_ + QStringLiteral("/cqap/samples.jsonl");
        const QByteArray before = readAll(samplesPath);
        const QByteArray predictorBefore = readAll(run_ + QStringLiteral("/cqap/predictor.json"));
        RunDocument doc;
        PredictorTab tab(&doc);
        QVERIFY(openRun(doc, tab));
        tab.findChild<QSpinBox*>(QStringLiteral("samplesPerForm"))->setValue(26); // 8 new measurements
        QSignalSpy finished(&tab, &PredictorTab::fitFinished);
        bool stopAsked = false;
        connect(tab.runner(), &eqnet::ui::JobRunner::progress, &tab, [&](const JobProgress& p) {
            if (p.stage == QLatin1String("cqap-sample") && p.done >= 1 && !stopAsked) {
                stopAsked = true;
                tab.findChild<QPushButton*>(QStringLiteral("stopButton"))->click();
            }
        });
        QVERIFY(tab.startFit());
        QVERIFY(finished.wait(60000 * eqtest::kWaitScale));
        QVERIFY(stopAsked);
        QCOMPARE(finished.at(0).at(1).toBool(), true); // stopped
        QVERIFY(tab.statusText().contains(QStringLiteral("Stopped")));

        const QByteArray after = readAll(samplesPath);
        QVERIFY(after.startsWith(before)); // appended only
        QVERIFY(after.endsWith('\n'));
        const QList<QByteArray> lines = after.split('\n');
        int count = 0;
        for (const QByteArray& line : lines) {
            if (line.isEmpty()) continue;
            QJsonParseError err;
            const QJsonDocument d = QJsonDocument::fromJson(line, &err);
            QVERIFY2(err.error == QJsonParseError::NoError && d.isObject(), line.constData());
            QVERIFY(d.object().contains(QStringLiteral("accuracy")));
            ++count;
        }
        QVERIFY2(count > 200 && count < 208, qPrintable(QString::number(count)));
        // Stopped before fitting: the predictor is the one it was.
        QCOMPARE(readAll(run_ + QStringLiteral("/cqap/predictor.json")), predictorBefore);
        QVERIFY(QFileInfo::exists(run_ + QStringLiteral("/cqap/scores.json")));
    }
};

QTEST_MAIN(TestPredictorTab)
#include "tst_predictor_tab.moc"
