#include "mainwindow.h"

#include "application.h"
#include "eqnet/quant_types.h"

#include <qcustomplot.h>

#include <QAction>
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
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace eqnet {
namespace ui {

namespace {

// A work area that is not built yet: a heading, a paragraph on what it will do, and
// optionally a widget (a plot) filling the rest of the page.
QWidget* placeholderPage(const QString& heading, const QString& text, QWidget* body = nullptr) {
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(10);

    auto* title = new QLabel(heading, page);
    QFont font = title->font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    font.setBold(true);
    title->setFont(font);
    layout->addWidget(title);

    auto* paragraph = new QLabel(text, page);
    paragraph->setObjectName(QStringLiteral("explanation"));
    paragraph->setWordWrap(true);
    paragraph->setTextInteractionFlags(Qt::TextSelectableByMouse);
    paragraph->setMaximumWidth(760);
    paragraph->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    layout->addWidget(paragraph);

    if (body) {
        body->setParent(page);
        layout->addSpacing(6);
        layout->addWidget(body, 1);
    } else {
        layout->addStretch(1);
    }
    return page;
}

QString normalizedFolder(const QString& folder) {
    return QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("EQ-Net Studio"));
    setWindowIcon(appIcon());

    createActions();
    createMenus();
    createTabs();

    runLabel_ = new QLabel(tr("No run open"), this);
    runLabel_->setObjectName(QStringLiteral("runLabel"));
    statusBar()->addPermanentWidget(runLabel_);

    updateRecentRunsMenu();
    restoreWindowSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions() {
    openRunAction_ = new QAction(tr("&Open run…"), this);
    openRunAction_->setObjectName(QStringLiteral("openRunAction"));
    openRunAction_->setShortcut(QKeySequence::Open);
    openRunAction_->setStatusTip(tr("Open the folder of a training run"));
    connect(openRunAction_, &QAction::triggered, this, &MainWindow::chooseRun);

    clearRecentAction_ = new QAction(tr("&Clear list"), this);
    connect(clearRecentAction_, &QAction::triggered, this, [this] {
        clearRecentRuns();
        updateRecentRunsMenu();
    });

    quitAction_ = new QAction(tr("&Quit"), this);
    quitAction_->setObjectName(QStringLiteral("quitAction"));
    quitAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quitAction_->setMenuRole(QAction::QuitRole);
    quitAction_->setStatusTip(tr("Quit EQ-Net Studio"));
    // close() first, so the window saves its geometry like any other way of closing it.
    connect(quitAction_, &QAction::triggered, this, [this] {
        if (close()) QApplication::quit();
    });

    aboutAction_ = new QAction(tr("&About EQ-Net Studio"), this);
    aboutAction_->setMenuRole(QAction::AboutRole);
    connect(aboutAction_, &QAction::triggered, this, &MainWindow::showAbout);

    aboutQtAction_ = new QAction(tr("About &Qt"), this);
    aboutQtAction_->setMenuRole(QAction::AboutQtRole);
    connect(aboutQtAction_, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(openRunAction_);
    recentMenu_ = file->addMenu(tr("Open &recent"));
    recentMenu_->setObjectName(QStringLiteral("recentMenu"));
    file->addSeparator();
    file->addAction(quitAction_);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(aboutAction_);
    help->addAction(aboutQtAction_);
}

void MainWindow::createTabs() {
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("tabs"));
    tabs_->setDocumentMode(true);

    tabs_->addTab(
        placeholderPage(
            tr("Train the supernet"),
            tr("EQ-Net trains one weight-sharing supernet that runs at every bit-width from "
               "%1 to %2 bits, for weights and activations alike, and in every quantization "
               "form (per-tensor or per-channel scales, symmetric or asymmetric ranges). This "
               "tab will start training jobs and follow their loss and accuracy as they run.")
                .arg(kMinBits)
                .arg(kMaxBits)),
        tr("Training"));

    tabs_->addTab(
        placeholderPage(
            tr("Inspect the shared weights"),
            tr("All subnets share one set of weights. This tab will show, layer by layer, how "
               "the weights are distributed and how their quantization grid changes with the "
               "bit-width and the quantization form.")),
        tr("Weights"));

    tabs_->addTab(
        placeholderPage(
            tr("Predict subnet accuracy"),
            tr("Evaluating every bit-width configuration would take far too long, so EQ-Net "
               "fits an accuracy predictor on a sample of evaluated subnets. This tab will fit "
               "that predictor and show how well its estimates agree with measured accuracy.")),
        tr("Predictor"));

    tabs_->addTab(createParetoTab(), tr("Pareto"));

    tabs_->addTab(
        placeholderPage(
            tr("Export a subnet"),
            tr("Pick a subnet from the Pareto front and export it: the bit-widths of every "
               "layer, the quantization scales and zero points, and the quantized weights, "
               "ready for deployment.")),
        tr("Export"));

    setCentralWidget(tabs_);
}

QWidget* MainWindow::createParetoTab() {
    paretoPlot_ = new QCustomPlot;
    paretoPlot_->setObjectName(QStringLiteral("paretoPlot"));
    paretoPlot_->setMinimumHeight(240);
    // QCustomPlot typesets "10^n" only where the locale writes exponents with a lower-case 'e';
    // most locales (en_US, zh_CN, ...) use 'E' and would show "1E+07". Numbers read the same.
    QLocale numbers = QLocale::c();
    numbers.setNumberOptions(QLocale::OmitGroupSeparator);
    paretoPlot_->setLocale(numbers);

    // BitOps span orders of magnitude (a 2-bit and an 8-bit subnet differ 16-fold): log scale.
    QCPAxis* x = paretoPlot_->xAxis;
    x->setScaleType(QCPAxis::stLogarithmic);
    x->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    x->setNumberFormat(QStringLiteral("eb")); // 10^n with a superscript
    x->setNumberPrecision(0);
    x->setLabel(tr("BitOps"));
    x->setRange(1e6, 1e10);
    x->grid()->setSubGridVisible(true);

    QCPAxis* y = paretoPlot_->yAxis;
    y->setLabel(tr("Accuracy (%)"));
    y->setRange(0, 100);

    auto* empty = new QCPItemText(paretoPlot_);
    empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    empty->position->setCoords(0.5, 0.5);
    empty->setText(tr("No search results yet"));
    empty->setColor(QColor(0x80, 0x80, 0x80));
    QFont font = paretoPlot_->font();
    font.setPointSizeF(font.pointSizeF() * 1.2);
    empty->setFont(font);

    paretoPlot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);

    return placeholderPage(
        tr("Find the best trade-offs"),
        tr("The search looks for the subnets with the highest accuracy for their cost in BitOps "
           "(multiply-accumulates weighted by the weight and activation bit-widths). Each point "
           "below will be a subnet; the Pareto front joins the subnets that no other subnet "
           "beats in both accuracy and cost."),
        paretoPlot_);
}

QStringList MainWindow::recentRuns() {
    QStringList runs = QSettings().value(QLatin1String(kRecentRunsKey)).toStringList();
    runs.removeAll(QString());
    runs.removeDuplicates();
    while (runs.size() > kMaxRecentRuns) runs.removeLast();
    return runs;
}

void MainWindow::clearRecentRuns() { QSettings().remove(QLatin1String(kRecentRunsKey)); }

bool MainWindow::openRun(const QString& folder) {
    const QString path = normalizedFolder(folder);
    if (folder.isEmpty() || !QFileInfo(path).isDir()) {
        statusBar()->showMessage(
            tr("Run folder not found: %1").arg(QDir::toNativeSeparators(path)), 8000);
        return false;
    }

    QStringList runs = recentRuns();
    runs.removeAll(path);
    runs.prepend(path);
    while (runs.size() > kMaxRecentRuns) runs.removeLast();
    QSettings settings;
    settings.setValue(QLatin1String(kRecentRunsKey), runs);
    settings.setValue(QStringLiteral("lastRunParent"), QFileInfo(path).absolutePath());

    currentRun_ = path;
    const QString name = QFileInfo(path).fileName();
    setWindowTitle(tr("%1 — EQ-Net Studio").arg(name));
    runLabel_->setText(tr("Run: %1").arg(QDir::toNativeSeparators(path)));
    statusBar()->showMessage(tr("Opened run %1").arg(name), 5000);
    updateRecentRunsMenu();
    return true;
}

void MainWindow::chooseRun() {
    const QString start = QSettings().value(QStringLiteral("lastRunParent")).toString();
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Open run folder"), start.isEmpty() ? QDir::homePath() : start);
    if (!folder.isEmpty()) openRun(folder);
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About EQ-Net Studio"),
        tr("<h3>EQ-Net Studio %1</h3>"
           "<p>A workbench for EQ-Net elastic quantization: one supernet, trained once, that "
           "runs at any bit-width from %2 to %3 bits; the studio searches it for the subnets "
           "with the best accuracy for their BitOps.</p>")
            .arg(studioVersion())
            .arg(kMinBits)
            .arg(kMaxBits));
}

void MainWindow::updateRecentRunsMenu() {
    recentMenu_->clear();
    const QStringList runs = recentRuns();
    for (int i = 0; i < runs.size(); ++i) {
        const QString& run = runs.at(i);
        // &1 ... &9, &0 as mnemonics; && keeps a literal '&' in the folder name.
        QString label = QDir::toNativeSeparators(run);
        label.replace(QLatin1Char('&'), QStringLiteral("&&"));
        if (i < 10) label = QStringLiteral("&%1  %2").arg((i + 1) % 10).arg(label);
        QAction* action = recentMenu_->addAction(label);
        connect(action, &QAction::triggered, this, [this, run] { openRun(run); });
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
    saveWindowSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::saveWindowSettings() const {
    QSettings settings;
    settings.setValue(QLatin1String(kGeometryKey), saveGeometry());
    settings.setValue(QLatin1String(kStateKey), saveState());
}

void MainWindow::restoreWindowSettings() {
    QSettings settings;
    const QByteArray geometry = settings.value(QLatin1String(kGeometryKey)).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry)) {
        QSize size(1100, 720);
        if (const QScreen* s = screen())
            size = size.boundedTo(s->availableGeometry().size() * 0.9);
        resize(size);
    }
    restoreState(settings.value(QLatin1String(kStateKey)).toByteArray());
}

} // namespace ui
} // namespace eqnet
