// eqnet-studio: the desktop workbench.
// Usage: eqnet-studio [--demo] [--page TAB] [--compare RUN] [run-folder]
#include "application.h"
#include "i18n.h"
#include "mainwindow.h"
#include "weights_tab.h"

#include "eqnet/supernet.h"

#include <QApplication>
#include <QStatusBar>
#include <QTabWidget>
#include <QThread>

int main(int argc, char** argv) {
    QApplication app(argc, argv); // high-DPI scaling is on by default in Qt 6
    eqnet::ui::setApplicationIdentity();
    eqnet::ui::installTranslations(app, eqnet::ui::configuredLanguage());
    const eqnet::ui::StartOptions options =
        eqnet::ui::parseCommandLine(QCoreApplication::arguments());

    // Jobs compute with every core but one: the event loop keeps a core of its own, so the
    // window answers at once even while training (tst_mainwindow measures it).
    eqnet::applyRuntime({"cpu", std::max(1, QThread::idealThreadCount() - 1)});

    eqnet::ui::MainWindow window;
    window.show();
    if (!options.runFolder.isEmpty())
        window.openRun(options.runFolder);
    else if (options.demo)
        window.openDemoRun();
    else
        window.reopenLastRun();
    const QStringList pages = {QStringLiteral("training"), QStringLiteral("weights"), QStringLiteral("predictor"),
                               QStringLiteral("pareto"), QStringLiteral("model")};
    if (!options.compareRun.isEmpty()) {
        QString error;
        if (!window.weightsTab()->setComparisonRun(options.compareRun, &error))
            window.statusBar()->showMessage(error, 10000);
    }
    if (pages.contains(options.page)) window.tabs()->setCurrentIndex(int(pages.indexOf(options.page)));
    return QApplication::exec();
}
