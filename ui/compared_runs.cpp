#include "compared_runs.h"

#include "plot_interaction.h"

#include "eqnet/run_layout.h"

#include <qcustomplot.h>

#include <QDir>
#include <QFileInfo>

namespace eqnet {
namespace ui {

namespace {

Qt::PenStyle dashOf(int index) {
    static const Qt::PenStyle styles[] = {Qt::DashLine, Qt::DotLine, Qt::DashDotLine, Qt::DashDotDotLine};
    return styles[index % 4];
}

} // namespace

ComparedRuns::ComparedRuns(QCustomPlot* loss, QCustomPlot* accuracy, QCustomPlot* moments,
                           std::function<QString(const QString&)> curveName,
                           std::function<QColor(const QString&)> colorOf, QObject* parent)
    : QObject(parent), loss_(loss), accuracy_(accuracy), moments_(moments), curveName_(std::move(curveName)),
      colorOf_(std::move(colorOf)) {}

bool ComparedRuns::add(const QString& dir, const QString& openRun, QString* error) {
    const QString canonical = QFileInfo(dir).canonicalFilePath();
    const QString metrics = QString::fromStdString(runMetricsPath(dir.toStdString()));
    const auto fail = [error](const QString& why) {
        if (error) *error = why;
        return false;
    };
    if (!openRun.isEmpty() && canonical == QFileInfo(openRun).canonicalFilePath())
        return fail(tr("%1 is the open run").arg(dir));
    for (const Run& r : runs_)
        if (QFileInfo(r.dir).canonicalFilePath() == canonical) return fail(tr("%1 is compared already").arg(dir));
    if (int(runs_.size()) >= kMaxRuns) return fail(tr("At most %1 runs can be compared at once").arg(kMaxRuns));
    if (!QFileInfo(metrics).isFile()) return fail(tr("%1: no such file (not a run folder?)").arg(metrics));
    Run run;
    try {
        int64_t bad = 0;
        run.curves = runCurves(readMetricsFile(metrics.toStdString(), &bad));
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    if (run.curves.loss.isEmpty() && run.curves.accuracy.isEmpty())
        return fail(tr("%1 holds no training records").arg(metrics));
    run.dir = dir;
    run.name = QDir(dir).dirName();
    runs_.push_back(std::move(run));
    draw(runs_.back(), int(runs_.size()) - 1);
    emit changed();
    return true;
}

void ComparedRuns::removeGraphs(Run& run) {
    for (QCPGraph* g : run.graphs) g->parentPlot()->removeGraph(g);
    run.graphs.clear();
    run.lossGraphs.clear();
}

void ComparedRuns::remove(int index) {
    if (index < 0 || index >= int(runs_.size())) return;
    removeGraphs(runs_[size_t(index)]);
    runs_.erase(runs_.begin() + index);
    redrawAll(); // the dash patterns follow the positions
    emit changed();
}

void ComparedRuns::clear() {
    if (runs_.empty()) return;
    for (Run& r : runs_) removeGraphs(r);
    runs_.clear();
    for (QCustomPlot* p : {loss_, accuracy_, moments_}) p->replot();
    emit changed();
}

void ComparedRuns::redrawAll() {
    for (int i = 0; i < int(runs_.size()); ++i) {
        removeGraphs(runs_[size_t(i)]);
        draw(runs_[size_t(i)], i);
    }
}

std::vector<QCPGraph*> ComparedRuns::graphs(int index) const {
    return index >= 0 && index < int(runs_.size()) ? runs_[size_t(index)].graphs : std::vector<QCPGraph*>();
}

void ComparedRuns::draw(Run& run, int index) {
    const auto add = [&](QCustomPlot* plot, QCPAxis* y, const QString& name, const QColor& color, const Series& s) {
        QCPGraph* g = plot->addGraph(plot->xAxis, y);
        g->setName(QStringLiteral("%1 · %2").arg(name, run.name));
        g->setPen(QPen(color, 1.3, dashOf(index)));
        g->setData(s.x, s.y, true);
        run.graphs.push_back(g);
        return g;
    };
    for (auto it = run.curves.loss.constBegin(); it != run.curves.loss.constEnd(); ++it) {
        QCPGraph* g = add(loss_, loss_->yAxis, curveName_(it.key()), colorOf_(it.key()), it.value());
        g->setData(it.value().x, emaSmooth(it.value().y, smoothing_), true);
        run.lossGraphs.insert(it.key(), g);
    }
    for (auto it = run.curves.accuracy.constBegin(); it != run.curves.accuracy.constEnd(); ++it) {
        QCPGraph* g = add(accuracy_, accuracy_->yAxis, curveName_(it.key()), colorOf_(it.key()), it.value());
        const QColor c = colorOf_(it.key());
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(c, 1.2), Qt::white, 5));
    }
    if (!run.curves.skew.x.isEmpty()) {
        add(moments_, moments_->yAxis, tr("mean skewness"), colorOf_(QStringLiteral("skewness")), run.curves.skew);
        add(moments_, moments_->yAxis2, tr("mean kurtosis"), colorOf_(QStringLiteral("kurtosis")), run.curves.kurt);
    }
    for (QCustomPlot* p : {loss_, accuracy_, moments_}) p->replot();
}

void ComparedRuns::setSmoothing(double weight) {
    smoothing_ = weight;
    for (Run& r : runs_)
        for (auto it = r.lossGraphs.constBegin(); it != r.lossGraphs.constEnd(); ++it) {
            const Series& s = r.curves.loss[it.key()];
            it.value()->setData(s.x, emaSmooth(s.y, weight), true);
        }
    loss_->replot();
}

} // namespace ui
} // namespace eqnet
