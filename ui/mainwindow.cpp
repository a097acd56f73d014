#include "mainwindow.h"

#include "application.h"
#include "constraints_dock.h"
#include "demo_run.h"
#include "export_dialog.h"
#include "i18n.h"
#include "job_runner.h"
#include "new_run_dialog.h"
#include "model_tab.h"
#include "pareto_tab.h"
#include "predictor_tab.h"
#include "run_document.h"
#include "subnet_choice.h"
#include "training_tab.h"
#include "user_guide_window.h"
#include "welcome_page.h"
#include "weights_tab.h"

#include "eqnet/quant_types.h"

#include <qcustomplot.h>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>

namespace eqnet {
namespace ui {

namespace {

QString normalizedFolder(const QString& folder) {
    return QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), doc_(new RunDocument(this)) {
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("EQ-Net Studio"));
    setWindowIcon(appIcon());
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    createPages();
    createActions();
    createMenus();
    connectPages();

    runLabel_ = new QLabel(tr("No run open"), this);
    runLabel_->setObjectName(QStringLiteral("runLabel"));
    statusBar()->addPermanentWidget(runLabel_);

    updateRecentRunsMenu();
    updateActions();
    restoreWindowSettings();
}

MainWindow::~MainWindow() = default;

QCustomPlot* MainWindow::paretoPlot() const { return pareto_->plot(); }

QString MainWindow::currentRun() const { return doc_->isOpen() ? doc_->dir() : QString(); }

void MainWindow::createPages() {
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("tabs"));
    tabs_->setDocumentMode(true);

    constraints_ = new ConstraintsDock(doc_, this);
    constraints_->setObjectName(QStringLiteral("constraintsDock"));
    addDockWidget(Qt::LeftDockWidgetArea, constraints_);

