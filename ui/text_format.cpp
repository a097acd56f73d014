#include "text_format.h"

#include <QLabel>
#include <QLocale>

#include <cmath>

namespace eqnet {
namespace ui {

void setErrorStyle(QLabel* label, bool error) {
    label->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

QString formatPercent(double fraction) { return QLocale().toString(fraction * 100.0, 'f', 2) + QStringLiteral(" %"); }

QString formatCountLog10(double log10n) {
    if (log10n < 12) return QLocale().toString(qlonglong(std::llround(std::pow(10.0, log10n))));
    const double exponent = std::floor(log10n);
    return QStringLiteral("%1·10^%2")
        .arg(QLocale().toString(std::pow(10.0, log10n - exponent), 'f', 1))
        .arg(int(exponent));
}

} // namespace ui
} // namespace eqnet
