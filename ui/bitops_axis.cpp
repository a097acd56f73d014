#include "bitops_axis.h"

#include <qcustomplot.h>

#include <cmath>

namespace eqnet {
namespace ui {

namespace {

// m·10^e inside [lower, upper] for every mantissa m of the set.
QVector<double> decadeTicks(double lower, double upper, std::initializer_list<int> mantissas) {
    QVector<double> out;
    const int e0 = int(std::floor(std::log10(lower))) - 1, e1 = int(std::ceil(std::log10(upper))) + 1;
    for (int e = e0; e <= e1; ++e)
        for (int m : mantissas) {
            const double t = m * std::pow(10.0, e);
            // A relative margin: 100 must count as inside [100, 400] after rounding.
            if (t >= lower * (1 - 1e-9) && t <= upper * (1 + 1e-9)) out << t;
        }
    return out;
}

// Evenly spaced ticks, the step 1, 2 or 5 times a power of ten, about five in the range.
QVector<double> linearTicks(double lower, double upper) {
    const double raw = (upper - lower) / 5.0;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * p;
    for (double m : {1.0, 2.0, 5.0})
        if (m * p >= raw) {
            step = m * p;
            break;
        }
    QVector<double> out;
    for (double t = std::ceil(lower / step) * step; t <= upper * (1 + 1e-12); t += step) out << t;
    return out;
}

class MegaBitopsTicker : public QCPAxisTicker {
protected:
    QVector<double> createTickVector(double, const QCPRange& range) override {
        range_ = range;
        return megaBitopsTicks(range.lower, range.upper);
    }
    QVector<double> createSubTickVector(int, const QVector<double>& ticks) override {
        // Minor ticks at 1..9 per decade, where they are not major ticks already.
        QVector<double> out;
        if (range_.lower <= 0) return out;
        for (double t : decadeTicks(range_.lower, range_.upper, {1, 2, 3, 4, 5, 6, 7, 8, 9}))
            if (!ticks.contains(t)) out << t;
        return out;
    }
    QString getTickLabel(double tick, const QLocale&, QChar, int) override { return megaBitopsLabel(tick); }

private:
    QCPRange range_;
};

} // namespace

QVector<double> megaBitopsTicks(double lower, double upper) {
    if (!(lower > 0) || !(upper > lower)) return {};
    QVector<double> t = decadeTicks(lower, upper, {1, 2, 5});
    if (t.size() > 10) t = decadeTicks(lower, upper, {1});
    if (t.size() < 3) t = decadeTicks(lower, upper, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    if (t.size() < 3) t = linearTicks(lower, upper);
    return t;
}

QString megaBitopsLabel(double tick) {
    // 'g' with 4 digits would write 12000 as "1.2e+04": plain digits up to 10^9 MBitOps.
    const double a = std::fabs(tick);
    if (a >= 1e4 && a < 1e9) return QString::number(std::round(tick), 'f', 0);
    return QString::number(tick, 'g', 4);
}

void setupMegaBitopsAxis(QCPAxis* axis, const QString& label) {
    axis->setScaleType(QCPAxis::stLogarithmic);
    axis->setTicker(QSharedPointer<QCPAxisTicker>(new MegaBitopsTicker));
    axis->setLabel(label);
    axis->grid()->setSubGridVisible(true);
}

} // namespace ui
} // namespace eqnet
