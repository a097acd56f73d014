#pragma once
// Application-wide identity and start-up: names used by QSettings, the window icon, the
// command line of eqnet-studio. Shared by app/studio/main.cpp and the UI tests.
#include <QIcon>
#include <QString>
#include <QStringList>

namespace eqnet {
namespace ui {

// QSettings keys live under this organization and application name.
inline constexpr char kOrganizationName[] = "EQ-Net Studio";
inline constexpr char kApplicationName[] = "eqnet-studio";
// The .desktop file's base name (packaging/eqnet-studio.desktop), for Wayland and the taskbar.
inline constexpr char kDesktopFileName[] = "eqnet-studio";

// The version of the studio, from the project's CMake version.
QString studioVersion();

// Sets organization, application name and version, the desktop file name and, when a
// QGuiApplication exists, the window icon. Call right after constructing the application.
void setApplicationIdentity();

// The application icon (embedded: :/icons/), SVG where Qt can render it, PNG sizes otherwise.
QIcon appIcon();

struct StartOptions {
    QString runFolder; // optional positional argument: a run folder to open at start
    bool demo = false; // --demo: open the demo run
    QString compareRun; // --compare: a second run for the Weights tab
    QString page;      // --page: "training", "weights", "predictor" or "pareto" ("" = as last time)
};

// Parses eqnet-studio's command line (--help and --version print and exit, as usual).
// Install the translators first so the help text is translated.
StartOptions parseCommandLine(const QStringList& arguments);

} // namespace ui
} // namespace eqnet
