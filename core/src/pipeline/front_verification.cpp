// The verification statistics of a front (front.h): predicted against measured accuracy over
// the measured points, and each uniform baseline against the point a user would pick instead,
// on validation and image by image on the test split.
#include "eqnet/front.h"

#include "eqnet/cqap.h"

#include <cmath>

namespace eqnet {

FrontVerification summariseVerification(const FrontFile& f) {
    FrontVerification v;
    std::vector<double> pred, meas;
    double se = 0, ae = 0, bias = 0;
    for (const auto& p : f.points) {
        if (!p.validation) continue;
        const double e = 100.0 * (p.predicted - *p.validation);
        se += e * e;
        ae += std::fabs(e);
        bias += e;
        pred.push_back(p.predicted);
        meas.push_back(*p.validation);
    }
    v.measured = int64_t(pred.size());
    if (v.measured > 0) {
        v.rmse = std::sqrt(se / double(v.measured));
        v.mae = ae / double(v.measured);
        v.bias = bias / double(v.measured);
        v.kendallTau = kendallTau(pred, meas);
    }
    // Test split: the point a user would pick (best validation accuracy at no more BitOps)
    // against each baseline, image by image.
    for (const auto& u : f.uniform) {
        if (u.testCorrect.empty()) continue;
        BaselineComparison c;
        c.baseline = u.label;
        c.baselineTest = u.test.value_or(0.0);
        for (size_t i = 0; i < f.points.size(); ++i) {
            const FrontPoint& p = f.points[i];
            if (p.testCorrect.empty() || !p.validation || p.cost.bitops > u.cost.bitops || p.config == u.config)
                continue;
            if (c.point < 0 || *p.validation > *f.points[size_t(c.point)].validation) c.point = int64_t(i);
        }
        if (c.point >= 0) {
            const FrontPoint& p = f.points[size_t(c.point)];
            c.pointTest = p.test.value_or(0.0);
            c.difference = pairedBootstrap(unpackCorrect(p.testCorrect, "front point"),
                                           unpackCorrect(u.testCorrect, "baseline " + u.label));
            v.baselinesBeatenOnTest += c.difference.above();
        }
        v.testComparisons.push_back(c);
    }
    for (const auto& u : f.uniform) {
        if (!u.validation) continue;
        ++v.baselines;
        for (const auto& p : f.points)
            if (p.validation && p.cost.bitops <= u.cost.bitops && *p.validation > *u.validation && p.config != u.config) {
                ++v.baselinesBeaten;
                break;
            }
    }
    return v;
}

} // namespace eqnet