    training_ = new TrainingTab(doc_, tabs_);
    weights_ = new WeightsTab(doc_, tabs_);
    predictor_ = new PredictorTab(doc_, tabs_);
    pareto_ = new ParetoTab(doc_, constraints_, tabs_);
    model_ = new ModelTab(doc_, tabs_);
    tabs_->addTab(training_, tr("Training"));
    tabs_->addTab(weights_, tr("Weights"));
    tabs_->addTab(predictor_, tr("Predictor"));
    tabs_->addTab(pareto_, tr("Pareto"));
    tabs_->addTab(model_, tr("Model"));
    tabs_->setTabToolTip(TrainingPage, tr("Train the supernet and follow its curves (Ctrl+1)"));
    tabs_->setTabToolTip(WeightsPage, tr("The shared weights and their quantization grid (Ctrl+2)"));
    tabs_->setTabToolTip(PredictorPage, tr("The accuracy predictor against measurements (Ctrl+3)"));
    tabs_->setTabToolTip(ParetoPage, tr("Accuracy against BitOps for the hardware constraints (Ctrl+4)"));
    tabs_->setTabToolTip(ModelPage, tr("The network's layers with the selected subnet's bits, and an exported "
                                       "model's quantization nodes (Ctrl+5)"));
    // No run open: the welcome page; a run: the tabs.
    welcome_ = new WelcomePage(this);
    welcome_->setObjectName(QStringLiteral("welcomePage"));
    connect(welcome_, &WelcomePage::newRunRequested, this, &MainWindow::newRun);
    connect(welcome_, &WelcomePage::openRunRequested, this, &MainWindow::chooseRun);
    connect(welcome_, &WelcomePage::demoRunRequested, this, [this] { openDemoRun(); });
    connect(welcome_, &WelcomePage::recentRunChosen, this, [this](const QString& run) {
        if (!openRun(run)) QMessageBox::warning(this, tr("Open run"), lastError_);
    });
    pages_ = new QStackedWidget(this);
    pages_->setObjectName(QStringLiteral("pages"));
    pages_->addWidget(welcome_);
    pages_->addWidget(tabs_);
    setCentralWidget(pages_);
}

void MainWindow::createActions() {
    newRunAction_ = new QAction(QIcon::fromTheme(QStringLiteral("document-new")), tr("&New run…"), this);
    newRunAction_->setObjectName(QStringLiteral("newRunAction"));
    newRunAction_->setShortcut(QKeySequence::New);
    newRunAction_->setStatusTip(tr("Create a run folder and train a supernet in it"));
    connect(newRunAction_, &QAction::triggered, this, &MainWindow::newRun);

    openRunAction_ = new QAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open run…"), this);
    openRunAction_->setObjectName(QStringLiteral("openRunAction"));
    openRunAction_->setShortcut(QKeySequence::Open);
    openRunAction_->setStatusTip(tr("Open the folder of a training run"));
    connect(openRunAction_, &QAction::triggered, this, &MainWindow::chooseRun);

    openDemoAction_ = new QAction(tr("Open &demo run"), this);
    openDemoAction_->setObjectName(QStringLiteral("openDemoAction"));
    openDemoAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    openDemoAction_->setStatusTip(tr("Open the small finished run that comes with EQ-Net Studio"));
    connect(openDemoAction_, &QAction::triggered, this, &MainWindow::openDemoRun);

    closeRunAction_ = new QAction(tr("&Close run"), this);
    closeRunAction_->setObjectName(QStringLiteral("closeRunAction"));
    closeRunAction_->setShortcut(QKeySequence::Close);
    connect(closeRunAction_, &QAction::triggered, this, [this] {
        if (training_->runner()->isBusy()) {
            statusBar()->showMessage(tr("Stop the training first"), 5000);
            return;
        }
        doc_->close();
        QSettings().remove(QLatin1String(kSessionRunKey)); // closed: not reopened on start
    });

    exportAction_ = new QAction(QIcon::fromTheme(QStringLiteral("document-save-as")), tr("&Export subnet…"), this);
    exportAction_->setObjectName(QStringLiteral("exportAction"));
    exportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction_->setStatusTip(tr("Export the subnet selected on the Pareto tab as JSON or ONNX"));
    connect(exportAction_, &QAction::triggered, this, &MainWindow::exportSelected);

    clearRecentAction_ = new QAction(tr("&Clear list"), this);
    connect(clearRecentAction_, &QAction::triggered, this, [this] {
        clearRecentRuns();
        updateRecentRunsMenu();
    });

    quitAction_ = new QAction(QIcon::fromTheme(QStringLiteral("application-exit")), tr("&Quit"), this);
    quitAction_->setObjectName(QStringLiteral("quitAction"));
    quitAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quitAction_->setMenuRole(QAction::QuitRole);
    quitAction_->setStatusTip(tr("Quit EQ-Net Studio"));
    // close() first, so the window saves its geometry like any other way of closing it.
    connect(quitAction_, &QAction::triggered, this, [this] {
        if (close()) QApplication::quit();
    });

    startAction_ = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-start")), tr("&Start / resume training"), this);
    startAction_->setObjectName(QStringLiteral("startTrainingAction"));
    startAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(startAction_, &QAction::triggered, this, [this] {
        tabs_->setCurrentIndex(TrainingPage);
        training_->startTraining();
    });
    pauseAction_ = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-pause")), tr("&Pause training"), this);
    pauseAction_->setObjectName(QStringLiteral("pauseTrainingAction"));
    pauseAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    pauseAction_->setCheckable(true);
    connect(pauseAction_, &QAction::triggered, this, [this](bool on) { training_->setPaused(on); });
    stopAction_ = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-stop")), tr("S&top training"), this);
    stopAction_->setObjectName(QStringLiteral("stopTrainingAction"));
    stopAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    stopAction_->setStatusTip(tr("Stop at the end of the current step; a checkpoint keeps the run resumable"));
    connect(stopAction_, &QAction::triggered, this, [this] { training_->stopTraining(); });

    aboutAction_ = new QAction(tr("&About EQ-Net Studio"), this);
    aboutAction_->setMenuRole(QAction::AboutRole);
    connect(aboutAction_, &QAction::triggered, this, &MainWindow::showAbout);
    aboutQtAction_ = new QAction(tr("About &Qt"), this);
    aboutQtAction_->setMenuRole(QAction::AboutQtRole);
    connect(aboutQtAction_, &QAction::triggered, qApp, &QApplication::aboutQt);
    guideAction_ = new QAction(QIcon::fromTheme(QStringLiteral("help-contents")), tr("&User guide"), this);
    guideAction_->setObjectName(QStringLiteral("userGuideAction"));
    guideAction_->setShortcut(QKeySequence::HelpContents);
    connect(guideAction_, &QAction::triggered, this, [this] {
        if (!guideWindow_) guideWindow_ = new UserGuideWindow(UserGuideWindow::findGuide(), this);
        guideWindow_->show();
        guideWindow_->raise();
        guideWindow_->activateWindow();
    });
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(newRunAction_);
    file->addAction(openRunAction_);
    recentMenu_ = file->addMenu(tr("Open &recent"));
    recentMenu_->setObjectName(QStringLiteral("recentMenu"));
    file->addAction(openDemoAction_);
    file->addAction(closeRunAction_);
    file->addSeparator();
    file->addAction(exportAction_);
    file->addSeparator();
    file->addAction(quitAction_);

    QMenu* train = menuBar()->addMenu(tr("&Training"));
    train->addAction(startAction_);
    train->addAction(pauseAction_);
    train->addAction(stopAction_);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(constraints_->toggleViewAction());
    constraints_->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    view->addSeparator();
    for (int i = 0; i < PageCount; ++i) {
        QAction* a = view->addAction(tabs_->tabText(i));
        a->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)));
        connect(a, &QAction::triggered, this, [this, i] { tabs_->setCurrentIndex(i); });
    }

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    QMenu* language = settings->addMenu(tr("&Language"));
    language->setObjectName(QStringLiteral("languageMenu"));
    languageGroup_ = new QActionGroup(this);
    const QString configured = configuredLanguage();
    const auto addLanguage = [&](const QString& code, const QString& label) {
        QAction* a = language->addAction(label);
        a->setCheckable(true);
        a->setData(code);
        a->setChecked(code == configured);
        languageGroup_->addAction(a);
        connect(a, &QAction::triggered, this, [this, code] { setLanguage(code); });
    };
    // The system's language by name; the "C"/POSIX locale of a bare system has none (the menu
    // read "Follow the system ()"): the studio then speaks English.
    const QLocale system = QLocale::system();
    QString systemName = system.nativeLanguageName();
    if (systemName.isEmpty())
        systemName = system.language() == QLocale::C ? QStringLiteral("English") : QLocale::languageToString(system.language());
    addLanguage(QString(), tr("Follow the system (%1)").arg(systemName));
    for (const QString& code : availableLanguages()) {
        const QLocale l = localeForLanguage(code);
        QString name = l.nativeLanguageName();
        if (code == QLatin1String("zh_CN")) name = QStringLiteral("简体中文");
        addLanguage(code, name.isEmpty() ? code : name);
    }

    settings->addSeparator();
    QAction* reopen = settings->addAction(tr("&Reopen the last run on start"));
    reopen->setObjectName(QStringLiteral("reopenLastRunAction"));
    reopen->setCheckable(true);
    reopen->setChecked(QSettings().value(QLatin1String(kReopenKey), true).toBool());
    connect(reopen, &QAction::toggled, this, [](bool on) { QSettings().setValue(QLatin1String(kReopenKey), on); });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(guideAction_);
    help->addSeparator();
    help->addAction(aboutAction_);
    help->addAction(aboutQtAction_);
}

