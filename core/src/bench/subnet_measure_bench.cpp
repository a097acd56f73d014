// eqnet bench subnet-measure: measuring subnets one at a time (as before) against the
// measurement pool with a shared BN estimate (bench.h).
#include "eqnet/bench.h"

#include "eqnet/cqap.h"
#include "eqnet/measurement_pool.h"
#include "eqnet/timing.h"
#include "bench/bench_images.h"
#include "pipeline/trained_run.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace eqnet {

SubnetMeasureBench benchSubnetMeasure(const std::string& model, const std::string& run, const std::string& device,
                                      int subnets, int64_t bnImages, int64_t batchSize, int workers) {
    Dataset data;
    std::optional<Supernet> net;
    EvalOptions eval;
    std::function<Supernet()> makeWorker;
    if (!run.empty()) {
        TrainedRun r = openTrainedRun(run, device);
        data = loadDataset(r.config.data);
        eval = r.config.eval;
        const std::string ckpt = r.checkpoint;
        net.emplace(std::move(r.net));
        makeWorker = [ckpt, device] { return Supernet::load(ckpt, device); };
    } else {
        const ModelSpec spec = defaultModelSpec(model);
        data.name = "synthetic";
        data.train = bench::benchImages(spec, 2048, 1);
        data.val = bench::benchImages(spec, 2000, 2);
        data.test = bench::benchImages(spec, 2000, 3);
        channelStats(data.train, data.mean, data.std);
        net.emplace(spec, device, 0);
        net->calibrate(data, 256);
        // Each worker's copy: the same seed and calibration.
        makeWorker = [spec, device, &data] {
            Supernet w(spec, device, 0);
            w.calibrate(data, 256);
            return w;
        };
    }
    if (bnImages > 0) eval.bnImages = bnImages;
    if (batchSize > 0) eval.batchSize = batchSize;
    const EvalOptions testEval = deployedEval(eval);

    SubnetMeasureBench b;
    b.model = net->spec().name;
    b.subnets = subnets;
    b.threads = at::get_num_threads();
    b.bnImages = eval.bnImages;
    b.batchSize = eval.batchSize;
    b.valImages = data.val.size();
    b.testImages = data.test.size();
    std::vector<SubnetConfig> configs;
    const auto forms = allForms();
    for (int i = 0; i < subnets; ++i)
        configs.push_back(cqapSampleConfig(net->layers(), forms[size_t(i) % forms.size()], 7, i));

    struct Figures {
        double val = 0, test = 0;
    };
    std::vector<Figures> before(configs.size()), now(configs.size());
    std::vector<double> sampleOne(configs.size()), samplePool(configs.size());

    // Verification as it was: one subnet at a time on every thread, a BN estimate per split.
    auto t0 = SteadyClock::now();
    for (size_t i = 0; i < configs.size(); ++i) {
        net->setSubnet(configs[i]);
        before[i].val = net->evaluate(data, data.val, eval).accuracy;
        before[i].test = net->evaluate(data, data.test, testEval).accuracy;
    }
    b.verifyBeforeSeconds = secondsSince(t0) / double(subnets);

    MeasurementPool pool(*net, makeWorker, workers);
    b.workers = pool.workers();
    // The copies are made on the first run: one untimed measurement per worker first.
    pool.run(size_t(b.workers), [&](Supernet& w, size_t i) {
        w.setSubnet(configs[i % configs.size()]);
        w.evaluate(data, data.val, eval);
    }, {});
    t0 = SteadyClock::now();
    pool.run(configs.size(), [&](Supernet& w, size_t i) {
        w.setSubnet(configs[i]);
        const SubnetEvaluation e = w.evaluateSubnet(data, eval, true);
        now[i].val = e.validation.accuracy;
        now[i].test = e.test->accuracy;
    }, {});
    b.verifyNowSeconds = secondsSince(t0) / double(subnets);

    // CQAP sampling: validation only.
    t0 = SteadyClock::now();
    for (size_t i = 0; i < configs.size(); ++i) {
        net->setSubnet(configs[i]);
        sampleOne[i] = net->evaluate(data, data.val, eval).accuracy;
    }
    b.sampleOneSeconds = secondsSince(t0) / double(subnets);
    t0 = SteadyClock::now();
    pool.run(configs.size(), [&](Supernet& w, size_t i) {
        w.setSubnet(configs[i]);
        samplePool[i] = w.evaluate(data, data.val, eval).accuracy;
    }, {});
    b.samplePoolSeconds = secondsSince(t0) / double(subnets);

    for (size_t i = 0; i < configs.size(); ++i)
        for (double d : {now[i].val - before[i].val, now[i].test - before[i].test, sampleOne[i] - before[i].val,
                         samplePool[i] - before[i].val})
            b.maxDifferencePoints = std::max(b.maxDifferencePoints, 100.0 * std::fabs(d));
    return b;
}

} // namespace eqnet
