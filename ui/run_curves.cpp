#include "run_curves.h"

#include <algorithm>

namespace eqnet {
namespace ui {

double StepAxis::x(const std::string& stage, int64_t step) {
    if (stage == "fp") {
        fpSteps_ = std::max(fpSteps_, step);
        return double(step);
    }
    return double(fpSteps_ + step);
}

RunCurves runCurves(const std::vector<MetricsRecord>& records) {
    RunCurves c;
    StepAxis axis;
    for (const MetricsRecord& r : records) {
        if (r.kind == MetricsRecord::Kind::Step) {
            const StepMetrics& s = r.step;
            const double x = axis.x(s.stage, s.step);
            for (size_t k = 0; k < s.subnetNames.size() && k < s.losses.size(); ++k) {
                Series& l = c.loss[QString::fromStdString(s.subnetNames[k])];
                l.x << x;
                l.y << s.losses[k];
            }
            c.lr.x << x;
            c.lr.y << s.lr;
            if (r.hasWdr) {
                c.skew.x << x;
                c.skew.y << s.meanSkew;
                c.kurt.x << x;
                c.kurt.y << s.meanKurt;
            }
        } else if (r.kind == MetricsRecord::Kind::Eval) {
            const EpochMetrics& e = r.eval;
            const double x = axis.x(e.stage, e.step);
            for (size_t k = 0; k < e.names.size() && k < e.valAccuracy.size(); ++k) {
                Series& a = c.accuracy[QString::fromStdString(e.names[k])];
                a.x << x;
                a.y << 100.0 * e.valAccuracy[k];
            }
        }
    }
    c.fpSteps = axis.fpSteps();
    return c;
}

} // namespace ui
} // namespace eqnet