void MainWindow::connectPages() {
    // The Weights tab draws what training snapshots, and asks training for its bits and form.
    connect(training_, &TrainingTab::snapshotsReady, weights_, &WeightsTab::showSnapshots);
    connect(weights_, &WeightsTab::snapshotRequestChanged, training_, &TrainingTab::setSnapshotRequest);
    // A finished (or stopped) training changed the checkpoint: every tab reloads.
    connect(training_, &TrainingTab::trainingFinished, this, [this](bool) { doc_->reload(); });
    JobRunner* runner = training_->runner();
    connect(runner, &JobRunner::started, this, &MainWindow::updateActions);
    connect(runner, &JobRunner::finished, this, &MainWindow::updateActions);
    connect(runner, &JobRunner::pausedChanged, this, &MainWindow::updateActions);
    connect(pareto_, &ParetoTab::exportRequested, this, &MainWindow::exportSubnet);
    connect(pareto_, &ParetoTab::selectionChanged, this, &MainWindow::updateActions);
    connect(pareto_, &ParetoTab::selectionChanged, model_, &ModelTab::showSubnet);

    connect(doc_, &RunDocument::opened, this, [this](const QString& dir) {
        const QString name = QFileInfo(dir).fileName();
        setWindowTitle(tr("%1 — EQ-Net Studio").arg(name));
        runLabel_->setText(tr("Run: %1").arg(QDir::toNativeSeparators(dir)));
        pages_->setCurrentWidget(tabs_);
        updateActions();
    });
    connect(doc_, &RunDocument::loaded, this, [this] {
        if (!doc_->loadError().isEmpty()) statusBar()->showMessage(doc_->loadError(), 10000);
        updateActions();
    });
    connect(doc_, &RunDocument::summaryChanged, this, &MainWindow::updateActions);
    connect(doc_, &RunDocument::closed, this, [this] {
        setWindowTitle(tr("EQ-Net Studio"));
        runLabel_->setText(tr("No run open"));
        welcome_->setRecentRuns(recentRuns());
        pages_->setCurrentWidget(welcome_);
        updateActions();
    });
}

