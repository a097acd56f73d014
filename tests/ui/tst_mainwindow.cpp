// The studio's main window: every tab built, menus and shortcuts, translations, recent runs,
// saved window state, the demo run, the New run dialog, and the event loop's latency while a
// training job runs inside the app. Runs offscreen (QT_QPA_PLATFORM=offscreen, set by CTest)
// and against test settings (QStandardPaths test mode), never the user's own.
#include "sanitizer.h"
#include "application.h"
#include "demo_run.h"
#include "i18n.h"
#include "job_runner.h"
#include "mainwindow.h"
#include "user_guide_window.h"
#include "new_run_dialog.h"
#include "onnx_examples.h"
#include "plot_utils.h"
#include "profile_text.h"
#include "text_format.h"
#include "run_document.h"
#include "training_tab.h"

#include "eqnet/profile.h"
#include "eqnet/run_folder.h"
#include "eqnet/supernet.h"

#include "demo_run_copy.h"
#include "tiny_run_config.h"
#include <qcustomplot.h>

#include <QAction>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFontMetrics>
#include <QPushButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QMenu>
#include <QSettings>
#include <QTextBrowser>
#include <QTextDocument>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>
#include <QtTest>

#include <algorithm>
#include <memory>
#include <vector>

using eqnet::ui::MainWindow;

namespace {

const QString kDemoRun = uitest::demoRunDir();


// A folder that holds a run (run.json only: enough to open, nothing trained yet).
QString writeRunJson(const QString& dir, const eqnet::TrainConfig& cfg = {}) {
    QDir().mkpath(dir);
    QFile f(QDir(dir).filePath("run.json"));
    if (!f.open(QIODevice::WriteOnly)) return QString();
    f.write(QByteArray::fromStdString(eqnet::trainConfigToJson(cfg)));
    return QDir::cleanPath(dir);
}

eqnet::TrainConfig syntheticConfig() {
    eqnet::TrainConfig c = eqtest::tinyRunConfig(1024, 128, 64, 11);
    c.snapshotEvery = 4;
    return c;
}

} // namespace


