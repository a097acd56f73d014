// eqnet-studio: the desktop workbench. Usage: eqnet-studio [run-folder]
#include "application.h"
#include "i18n.h"
#include "mainwindow.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv); // high-DPI scaling is on by default in Qt 6
    eqnet::ui::setApplicationIdentity();
    eqnet::ui::installTranslations(app, eqnet::ui::configuredLanguage());
    const eqnet::ui::StartOptions options =
        eqnet::ui::parseCommandLine(QCoreApplication::arguments());

    eqnet::ui::MainWindow window;
    window.show();
    if (!options.runFolder.isEmpty()) window.openRun(options.runFolder);
    return QApplication::exec();
}