void MainWindow::updateActions() {
    const bool open = doc_->isOpen();
    const JobRunner* runner = training_->runner();
    const bool busy = runner->isBusy();
    startAction_->setEnabled(open && !busy && !doc_->summary().trainingFinished);
    pauseAction_->setEnabled(busy);
    pauseAction_->setChecked(busy && runner->isPaused());
    stopAction_->setEnabled(busy);
    closeRunAction_->setEnabled(open);
    exportAction_->setEnabled(open && doc_->summary().hasCheckpoint && pareto_->selectedSubnet().isValid());
}

QStringList MainWindow::recentRuns() {
    QStringList runs = QSettings().value(QLatin1String(kRecentRunsKey)).toStringList();
    runs.removeAll(QString());
    runs.removeDuplicates();
    while (runs.size() > kMaxRecentRuns) runs.removeLast();
    return runs;
}

bool MainWindow::reopenLastRun() {
    QSettings settings;
    if (!settings.value(QLatin1String(kReopenKey), true).toBool()) return false;
    const QString path = settings.value(QLatin1String(kSessionRunKey)).toString();
    if (path.isEmpty() || !QFileInfo::exists(QDir(path).filePath(QStringLiteral("run.json")))) return false;
    return openRun(path);
}

void MainWindow::clearRecentRuns() { QSettings().remove(QLatin1String(kRecentRunsKey)); }

void MainWindow::rememberRun(const QString& path) {
    QStringList runs = recentRuns();
    runs.removeAll(path);
    runs.prepend(path);
    while (runs.size() > kMaxRecentRuns) runs.removeLast();
    QSettings settings;
    settings.setValue(QLatin1String(kRecentRunsKey), runs);
    settings.setValue(QStringLiteral("lastRunParent"), QFileInfo(path).absolutePath());
    updateRecentRunsMenu();
}

bool MainWindow::openRun(const QString& folder) {
    const QString path = normalizedFolder(folder);
    if (folder.isEmpty() || !QFileInfo(path).isDir()) {
        lastError_ = tr("Run folder not found: %1").arg(QDir::toNativeSeparators(path));
        statusBar()->showMessage(lastError_, 8000);
        return false;
    }
    if (doc_->isOpen() && training_->runner()->isBusy()) {
        lastError_ = tr("Training is running in %1: stop it before opening another run").arg(doc_->name());
        statusBar()->showMessage(lastError_, 8000);
        return false;
    }
    QString error;
    if (!doc_->open(path, &error)) {
        lastError_ = error;
        statusBar()->showMessage(error, 10000);
        return false;
    }
    lastError_.clear();
    rememberRun(path);
    QSettings().setValue(QLatin1String(kSessionRunKey), path);
    statusBar()->showMessage(tr("Opened run %1").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

void MainWindow::chooseRun() {
    const QString start = QSettings().value(QStringLiteral("lastRunParent")).toString();
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Open run folder"), start.isEmpty() ? QDir::homePath() : start);
    if (folder.isEmpty()) return;
    if (!openRun(folder)) QMessageBox::warning(this, tr("Open run"), lastError_);
}

bool MainWindow::openDemoRun() {
    QString error;
    const QString dir = prepareDemoRun(&error);
    if (dir.isEmpty()) {
        lastError_ = error;
        statusBar()->showMessage(error, 10000);
        return false;
    }
    if (!openRun(dir)) return false;
    tabs_->setCurrentIndex(ParetoPage);
    return true;
}

void MainWindow::newRun() {
    NewRunDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) return;
    if (!createRun(dialog.runFolder(), dialog.config(), true))
        QMessageBox::warning(this, tr("New run"), lastError_);
}

bool MainWindow::createRun(const QString& folder, const TrainConfig& config, bool start) {
    if (training_->runner()->isBusy()) {
        lastError_ = tr("Training is running: stop it before starting another run");
        return false;
    }
    const QString path = normalizedFolder(folder);
    try {
        if (!QDir().mkpath(path)) throw std::runtime_error(tr("Cannot create the folder %1").arg(path).toStdString());
        TrainingJob::create(path.toStdString(), config);
    } catch (const std::exception& e) {
        lastError_ = QString::fromStdString(e.what());
        statusBar()->showMessage(lastError_, 10000);
        return false;
    }
    if (!openRun(path)) return false;
    if (start) {
        tabs_->setCurrentIndex(TrainingPage);
        training_->startTraining();
    }
    return true;
}

void MainWindow::exportSelected() {
    const SubnetChoice choice = pareto_->selectedSubnet();
    if (!choice.isValid()) {
        statusBar()->showMessage(tr("Select a subnet on the Pareto tab first"), 5000);
        return;
    }
    exportSubnet(choice);
}

void MainWindow::exportSubnet(const SubnetChoice& choice) {
    if (!doc_->isOpen() || !choice.isValid()) return;
    ExportDialog dialog(doc_, choice, this);
    connect(&dialog, &ExportDialog::exported, this, [this](const QString& path) {
        doc_->refresh();
        if (path.endsWith(QLatin1String(".onnx"), Qt::CaseInsensitive)) model_->openOnnx(path); // its nodes, at hand
        statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 8000);
    });
    dialog.exec();
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About EQ-Net Studio"),
        tr("<h3>EQ-Net Studio %1</h3>"
           "<p>A workbench for EQ-Net elastic quantization: one supernet, trained once, that "
           "runs at any bit-width from %2 to %3 bits; the studio searches it for the subnets "
           "with the best accuracy for their BitOps on the hardware you describe, and exports "
           "them as JSON or ONNX.</p>")
            .arg(studioVersion())
            .arg(kMinBits)
            .arg(kMaxBits));
}