class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        // Before the first QSettings: the settings path is fixed on first use.
        QStandardPaths::setTestModeEnabled(true);
        eqnet::ui::setApplicationIdentity();
        QCOMPARE(QCoreApplication::organizationName(), QStringLiteral("EQ-Net Studio"));
        QCOMPARE(QCoreApplication::applicationName(), QStringLiteral("eqnet-studio"));
        // The studio leaves one core to the event loop (app/studio/main.cpp does the same).
        eqnet::applyRuntime({"cpu", 1});
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

    void everyTabIsBuilt_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("title");
        QTest::newRow("training") << int(MainWindow::TrainingPage) << "Training";
        QTest::newRow("weights") << int(MainWindow::WeightsPage) << "Weights";
        QTest::newRow("predictor") << int(MainWindow::PredictorPage) << "Predictor";
        QTest::newRow("pareto") << int(MainWindow::ParetoPage) << "Pareto";
    }
    void everyTabIsBuilt() {
        QFETCH(int, index);
        QFETCH(QString, title);
        MainWindow window;
        QCOMPARE(window.tabs()->count(), int(MainWindow::PageCount));
        QCOMPARE(window.tabs()->tabText(index), title);
        // Every tab draws at least one plot, and every plot offers PNG/PDF export.
        const auto plots = window.tabs()->widget(index)->findChildren<QCustomPlot*>();
        QVERIFY(!plots.isEmpty());
        for (QCustomPlot* p : plots) QCOMPARE(p->contextMenuPolicy(), Qt::CustomContextMenu);
        QVERIFY(window.constraintsDock());
    }

    void plotsSaveAsPngAndPdf() {
        MainWindow window;
        QCustomPlot* plot = window.trainingTab()->lossPlot();
        plot->resize(400, 300);
        QTemporaryDir tmp;
        QString error;
        QVERIFY2(eqnet::ui::savePlot(plot, tmp.filePath("loss.png"), &error), qPrintable(error));
        QImage png(tmp.filePath("loss.png"));
        QCOMPARE(png.size(), QSize(800, 600)); // twice the widget: sharp in documents
        QVERIFY(eqnet::ui::savePlot(plot, tmp.filePath("loss.pdf"), &error));
        QFile pdf(tmp.filePath("loss.pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QCOMPARE(pdf.read(5), QByteArray("%PDF-"));
        QVERIFY(!eqnet::ui::savePlot(plot, tmp.filePath("loss.bmp"), &error));
        QVERIFY(error.contains("bmp"));
        QVERIFY(!QFileInfo::exists(tmp.filePath("loss.bmp")));
    }

    void menuShortcuts_data() {
        QTest::addColumn<QString>("action");
        QTest::addColumn<QKeySequence>("shortcut");
        QTest::newRow("new run") << "newRunAction" << QKeySequence(Qt::CTRL | Qt::Key_N);
        QTest::newRow("open run") << "openRunAction" << QKeySequence(Qt::CTRL | Qt::Key_O);
        QTest::newRow("demo run") << "openDemoAction" << QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D);
        QTest::newRow("export") << "exportAction" << QKeySequence(Qt::CTRL | Qt::Key_E);
        QTest::newRow("start") << "startTrainingAction" << QKeySequence(Qt::CTRL | Qt::Key_R);
        QTest::newRow("pause") << "pauseTrainingAction" << QKeySequence(Qt::CTRL | Qt::Key_P);
        QTest::newRow("stop") << "stopTrainingAction" << QKeySequence(Qt::CTRL | Qt::Key_Period);
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

    // F1 shows the user guide inside the studio, rendered, with its sections and pictures.
    void userGuideOpensInTheStudio() {
        MainWindow window;
        auto* guide = window.findChild<QAction*>("userGuideAction");
        QVERIFY(guide);
        QCOMPARE(guide->shortcut(), QKeySequence(QKeySequence::HelpContents));
        QVERIFY(!eqnet::ui::UserGuideWindow::findGuide().isEmpty());
        guide->trigger();
        auto* browser = window.findChild<QTextBrowser*>("userGuideBrowser");
        QVERIFY(browser);
        QVERIFY(browser->window()->isVisible());
        const QString text = browser->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("Export")) && text.contains(QStringLiteral("Pareto")), qPrintable(text.left(200)));
        QVERIFY(!text.contains(QStringLiteral("## "))); // rendered, not shown as Markdown source
        // Its pictures resolve against the guide's folder.
        const QVariant image = browser->document()->resource(
            QTextDocument::ImageResource, browser->source().resolved(QUrl(QStringLiteral("images/studio-export.png"))));
        QVERIFY(!image.isNull());
        guide->trigger(); // a second F1 shows the same window
        QCOMPARE(window.findChildren<QTextBrowser*>("userGuideBrowser").size(), qsizetype(1));
    }

    void actionsFollowTheRun() {
        MainWindow window;
        auto* start = window.findChild<QAction*>("startTrainingAction");
        auto* exportAction = window.findChild<QAction*>("exportAction");
        QVERIFY(!start->isEnabled()); // no run
        QVERIFY(!exportAction->isEnabled());
        QTemporaryDir tmp;
        QVERIFY(window.openRun(writeRunJson(tmp.path() + "/fresh", syntheticConfig())));
        QVERIFY(start->isEnabled()); // a run that has not trained yet
        QVERIFY(uitest::copyTree(kDemoRun, tmp.path() + "/demo"));
        QVERIFY(window.openRun(tmp.path() + "/demo"));
        QVERIFY(!start->isEnabled()); // finished
    }

    void paretoPlotAxes() {
        MainWindow window;
        QCustomPlot* plot = window.paretoPlot();
        QVERIFY(plot);
        QVERIFY(window.tabs()->widget(MainWindow::ParetoPage)->findChildren<QCustomPlot*>().contains(plot));
        QCOMPARE(plot->xAxis->scaleType(), QCPAxis::stLogarithmic);
        QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLinear);
        // In the budgets' unit, the ticks labelled as plain numbers (bitops_axis.h).
        QVERIFY(plot->xAxis->label().startsWith(QStringLiteral("MBitOps")));
        QVERIFY(plot->xAxis->range().lower > 0); // a log axis cannot reach zero
        plot->replot();
        QVERIFY(plot->xAxis->tickVector().size() >= 3);
        for (int i = 0; i < plot->xAxis->tickVector().size(); ++i)
            QCOMPARE(plot->xAxis->tickVectorLabels()[i].toDouble(), plot->xAxis->tickVector()[i]);
        // Powers of ten typeset as 10^n need a lower-case exponent, whatever the language.
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
        QCOMPARE(translator.translate("eqnet::ui::MainWindow", "Training"), QString::fromUtf8("训练"));
        // English is the source language: nothing to load.
        QTranslator english;
        QVERIFY(!eqnet::ui::loadTranslation(english, QLocale(QLocale::English)));
    }

    // translations/eqnet_zh_CN.ts is complete: every message extracted from the sources (by
    // `cmake --build build --target equi_lupdate`) has a finished translation.
    void chineseTranslationIsComplete() {
        QFile ts(QStringLiteral(EQNET_SOURCE_DIR "/translations/eqnet_zh_CN.ts"));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        const QByteArray text = ts.readAll();
        const int messages = int(text.count("<message"));
        QVERIFY2(messages > 300, qPrintable(QString::number(messages)));
        QCOMPARE(int(text.count("type=\"unfinished\"")), 0);
        QCOMPARE(int(text.count("<translation></translation>")), 0);
    }

    // Text that comes from data, translated too: the shipped profiles' descriptions, the
    // quantization forms, the training curves' names, the plots' menu.
    void dataTextIsTranslated() {
        QDir shipped(QString::fromStdString(eqnet::shippedProfileDir()));
        const QStringList files = shipped.entryList({QStringLiteral("*.json")});
        QVERIFY(files.size() >= 5);
        const QStringList known = eqnet::ui::shippedProfileDescriptions();
        QStringList descriptions;
        for (const QString& f : files) {
            const auto p = eqnet::readProfileFile(shipped.filePath(f).toStdString());
            descriptions << QString::fromStdString(p.description);
            QVERIFY2(known.contains(descriptions.last()), qPrintable(f + " changed its description: update ui/profile_text.cpp"));
        }
        eqnet::ui::setConfiguredLanguage(QStringLiteral("zh_CN"));
        eqnet::ui::installTranslations(*qApp, eqnet::ui::configuredLanguage());
        for (const QString& d : descriptions) {
            const QString shown = eqnet::ui::profileDescriptionText(d.toStdString());
            QVERIFY2(shown != d && !shown.isEmpty(), qPrintable(d));
        }
        const QString form = eqnet::ui::formText(eqnet::QuantForm{eqnet::Granularity::PerChannel, true, false});
        QCOMPARE(form, QString::fromUtf8("逐通道，对称权重，非对称激活"));
        QCOMPARE(eqnet::ui::TrainingTab::curveName(QStringLiteral("largest")), QString::fromUtf8("最大子网（8 位）"));
        QCOMPARE(QCoreApplication::translate("eqnet::ui::Plot", "Save as PNG…"), QString::fromUtf8("另存为 PNG…"));
        eqnet::ui::removeTranslations(*qApp);
        eqnet::ui::setConfiguredLanguage(QString());
        QCOMPARE(eqnet::ui::formText(eqnet::QuantForm{eqnet::Granularity::PerTensor, false, true}),
                 QStringLiteral("per-tensor, asymmetric weights, symmetric activations"));
    }

    void translatedWindow_data() {
        QTest::addColumn<QString>("language");
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("title");
        QTest::newRow("en training") << "en" << 0 << "Training";
        QTest::newRow("en pareto") << "en" << 3 << "Pareto";
        const char* chinese[] = {"训练", "权重", "预测器", "帕累托"};
        for (int i = 0; i < 4; ++i) QTest::addRow("zh_CN %d", i) << "zh_CN" << i << QString::fromUtf8(chinese[i]);
    }
    void translatedWindow() {
        QFETCH(QString, language);
        QFETCH(int, index);
        QFETCH(QString, title);
        eqnet::ui::setConfiguredLanguage(language);
        const QLocale locale = eqnet::ui::installTranslations(*qApp, eqnet::ui::configuredLanguage());
        QCOMPARE(locale.language(), language == "en" ? QLocale::English : QLocale::Chinese);
        MainWindow window;
        QCOMPARE(window.tabs()->tabText(index), title);
        if (language == "zh_CN") {
            // Qt's own strings in the same language (scripts/debian-packages.txt installs
            // qt6-translations-l10n), and a font that can draw them (fonts-wqy-microhei):
            // without one, Chinese renders as boxes.
            QDialogButtonBox box(QDialogButtonBox::Cancel);
            QCOMPARE(box.button(QDialogButtonBox::Cancel)->text(), QString::fromUtf8("取消"));
            QVERIFY(!QFontDatabase::families(QFontDatabase::SimplifiedChinese).isEmpty());
            const QFontMetrics metrics(window.font());
            QVERIFY(metrics.inFont(QChar(0x8BAD))); // 训
        }
        eqnet::ui::removeTranslations(*qApp);
        MainWindow english;
        QCOMPARE(english.tabs()->tabText(0), QStringLiteral("Training"));
    }

    // With no run open, the welcome page: New run, Open run, the demo, the recent runs (gone
    // ones marked and not openable); a run replaces it with the tabs, closing brings it back.
    void welcomePageWhileNoRunIsOpen() {
        MainWindow::clearRecentRuns();
        QTemporaryDir tmp;
        const QString first = writeRunJson(tmp.path() + "/first");
        const QString second = writeRunJson(tmp.path() + "/second");
        MainWindow window;
        auto* pages = window.findChild<QStackedWidget*>("pages");
        QVERIFY(pages);
        QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("welcomePage"));
        auto* list = window.findChild<QListWidget*>("welcomeRecentRuns");
        QVERIFY(list);
        QCOMPARE(list->count(), 1);
        QVERIFY(!(list->item(0)->flags() & Qt::ItemIsEnabled)); // "No recent runs yet"
        QVERIFY(window.findChild<QPushButton*>("welcomeNewRun") && window.findChild<QPushButton*>("welcomeOpenRun"));

        QVERIFY(window.openRun(first));
        QCOMPARE(pages->currentWidget(), static_cast<QWidget*>(window.tabs()));
        QVERIFY(window.openRun(second));
        window.findChild<QAction*>("closeRunAction")->trigger();
        QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("welcomePage"));
        QCOMPARE(list->count(), 2);
        QVERIFY(list->item(0)->text().contains(QStringLiteral("second")));
        QVERIFY(list->item(1)->text().contains(QStringLiteral("first")));

        // A run that went away: listed as not found, not openable.
        QVERIFY(QDir(second).removeRecursively());
        window.findChild<QAction*>("closeRunAction")->trigger(); // nothing open: refreshes nothing
        MainWindow later;
        auto* laterList = later.findChild<QListWidget*>("welcomeRecentRuns");
        QVERIFY(laterList->item(0)->text().contains(QStringLiteral("not found")));
        QVERIFY(!(laterList->item(0)->flags() & Qt::ItemIsEnabled));
        // Activating a listed run opens it.
        emit laterList->itemActivated(laterList->item(1));
        QCOMPARE(later.currentRun(), first);
        QCOMPARE(later.findChild<QStackedWidget*>("pages")->currentWidget(), static_cast<QWidget*>(later.tabs()));
        // The demo button opens the demo run.
        MainWindow demo;
        demo.findChild<QPushButton*>("welcomeDemoRun")->click();
        QVERIFY(!demo.currentRun().isEmpty());
    }

    // The run open at quit comes back on start; a closed one does not, nor one whose folder
    // went away, nor any with Settings > Reopen the last run on start off.
    void reopensTheLastRun() {
        QTemporaryDir tmp;
        const QString run = writeRunJson(tmp.path() + "/last");
        {
            MainWindow window;
            QVERIFY(window.openRun(run));
        } // quit with the run open
        {
            MainWindow window;
            QVERIFY(window.reopenLastRun());
            QCOMPARE(window.currentRun(), run);
            window.findChild<QAction*>("closeRunAction")->trigger();
        }
        {
            MainWindow window;
            QVERIFY(!window.reopenLastRun()); // closed before quitting
            QVERIFY(window.openRun(run));
            auto* option = window.findChild<QAction*>("reopenLastRunAction");
            QVERIFY(option && option->isChecked());
            option->setChecked(false);
        }
        {
            MainWindow window;
            QVERIFY(!window.reopenLastRun()); // the option is off
            window.findChild<QAction*>("reopenLastRunAction")->setChecked(true);
            QVERIFY(window.reopenLastRun());
        }
        QVERIFY(QDir(run).removeRecursively());
        MainWindow window;
        QVERIFY(!window.reopenLastRun()); // gone
        QVERIFY(window.currentRun().isEmpty());
    }

    void openRunAddsToRecentRuns() {
        QTemporaryDir tmp;
        const QString first = writeRunJson(tmp.path() + "/first");
        const QString second = writeRunJson(tmp.path() + "/second");
        MainWindow window;
        QVERIFY(MainWindow::recentRuns().isEmpty());

        QVERIFY2(window.openRun(first), qPrintable(window.lastError()));
        QCOMPARE(MainWindow::recentRuns(), QStringList{first});
        QCOMPARE(window.currentRun(), first);
        QCOMPARE(window.document()->dir(), first);
        auto* runLabel = window.findChild<QLabel*>("runLabel");
        QVERIFY(runLabel);
        QVERIFY(runLabel->text().contains(QDir::toNativeSeparators(first)));
        QVERIFY(window.windowTitle().contains("first"));

        QVERIFY(window.openRun(second));
        QCOMPARE(MainWindow::recentRuns(), (QStringList{second, first}));
        // Opening one again moves it to the front, once.
        QVERIFY(window.openRun(first + "/"));
        QCOMPARE(MainWindow::recentRuns(), (QStringList{first, second}));

        // Stored in QSettings: a new window lists them in File > Open recent.
        MainWindow another;
        auto* recent = another.findChild<QMenu*>("recentMenu");
        QVERIFY(recent);
        QStringList listed;
        for (QAction* action : recent->actions())
            if (action->text().contains(first) || action->text().contains(second)) listed << action->text();
        QCOMPARE(listed.size(), 2);
        QVERIFY(listed.first().contains(first));
    }

    void openRunRejectsWhatIsNotARun() {
        MainWindow window;
        QVERIFY(!window.openRun(QDir::tempPath() + "/eqnet-no-such-run-folder"));
        QVERIFY(window.lastError().contains("not found"));
        QVERIFY(!window.openRun(QString()));
        QTemporaryDir empty;
        QVERIFY(!window.openRun(empty.path()));
        QVERIFY2(window.lastError().contains("run.json"), qPrintable(window.lastError()));
        // A damaged run.json names the file.
        QFile bad(empty.filePath("run.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"model\": 3");
        bad.close();
        QVERIFY(!window.openRun(empty.path()));
        QVERIFY2(window.lastError().contains("run.json"), qPrintable(window.lastError()));
        QVERIFY(MainWindow::recentRuns().isEmpty());
        QVERIFY(window.currentRun().isEmpty());
    }

    void recentRunsAreCapped() {
        QTemporaryDir tmp;
        MainWindow window;
        QString last;
        for (int i = 0; i < MainWindow::kMaxRecentRuns + 3; ++i) {
            last = writeRunJson(tmp.path() + QStringLiteral("/run%1").arg(i));
            QVERIFY(window.openRun(last));
        }
        const QStringList runs = MainWindow::recentRuns();
        QCOMPARE(runs.size(), MainWindow::kMaxRecentRuns);
        QCOMPARE(runs.first(), last);
        MainWindow::clearRecentRuns();
        QVERIFY(MainWindow::recentRuns().isEmpty());
    }

    void windowStateIsRestored() {
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.resize(1200, 800);
            window.tabs()->setCurrentIndex(MainWindow::PredictorPage);
            QVERIFY(window.close());
        }
        QVERIFY(QSettings().contains(MainWindow::kGeometryKey));
        QVERIFY(QSettings().contains(MainWindow::kStateKey));
        MainWindow restored;
        QCOMPARE(restored.size(), QSize(1200, 800));
        QCOMPARE(restored.tabs()->currentIndex(), int(MainWindow::PredictorPage));
    }

    void languageSetting() {
        QCOMPARE(eqnet::ui::configuredLanguage(), QString());
        eqnet::ui::setConfiguredLanguage("zh_CN");
        QCOMPARE(eqnet::ui::configuredLanguage(), QStringLiteral("zh_CN"));
        QCOMPARE(eqnet::ui::localeForLanguage("zh_CN").territory(), QLocale::China);
        QCOMPARE(eqnet::ui::localeForLanguage(QString()), QLocale::system());
        // The Settings > Language menu offers the system, English and Chinese.
        MainWindow window;
        auto* menu = window.findChild<QMenu*>("languageMenu");
        QVERIFY(menu);
        QStringList codes;
        for (QAction* a : menu->actions()) {
            codes << a->data().toString();
            if (a->data().toString() == "zh_CN") QVERIFY(a->isChecked());
            QVERIFY2(!a->text().contains(QStringLiteral("()")), qPrintable(a->text())); // always a name
        }
        QCOMPARE(codes, (QStringList{QString(), "en", "zh_CN"}));
    }

    void demoRunIsCopiedOnceAndOpens() {
        QVERIFY(!eqnet::ui::shippedDemoRun().isEmpty());
        QTemporaryDir tmp;
        const QString target = tmp.filePath("demo");
        QString error;
        QCOMPARE(eqnet::ui::prepareDemoRun(&error, target), QDir::cleanPath(target));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(QFileInfo(target + "/checkpoints/last.pt").isFile());
        QVERIFY(QFileInfo(target + "/search/flex-2to8-pt/front.json").isFile());
        // Work done in the copy is kept while the shipped run is unchanged...
        QVERIFY(QDir().mkpath(target + "/exports"));
        QFile mine(target + "/exports/mine.json");
        QVERIFY(mine.open(QIODevice::WriteOnly));
        mine.close();
        QCOMPARE(eqnet::ui::prepareDemoRun(&error, target), QDir::cleanPath(target));
        QVERIFY(mine.exists());
        // ... and a damaged copy (another checkpoint) is replaced by a fresh one.
        QFile ckpt(target + "/checkpoints/last.pt");
        QVERIFY(ckpt.open(QIODevice::WriteOnly | QIODevice::Truncate));
        ckpt.write("broken");
        ckpt.close();
        QCOMPARE(eqnet::ui::prepareDemoRun(&error, target), QDir::cleanPath(target));
        QCOMPARE(QFileInfo(target + "/checkpoints/last.pt").size(),
                 QFileInfo(kDemoRun + "/checkpoints/last.pt").size());
        QVERIFY(!mine.exists());
        QVERIFY(!QFileInfo::exists(target + ".part"));

        // File > Open demo run: a copy in the studio's data folder, never the shipped files.
        MainWindow window;
        QVERIFY2(window.openDemoRun(), qPrintable(window.lastError()));
        QVERIFY(window.currentRun() != QDir::cleanPath(kDemoRun));
        QVERIFY(window.currentRun().startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
        QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::ParetoPage));
        QVERIFY(window.document()->waitUntilLoaded(30000));
        QCOMPARE(int(window.document()->layers().size()), uitest::kDemoRunLayers);
        QVERIFY(window.document()->predictor());
    }

    void newRunDialog() {
        QTemporaryDir tmp;
        eqnet::ui::NewRunDialog dialog;
        dialog.setLocation(tmp.path());
        dialog.setPreset("quick");
        // The quick preset as eqnet pipeline --preset quick trains it.
        const eqnet::TrainConfig quick = dialog.config();
        QCOMPARE(quick.data.trainLimit, int64_t(20000));
        QCOMPARE(quick.epochs, 1);
        QCOMPARE(quick.evalImages, int64_t(2000));
        // Both presets start from the default network (mbv2-28), which the combo shows.
        QCOMPARE(quick.model, std::string("mbv2-28"));
        QCOMPARE(dialog.findChild<QComboBox*>("modelCombo")->currentText(), QString("mbv2-28"));
        dialog.setPreset("fmnist");
        QCOMPARE(dialog.config().model, std::string("mbv2-28"));
        QCOMPARE(dialog.config().epochs, 3);
        QCOMPARE(dialog.config().data.trainLimit, int64_t(0));

        dialog.setRunName("a");
        QCOMPARE(dialog.runFolder(), QDir::cleanPath(tmp.path() + "/a"));
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        dialog.setRunName("");
        QVERIFY(dialog.problem().contains("name"));
        dialog.setRunName("x/y");
        QVERIFY(!dialog.problem().isEmpty());
        writeRunJson(tmp.path() + "/taken");
        dialog.setRunName("taken");
        QVERIFY(dialog.problem().contains("already holds a run"));
        dialog.setRunName("b");
        dialog.setDataFolder(tmp.path() + "/no-data-here");
        QVERIFY(dialog.problem().contains("does not exist"));
        dialog.setDataFormat(eqnet::DataFormat::Synthetic); // needs no folder
        QVERIFY(dialog.problem().isEmpty());
        QCOMPARE(dialog.config().data.format, eqnet::DataFormat::Synthetic);
        // An image folder needs train/<class>/...; augmentation is part of the run.
        QDir(tmp.path()).mkpath("pics/val/cat");
        dialog.setDataFolder(tmp.path() + "/pics");
        dialog.setDataFormat(eqnet::DataFormat::Folder);
        QVERIFY(dialog.problem().contains("has no train/ folder"));
        QDir(tmp.path()).mkpath("pics/train/cat");
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        QCOMPARE(dialog.config().data.format, eqnet::DataFormat::Folder);
        QCOMPARE(dialog.config().data.augment.cropPadding, int64_t(0));
        dialog.findChild<QSpinBox*>("cropPaddingSpin")->setValue(3);
        dialog.findChild<QCheckBox*>("hflipCheck")->setChecked(true);
        QCOMPARE(dialog.config().data.augment.cropPadding, int64_t(3));
        QVERIFY(dialog.config().data.augment.horizontalFlip);
        dialog.setDataFormat(eqnet::DataFormat::Synthetic);
        // The user's own network: an FP .onnx file, trained already (stage 1 set to 0 epochs),
        // with the preprocessing it was trained with.
        const QString own = QString::fromStdString(eqtest::examples::kFolded);
        dialog.setModel(own);
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        QCOMPARE(dialog.config().model, own.toStdString());
        QCOMPARE(dialog.config().fpEpochs, 0);
        dialog.setPreset("quick"); // a chosen file stays
        QCOMPARE(dialog.config().model, own.toStdString());
        QCOMPARE(dialog.config().fpEpochs, 0);
        dialog.setModel(tmp.path() + "/missing.onnx");
        QVERIFY(dialog.problem().contains("does not exist"));
        dialog.setModel("resnet99");
        QVERIFY(dialog.problem().contains("neither a built-in network"));
        dialog.setModel(own);
        dialog.setPreprocessing("0.2860", "0");
        QVERIFY(dialog.problem().contains("positive"));
        dialog.setPreprocessing("0.2860, x", "0.3530");
        QVERIFY(dialog.problem().contains("not a number"));
        dialog.setPreprocessing("0.2860", "0.3530");
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        QCOMPARE(dialog.config().data.mean, std::vector<float>{0.2860f});
        QCOMPARE(dialog.config().data.std, std::vector<float>{0.3530f});
        // The GPU when this build and machine have one, else the CPU.
        QCOMPARE(dialog.config().device, std::string(eqnet::cudaAvailable() ? "cuda" : "cpu"));
    }

    // The quality bar: while a job runs, the event loop never stalls for more than
    // 100 ms. A training job of the studio (live curves, weight snapshots every 4 steps) runs
    // for a few seconds while a 5 ms timer records the longest gap between its ticks; a
    // pause, a resume and a stop go through the window's actions meanwhile.
    void eventLoopStaysResponsiveWhileTraining() {
        QTemporaryDir tmp;
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY2(window.createRun(tmp.filePath("live"), syntheticConfig(), true), qPrintable(window.lastError()));
        eqnet::ui::JobRunner* runner = window.trainingTab()->runner();
        QVERIFY(runner->isBusy());

        QElapsedTimer clock;
        clock.start();
        qint64 last = 0, worst = 0, ticks = 0;
        QTimer timer;
        timer.setInterval(5);
        connect(&timer, &QTimer::timeout, [&] {
            const qint64 now = clock.elapsed();
            worst = std::max(worst, now - last);
            last = now;
            ++ticks;
        });
        timer.start();
        // Pause through the menu action; the metrics file stops growing; resume.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(tmp.filePath("live/metrics.jsonl")).size() > 2000, 30000);
        window.findChild<QAction*>("pauseTrainingAction")->trigger();
        QVERIFY(runner->isPaused());
        QTRY_VERIFY_WITH_TIMEOUT(runner->isHeld(), 30000); // the step in flight has ended
        const qint64 pausedSize = QFileInfo(tmp.filePath("live/metrics.jsonl")).size();
        QTest::qWait(400);
        QCOMPARE(QFileInfo(tmp.filePath("live/metrics.jsonl")).size(), pausedSize);
        window.findChild<QAction*>("pauseTrainingAction")->trigger();
        QVERIFY(!runner->isPaused());
        QVERIFY(runner->waitForIdle(120000));
        timer.stop();
        qInfo("event loop: %lld ticks in %lld ms, longest gap %lld ms", ticks, clock.elapsed(), worst);
        QVERIFY(ticks > 50);
#if !EQ_SANITIZED // a sanitizer slows every event several times over: the bar is for real builds
        QVERIFY2(worst < 100, qPrintable(QStringLiteral("the event loop stalled for %1 ms").arg(worst)));
#endif
        // The run finished and the window knows (start disabled again).
        QVERIFY(window.document()->summary().hasCheckpoint || eqnet::inspectRun(tmp.filePath("live").toStdString()).hasCheckpoint);
        QTRY_VERIFY_WITH_TIMEOUT(window.document()->summary().trainingFinished, 10000);
        QVERIFY(!window.findChild<QAction*>("startTrainingAction")->isEnabled());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
