#pragma once
// How the studio writes two things every tab writes: an error in a status line (one red) and
// an accuracy (0..1) as a percentage in the UI's locale.
#include <QString>

class QLabel;

namespace eqnet {
namespace ui {

// Red text for an error, the palette's colour otherwise.
void setErrorStyle(QLabel* label, bool error);
// 0.8836 -> "88.36 %".
QString formatPercent(double fraction);

} // namespace ui
} // namespace eqnet