void MainWindow::setLanguage(const QString& language) {
    if (language == configuredLanguage()) return;
    setConfiguredLanguage(language);
    QMessageBox::information(this, tr("Language"),
                             tr("EQ-Net Studio will use the new language the next time it starts."));
}

void MainWindow::updateRecentRunsMenu() {
    recentMenu_->clear();
    const QStringList runs = recentRuns();
    welcome_->setRecentRuns(runs);
    for (int i = 0; i < runs.size(); ++i) {
        const QString& run = runs.at(i);
        // &1 ... &9, &0 as mnemonics; && keeps a literal '&' in the folder name.
        QString label = QDir::toNativeSeparators(run);
        label.replace(QLatin1Char('&'), QStringLiteral("&&"));
        if (i < 10) label = QStringLiteral("&%1  %2").arg((i + 1) % 10).arg(label);
        QAction* action = recentMenu_->addAction(label);
        connect(action, &QAction::triggered, this, [this, run] {
            if (!openRun(run)) QMessageBox::warning(this, tr("Open run"), lastError_);
        });
    }
    if (runs.isEmpty()) {
        QAction* none = recentMenu_->addAction(tr("No recent runs"));
        none->setEnabled(false);
    }
    recentMenu_->addSeparator();
    recentMenu_->addAction(clearRecentAction_);
    clearRecentAction_->setEnabled(!runs.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    JobRunner* runner = training_->runner();
    if (runner->isBusy() && isVisible()) {
        const auto answer = QMessageBox::question(
            this, tr("Training is running"),
            tr("Stop the training and quit? It stops at the end of the current step and keeps a "
               "checkpoint, so it can be resumed later."),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    if (runner->isBusy()) {
        runner->requestStop();
        runner->waitForIdle(60000);
    }
    saveWindowSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::saveWindowSettings() const {
    QSettings settings;
    settings.setValue(QLatin1String(kGeometryKey), saveGeometry());
    settings.setValue(QLatin1String(kStateKey), saveState());
    settings.setValue(QLatin1String(kPageKey), tabs_->currentIndex());
}

void MainWindow::restoreWindowSettings() {
    QSettings settings;
    const QByteArray geometry = settings.value(QLatin1String(kGeometryKey)).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry)) {
        QSize size(1280, 800);
        if (const QScreen* s = screen()) size = size.boundedTo(s->availableGeometry().size() * 0.9);
        resize(size);
    }
    restoreState(settings.value(QLatin1String(kStateKey)).toByteArray());
    tabs_->setCurrentIndex(qBound(0, settings.value(QLatin1String(kPageKey), 0).toInt(), PageCount - 1));
}

} // namespace ui
} // namespace eqnet
