#include "text_format.h"

#include <QCoreApplication>
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

QString csvField(const QString& s) {
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n'))) return s;
    QString q = s;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QString formText(const QuantForm& f) {
    const QString g = f.granularity == Granularity::PerChannel
                          ? QCoreApplication::translate("eqnet::ui::TextFormat", "per-channel")
                          : QCoreApplication::translate("eqnet::ui::TextFormat", "per-tensor");
    const QString w = f.weightSymmetric ? QCoreApplication::translate("eqnet::ui::TextFormat", "symmetric weights")
                                        : QCoreApplication::translate("eqnet::ui::TextFormat", "asymmetric weights");
    const QString a = f.actSymmetric ? QCoreApplication::translate("eqnet::ui::TextFormat", "symmetric activations")
                                     : QCoreApplication::translate("eqnet::ui::TextFormat", "asymmetric activations");
    return QCoreApplication::translate("eqnet::ui::TextFormat", "%1, %2, %3").arg(g, w, a);
}

} // namespace ui
} // namespace eqnet
