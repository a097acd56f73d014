#pragma once
// What a person does with a curve plot beyond looking: read the values under the cursor (a
// crosshair: a vertical line at the nearest recorded x and every curve's value there), switch
// the value axis between linear and logarithmic, and take the plotted data away as CSV. The
// plots' context menu (plot_utils) offers the last two on every plot.
#include <QString>
#include <QVector>

class QCustomPlot;

namespace eqnet {
namespace ui {

// Every graph's points, long format: "series,x,y" then one line per point (C-locale numbers,
// full precision); graphs without a name are "series N".
QString plotDataCsv(const QCustomPlot* plot);
// Writes plotDataCsv() atomically; false with the reason in *error.
bool writePlotCsv(const QCustomPlot* plot, const QString& path, QString* error = nullptr);

// Exponential moving average as TensorBoard smooths a curve: s_0 = v_0, s_i = w·s_{i-1} +
// (1 - w)·v_i, for a weight w in [0, 1) (0: the values themselves).
double emaStep(double previous, double value, double weight);
QVector<double> emaSmooth(const QVector<double>& values, double weight);

// A log value axis needs every plotted value above zero.
bool canUseLogValueAxis(const QCustomPlot* plot);
// Switches yAxis (and yAxis2 when visible) between linear and logarithmic scale; false (and
// no change) when log is asked for and canUseLogValueAxis() is false.
bool setLogValueAxis(QCustomPlot* plot, bool log);
bool hasLogValueAxis(const QCustomPlot* plot);

// The values at the recorded x nearest to `x`: "<xName> <x>" then "<curve>: <value>" for each
// named curve with a point there (the nearest of each curve within half the gap to its
// neighbours); "" without data. `*snappedX` gets that x.
QString crosshairText(const QCustomPlot* plot, double x, const QString& xName, double* snappedX = nullptr);
// Follows the mouse with a vertical line and a tooltip of crosshairText().
void installCrosshair(QCustomPlot* plot, const QString& xName);

} // namespace ui
} // namespace eqnet
