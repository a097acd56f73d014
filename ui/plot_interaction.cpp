#include "plot_interaction.h"

#include "text_format.h"

#include <qcustomplot.h>

#include <QSaveFile>
#include <QToolTip>

#include <cmath>
#include <limits>

namespace eqnet {
namespace ui {

namespace {

QString graphName(const QCPGraph* g, int index) {
    return g->name().isEmpty() ? QStringLiteral("series %1").arg(index + 1) : g->name();
}

// The point of `g` nearest to key x, or end().
QCPGraphDataContainer::const_iterator nearestPoint(const QCPGraph* g, double x) {
    const auto data = g->data();
    if (data->isEmpty()) return data->constEnd();
    auto it = data->findBegin(x, false); // first key >= x (or end)
    if (it == data->constEnd()) return data->constEnd() - 1;
    if (it != data->constBegin()) {
        auto before = it - 1;
        if (std::abs(before->key - x) <= std::abs(it->key - x)) return before;
    }
    return it;
}

constexpr const char* kCrosshairName = "eqnetCrosshair";

} // namespace

QString plotDataCsv(const QCustomPlot* plot) {
    QString out = QStringLiteral("series,x,y\n");
    for (int i = 0; i < plot->graphCount(); ++i) {
        const QCPGraph* g = plot->graph(i);
        const QString name = csvField(graphName(g, i));
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
            if (std::isnan(it->value)) continue;
            out += name + QLatin1Char(',') + QString::number(it->key, 'g', 17) + QLatin1Char(',') +
                   QString::number(it->value, 'g', 17) + QLatin1Char('\n');
        }
    }
    return out;
}

bool writePlotCsv(const QCustomPlot* plot, const QString& path, QString* error) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text) || f.write(plotDataCsv(plot).toUtf8()) < 0 || !f.commit()) {
        if (error) *error = QCoreApplication::translate("eqnet::ui::Plot", "Could not write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

double emaStep(double previous, double value, double weight) { return weight * previous + (1.0 - weight) * value; }

QVector<double> emaSmooth(const QVector<double>& values, double weight) {
    QVector<double> out;
    out.reserve(values.size());
    for (int i = 0; i < values.size(); ++i) out << (i == 0 ? values[i] : emaStep(out.back(), values[i], weight));
    return out;
}

bool canUseLogValueAxis(const QCustomPlot* plot) {
    bool any = false;
    for (int i = 0; i < plot->graphCount(); ++i)
        for (auto it = plot->graph(i)->data()->constBegin(); it != plot->graph(i)->data()->constEnd(); ++it) {
            if (std::isnan(it->value)) continue;
            if (it->value <= 0) return false;
            any = true;
        }
    return any;
}

bool hasLogValueAxis(const QCustomPlot* plot) { return plot->yAxis->scaleType() == QCPAxis::stLogarithmic; }

bool setLogValueAxis(QCustomPlot* plot, bool log) {
    if (log && !canUseLogValueAxis(plot)) return false;
    for (QCPAxis* axis : {plot->yAxis, plot->yAxis2}) {
        if (axis != plot->yAxis && !axis->visible()) continue;
        axis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
        if (log)
            axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        else
            axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
    plot->rescaleAxes();
    plot->replot();
    return true;
}

QString crosshairText(const QCustomPlot* plot, double x, const QString& xName, double* snappedX) {
    // Snap to the recorded x nearest to the cursor, over all curves.
    double best = std::numeric_limits<double>::quiet_NaN();
    for (int i = 0; i < plot->graphCount(); ++i) {
        const auto it = nearestPoint(plot->graph(i), x);
        if (it == plot->graph(i)->data()->constEnd()) continue;
        if (std::isnan(best) || std::abs(it->key - x) < std::abs(best - x)) best = it->key;
    }
    if (std::isnan(best)) return QString();
    if (snappedX) *snappedX = best;
    QStringList lines{QStringLiteral("%1 %2").arg(xName, QString::number(best, 'g', 10))};
    for (int i = 0; i < plot->graphCount(); ++i) {
        const QCPGraph* g = plot->graph(i);
        if (g->name().isEmpty() || !g->visible()) continue;
        const auto it = nearestPoint(g, best);
        if (it == g->data()->constEnd() || it->key != best || std::isnan(it->value)) continue;
        lines << QStringLiteral("%1: %2").arg(g->name(), QString::number(it->value, 'g', 4));
    }
    return lines.join(QLatin1Char('\n'));
}

void installCrosshair(QCustomPlot* plot, const QString& xName) {
    plot->setMouseTracking(true);
    auto* line = new QCPItemStraightLine(plot);
    line->setObjectName(QLatin1String(kCrosshairName));
    line->setPen(QPen(QColor(120, 120, 120, 160), 1));
    line->setSelectable(false);
    line->setVisible(false);
    QObject::connect(plot, &QCustomPlot::mouseMove, plot, [plot, line, xName](QMouseEvent* e) {
        const QPointF pos = e->position();
        if (!plot->axisRect()->rect().contains(pos.toPoint())) {
            if (line->visible()) {
                line->setVisible(false);
                plot->replot(QCustomPlot::rpQueuedReplot);
            }
            return;
        }
        double snapped = 0;
        const QString text = crosshairText(plot, plot->xAxis->pixelToCoord(pos.x()), xName, &snapped);
        if (text.isEmpty()) return;
        // Two points at y 1 and 2: a vertical line that a log value axis can place too.
        line->point1->setCoords(snapped, 1);
        line->point2->setCoords(snapped, 2);
        line->setVisible(true);
        plot->replot(QCustomPlot::rpQueuedReplot);
        QToolTip::showText(e->globalPosition().toPoint(), text, plot);
    });
}

} // namespace ui
} // namespace eqnet
