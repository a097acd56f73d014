#include "text_format.h"

#include <QLabel>
#include <QLocale>

namespace eqnet {
namespace ui {

void setErrorStyle(QLabel* label, bool error) {
    label->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

QString formatPercent(double fraction) { return QLocale().toString(fraction * 100.0, 'f', 2) + QStringLiteral(" %"); }

} // namespace ui
} // namespace eqnet
