#pragma once
// Other runs' curves over the open run's on the Training tab (TensorBoard's several runs):
// each compared run's metrics.jsonl is read once (runCurves) and drawn on the loss, accuracy
// and weight-moments plots with a dash pattern of its own, in the colour the open run uses for
// the same subnet, named "<curve> · <run>". Loss curves follow the tab's smoothing.
#include "run_curves.h"

#include <QColor>
#include <QObject>
#include <QString>

#include <functional>
#include <vector>

class QCustomPlot;
class QCPGraph;

namespace eqnet {
namespace ui {

class ComparedRuns : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxRuns = 4;
    // curveName: a recorded subnet name as the legend says it; colorOf: its colour in the
    // open run's curves.
    ComparedRuns(QCustomPlot* loss, QCustomPlot* accuracy, QCustomPlot* moments,
                 std::function<QString(const QString&)> curveName, std::function<QColor(const QString&)> colorOf,
                 QObject* parent = nullptr);

    // Reads `dir`/metrics.jsonl and draws it; false with the reason (naming the file) in
    // *error: no such file, no records, already compared, kMaxRuns reached, or `openRun`.
    bool add(const QString& dir, const QString& openRun, QString* error);
    void remove(int index);
    void clear();
    int count() const { return int(runs_.size()); }
    QString name(int index) const { return runs_[size_t(index)].name; }
    QString dir(int index) const { return runs_[size_t(index)].dir; }
    // The graphs drawn for run `index` (for tests and the legend).
    std::vector<QCPGraph*> graphs(int index) const;
    void setSmoothing(double weight);

signals:
    void changed();

private:
    struct Run {
        QString dir, name;
        RunCurves curves;
        std::vector<QCPGraph*> graphs;
        QMap<QString, QCPGraph*> lossGraphs;
    };
    void draw(Run& run, int index);
    void redrawAll();
    void removeGraphs(Run& run);

    QCustomPlot* loss_;
    QCustomPlot* accuracy_;
    QCustomPlot* moments_;
    std::function<QString(const QString&)> curveName_;
    std::function<QColor(const QString&)> colorOf_;
    double smoothing_ = 0;
    std::vector<Run> runs_;
};

} // namespace ui
} // namespace eqnet
