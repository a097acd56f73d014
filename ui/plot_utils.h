#pragma once
// What every plot of the studio shares: a number locale that typesets 10^n, a placeholder
// text for "nothing to show yet", a context menu that saves the plot as PNG or PDF, the
// legend above the plotting area, and side-by-side bar series for the per-layer charts.
#include <QColor>
#include <QString>
#include <QVector>

class QCPAxis;
class QCPBars;
class QCPBarsGroup;
class QCustomPlot;
class QCPItemText;
class QWidget;

namespace eqnet {
namespace ui {

// A new plot with the studio's defaults: C number locale (so log axes show 10^n), antialiased
// lines, drag and wheel zoom, and the save-as context menu.
QCustomPlot* createPlot(QWidget* parent, const QString& objectName);
// A grey text in the middle of the plot, hidden with setVisible(false) once data arrives.
QCPItemText* addPlaceholder(QCustomPlot* plot, const QString& text);
// Moves the legend out of the axis rect into a row of its own above it, its entries side by
// side: a legend inside covers curves, bars and markers whatever corner it takes.
// A bar series drawn beside the other series of `group` (the per-layer charts: two series of
// bars 0.35 wide at each layer), filled with `color`, no outline.
QCPBars* addGroupedBars(QCPBarsGroup* group, QCPAxis* keyAxis, QCPAxis* valueAxis, const QString& name,
                        const QColor& color);
void placeLegendAbove(QCustomPlot* plot);
// A save dialog that starts in the folder last used under `settingsKey` (else home) with
// `fileName`, adds `suffix` when the name has none, and remembers the folder. "" when cancelled.
QString askSavePath(QWidget* parent, const QString& title, const QString& settingsKey, const QString& fileName,
                    const QString& filter, const QString& suffix);
// The context menu (right click): "Save as PNG…", "Save as PDF…", "Reset view".
void installPlotContextMenu(QCustomPlot* plot);
// Saves by extension (.png or .pdf); false with the reason in *error.
bool savePlot(QCustomPlot* plot, const QString& path, QString* error = nullptr);
// A palette of distinguishable colours (colour-blind safe, Okabe-Ito), cycled by index.
QColor seriesColor(int index);

} // namespace ui
} // namespace eqnet
