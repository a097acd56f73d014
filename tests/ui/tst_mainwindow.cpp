// The studio's main window: tabs, the Pareto plot's axes, translations, recent runs and
// saved geometry. Runs offscreen (QT_QPA_PLATFORM=offscreen, set by CTest) and against test
// settings (QStandardPaths test mode), never the user's own.
#include "application.h"
#include "i18n.h"
#include "mainwindow.h"

#include <qcustomplot.h>

#include <QAction>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>

#include <memory>
#include <vector>

using eqnet::ui::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        // Before the first QSettings: the settings path is fixed on first use.
        QStandardPaths::setTestModeEnabled(true);
        eqnet::ui::setApplicationIdentity();
        QCOMPARE(QCoreApplication::organizationName(), QStringLiteral("EQ-Net Studio"));
        QCOMPARE(QCoreApplication::applicationName(), QStringLiteral("eqnet-studio"));
    }
    void init() {
        QSettings().clear();
        eqnet::ui::removeTranslations(*qApp);
    }
    void cleanupTestCase() {
        QSettings().clear();
        eqnet::ui::removeTranslations(*qApp);
    }

    void windowTitleAndIcon() {
        MainWindow window;
        QCOMPARE(window.windowTitle(), QStringLiteral("EQ-Net Studio"));
        QVERIFY(!window.windowIcon().isNull());
        QVERIFY(!eqnet::ui::appIcon().pixmap(32, 32).isNull());
    }

    void tabs_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("title");
        QTest::newRow("training") << int(MainWindow::TrainingTab) << "Training";
        QTest::newRow("weights") << int(MainWindow::WeightsTab) << "Weights";
        QTest::newRow("predictor") << int(MainWindow::PredictorTab) << "Predictor";
        QTest::newRow("pareto") << int(MainWindow::ParetoTab) << "Pareto";
        QTest::newRow("export") << int(MainWindow::ExportTab) << "Export";
    }
    void tabs() {
        QFETCH(int, index);
        QFETCH(QString, title);
        MainWindow window;
        QVERIFY(window.tabs());
        QCOMPARE(window.tabs()->count(), int(MainWindow::TabCount));
        QCOMPARE(window.tabs()->tabText(index), title);
        // Every tab explains what it is for.
        auto* explanation = window.tabs()->widget(index)->findChild<QLabel*>("explanation");
        QVERIFY(explanation);
        QVERIFY(explanation->text().size() > 40);
    }

    void menuShortcuts_data() {
        QTest::addColumn<QString>("action");
        QTest::addColumn<QKeySequence>("shortcut");
        QTest::newRow("open run") << "openRunAction" << QKeySequence(Qt::CTRL | Qt::Key_O);
        QTest::newRow("quit") << "quitAction" << QKeySequence(Qt::CTRL | Qt::Key_Q);
    }
    void menuShortcuts() {
        QFETCH(QString, action);
        QFETCH(QKeySequence, shortcut);
        MainWindow window;
        auto* found = window.findChild<QAction*>(action);
        QVERIFY(found);
        QCOMPARE(found->shortcut(), shortcut);
    }

    void paretoPlotAxes() {
        MainWindow window;
        QCustomPlot* plot = window.paretoPlot();
        QVERIFY(plot);
        QCOMPARE(window.tabs()->widget(MainWindow::ParetoTab)->findChild<QCustomPlot*>(), plot);
        QCOMPARE(plot->xAxis->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(plot->xAxis->ticker().dynamicCast<QCPAxisTickerLog>());
        QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLinear);
        QCOMPARE(plot->xAxis->label(), QStringLiteral("BitOps"));
        QCOMPARE(plot->yAxis->label(), QStringLiteral("Accuracy (%)"));
        QCOMPARE(plot->graphCount(), 0); // nothing to show yet
        QVERIFY(plot->xAxis->range().lower > 0); // a log axis cannot reach zero
        // Powers of ten typeset as 10^n need a lower-case exponent, whatever the language.
        QCOMPARE(plot->xAxis->numberFormat(), QStringLiteral("eb"));
        QCOMPARE(plot->locale().exponential(), QStringLiteral("e"));
    }

    void embeddedLanguages() {
        const QStringList languages = eqnet::ui::availableLanguages();
        QVERIFY2(languages.contains("en"), qPrintable(languages.join(',')));
        QVERIFY2(languages.contains("zh_CN"), qPrintable(languages.join(',')));
    }

    void translatorLoadsChinese() {
        QTranslator translator;
        QVERIFY(eqnet::ui::loadTranslation(translator, QLocale(QLocale::Chinese, QLocale::China)));
        QCOMPARE(translator.translate("eqnet::ui::MainWindow", "Training"),
                 QString::fromUtf8("训练"));
        // English is the source language: nothing to load.
        QTranslator english;
        QVERIFY(!eqnet::ui::loadTranslation(english, QLocale(QLocale::English)));
    }

    void translatedWindow_data() {
        QTest::addColumn<QString>("language");
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("title");
        QTest::newRow("en training") << "en" << 0 << "Training";
        QTest::newRow("en export") << "en" << 4 << "Export";
        const char* chinese[] = {"训练", "权重", "预测器", "帕累托", "导出"};
        for (int i = 0; i < 5; ++i)
            QTest::addRow("zh_CN %d", i) << "zh_CN" << i << QString::fromUtf8(chinese[i]);
    }
    void translatedWindow() {
        QFETCH(QString, language);
        QFETCH(int, index);
        QFETCH(QString, title);
        eqnet::ui::setConfiguredLanguage(language);
        const QLocale locale =
            eqnet::ui::installTranslations(*qApp, eqnet::ui::configuredLanguage());
        QCOMPARE(locale.language(),
                 language == "en" ? QLocale::English : QLocale::Chinese);
        MainWindow window;
        QCOMPARE(window.tabs()->tabText(index), title);
        eqnet::ui::removeTranslations(*qApp);
        MainWindow english;
        QCOMPARE(english.tabs()->tabText(0), QStringLiteral("Training"));
    }

    void openRunAddsToRecentRuns() {
        QTemporaryDir first, second;
        QVERIFY(first.isValid() && second.isValid());
        MainWindow window;
        QVERIFY(MainWindow::recentRuns().isEmpty());

        QVERIFY(window.openRun(first.path()));
        QCOMPARE(MainWindow::recentRuns(), QStringList{first.path()});
        QCOMPARE(window.currentRun(), first.path());
        auto* runLabel = window.findChild<QLabel*>("runLabel");
        QVERIFY(runLabel);
        QVERIFY(runLabel->text().contains(QDir::toNativeSeparators(first.path())));
        QVERIFY(window.windowTitle().contains(QFileInfo(first.path()).fileName()));

        QVERIFY(window.openRun(second.path()));
        QCOMPARE(MainWindow::recentRuns(), (QStringList{second.path(), first.path()}));
        // Opening one again moves it to the front, once.
        QVERIFY(window.openRun(first.path() + "/"));
        QCOMPARE(MainWindow::recentRuns(), (QStringList{first.path(), second.path()}));

        // Stored in QSettings: a new window lists them in File > Open recent.
        MainWindow another;
        auto* recent = another.findChild<QMenu*>("recentMenu");
        QVERIFY(recent);
        QStringList listed;
        for (QAction* action : recent->actions())
            if (action->text().contains(first.path()) || action->text().contains(second.path()))
                listed << action->text();
        QCOMPARE(listed.size(), 2);
        QVERIFY(listed.first().contains(first.path()));
    }

    void openRunRejectsMissingFolder() {
        MainWindow window;
        QVERIFY(!window.openRun(QDir::tempPath() + "/eqnet-no-such-run-folder"));
        QVERIFY(!window.openRun(QString()));
        QVERIFY(MainWindow::recentRuns().isEmpty());
        QVERIFY(window.currentRun().isEmpty());
    }

    void recentRunsAreCapped() {
        std::vector<std::unique_ptr<QTemporaryDir>> dirs;
        MainWindow window;
        for (int i = 0; i < MainWindow::kMaxRecentRuns + 3; ++i) {
            dirs.push_back(std::make_unique<QTemporaryDir>());
            QVERIFY(window.openRun(dirs.back()->path()));
        }
        const QStringList runs = MainWindow::recentRuns();
        QCOMPARE(runs.size(), MainWindow::kMaxRecentRuns);
        QCOMPARE(runs.first(), dirs.back()->path());
        MainWindow::clearRecentRuns();
        QVERIFY(MainWindow::recentRuns().isEmpty());
    }

    void geometryIsRestored() {
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.resize(840, 560);
            QVERIFY(window.close());
        }
        QVERIFY(QSettings().contains(MainWindow::kGeometryKey));
        QVERIFY(QSettings().contains(MainWindow::kStateKey));
        MainWindow restored;
        QCOMPARE(restored.size(), QSize(840, 560));
    }

    void languageSetting() {
        QCOMPARE(eqnet::ui::configuredLanguage(), QString());
        eqnet::ui::setConfiguredLanguage("zh_CN");
        QCOMPARE(eqnet::ui::configuredLanguage(), QStringLiteral("zh_CN"));
        QCOMPARE(eqnet::ui::localeForLanguage("zh_CN").territory(), QLocale::China);
        QCOMPARE(eqnet::ui::localeForLanguage(QString()), QLocale::system());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
