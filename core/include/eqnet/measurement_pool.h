#pragma once
// Subnets measured in parallel (docs/method.md §4): each worker owns a copy of the supernet
// and measures one subnet at a time on its share of the cores. CQAP sampling, the search's
// refinement and the front's verification measure through one pool per stage, so the copies
// are made once and reused by every measurement of the stage.
#include "eqnet/job.h"
#include "eqnet/supernet.h"

#include <functional>
#include <memory>
#include <vector>

namespace eqnet {

class MeasurementPool {
public:
    // `net` is the first worker; makeWorker() makes each further copy (e.g. loads the same
    // checkpoint), the first time a run() has work for it. workers <= 0: one per thread
    // LibTorch uses (torch::get_num_threads(), i.e. --threads), at most kMaxWorkers; one
    // without makeWorker or on a non-CPU device (a GPU measures one batch at a time anyway).
    MeasurementPool(Supernet& net, std::function<Supernet()> makeWorker = {}, int workers = 0);
    ~MeasurementPool();
    MeasurementPool(const MeasurementPool&) = delete;
    MeasurementPool& operator=(const MeasurementPool&) = delete;

    static constexpr int kMaxWorkers = 8;
    int workers() const { return workers_; }
    Supernet& primary() { return net_; }

    // Calls measure(worker's supernet, i) for every i in 0..count-1, in that order as workers
    // free up, each worker on threads / workers of the cores. Then, one at a time under the
    // pool's lock, done(i) on the thread that measured i (done may write files and report
    // progress; measure writes only what belongs to i). The first exception ends the run
    // (measurements under way finish) and is rethrown here. Returns false when `stop` ended
    // it before every i was measured.
    bool run(size_t count, const std::function<void(Supernet&, size_t)>& measure,
             const std::function<void(size_t)>& done, const StopToken& stop = {});

private:
    Supernet& net_;
    std::function<Supernet()> makeWorker_;
    int workers_ = 1;
    std::vector<std::unique_ptr<Supernet>> copies_;
};

} // namespace eqnet
