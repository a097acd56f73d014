#pragma once
// The BitOps axis of the Pareto plot, in the unit the budgets are entered in (MBitOps, 10^6
// BitOps per image): a log scale whose ticks are readable at any span. 1-2-5 ticks per decade
// over wide ranges, 1..9 over narrow ones, evenly spaced ticks where even those give fewer
// than three (a front of one profile can span less than a factor of 1.5), each labelled as a
// plain number: "20", "50", "100", "320".
#include <QSharedPointer>
#include <QString>
#include <QVector>

class QCPAxis;

namespace eqnet {
namespace ui {

// BitOps per MBitOps: the plot's x unit and the constraints dock's budget unit.
constexpr double kBitopsPerMega = 1e6;
// Bits per KiB: the unit sizes are shown and budgeted in.
constexpr double kBitsPerKiB = 8192.0;

// The major ticks for a range of MBitOps (lower > 0), what the axis shows.
QVector<double> megaBitopsTicks(double lower, double upper);
// A tick's label: a plain number with at most 4 significant digits ("0.35", "320", "12000").
QString megaBitopsLabel(double tick);
// Log scale, megaBitopsTicks / megaBitopsLabel, minor ticks at 1..9 per decade.
void setupMegaBitopsAxis(QCPAxis* axis, const QString& label);

} // namespace ui
} // namespace eqnet
