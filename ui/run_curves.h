#pragma once
// The curves a run's metrics.jsonl makes, as data: the training loss of each sandwich subnet,
// the validation accuracy (%) at each epoch end, the learning rate and the weights' mean
// skewness and kurtosis, on the Training tab's one step axis (the FP stage's steps, then the
// supernet stage's after the last FP step). The Training tab draws the open run from it as
// records arrive, and other runs overlaid (ComparedRuns) from a whole file.
#include "eqnet/run_folder.h"

#include <QMap>
#include <QString>
#include <QVector>

#include <string>
#include <vector>

namespace eqnet {
namespace ui {

// The shared step axis: a supernet (or static) step is drawn after the last FP step seen.
class StepAxis {
public:
    // x of a record of `stage` at `step`; an FP record moves the offset.
    double x(const std::string& stage, int64_t step);
    int64_t fpSteps() const { return fpSteps_; }
    void reset() { fpSteps_ = 0; }

private:
    int64_t fpSteps_ = 0;
};

struct Series {
    QVector<double> x, y;
};

struct RunCurves {
    QMap<QString, Series> loss;     // by recorded subnet name ("largest", "fp", "W4A4")
    QMap<QString, Series> accuracy; // validation accuracy in %, by recorded name
    Series lr, skew, kurt;
    int64_t fpSteps = 0;            // where the supernet stage starts on the axis
};

RunCurves runCurves(const std::vector<MetricsRecord>& records);

} // namespace ui
} // namespace eqnet
