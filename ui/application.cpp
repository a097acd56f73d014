#include "application.h"

#include "eqnet/version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QImageReader>

// The icons live in resources/resources.qrc, compiled into this static library: referencing
// its initializer here makes sure the linker keeps it in every program that uses equi.
static void initEquiResources() { Q_INIT_RESOURCE(resources); }

namespace eqnet {
namespace ui {

QString studioVersion() { return QString::fromStdString(versionText()); }

void setApplicationIdentity() {
    initEquiResources();
    QCoreApplication::setOrganizationName(QString::fromLatin1(kOrganizationName));
    QCoreApplication::setApplicationName(QString::fromLatin1(kApplicationName));
    QCoreApplication::setApplicationVersion(studioVersion());
    if (qobject_cast<QGuiApplication*>(QCoreApplication::instance())) {
        QGuiApplication::setDesktopFileName(QString::fromLatin1(kDesktopFileName));
        QGuiApplication::setWindowIcon(appIcon());
    }
}

QIcon appIcon() {
    initEquiResources();
    QIcon icon;
    // Qt renders SVG only with its SVG image plugin (libqt6svg6); the PNGs are always there.
    if (QImageReader::supportedImageFormats().contains("svg"))
        icon.addFile(QStringLiteral(":/icons/eqnet-studio.svg"));
    for (int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/eqnet-studio-%1.png").arg(size), QSize(size, size));
    return icon;
}

StartOptions parseCommandLine(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "eqnet::ui::Application",
        "EQ-Net Studio: train, search and export elastically quantized neural networks."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("run"),
        QCoreApplication::translate("eqnet::ui::Application", "Run folder to open at start."),
        QStringLiteral("[run]"));
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QCoreApplication::translate("eqnet::ui::Application",
                                    "Open the demo run that comes with EQ-Net Studio (a writable copy)."));
    parser.addOption(demo);
    const QCommandLineOption page(
        QStringLiteral("page"),
        QCoreApplication::translate("eqnet::ui::Application",
                                    "The tab to show first: training, weights, predictor, pareto or model."),
        QStringLiteral("tab"));
    parser.addOption(page);
    const QCommandLineOption compare(
        QStringLiteral("compare"),
        QCoreApplication::translate("eqnet::ui::Application",
                                    "A second run whose weights the Weights tab draws for comparison (e.g. one trained without WDR)."),
        QStringLiteral("run"));
    parser.addOption(compare);
    parser.process(arguments);

    StartOptions options;
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) options.runFolder = positional.first();
    options.demo = parser.isSet(demo);
    options.page = parser.value(page).toLower();
    options.compareRun = parser.value(compare);
    return options;
}

} // namespace ui
} // namespace eqnet
