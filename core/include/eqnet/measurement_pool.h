#pragma once
// Subnets measured in parallel (docs/method.md §4): each worker owns a copy of the supernet
// and measures one subnet at a time on its share of the cores. CQAP sampling, the search's
// refinement and the front's verification measure through one pool per stage, so the copies
// are made once and reused by every measurement of the stage. With ranks (shareWith), the
// other processes of a distributed run measure with it (docs/distributed.md, "Measurement").
#include "eqnet/job.h"
#include "eqnet/supernet.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace eqnet {

class RankGroup; // eqnet/distributed.h

// One measurement of a stage, as plain data (so that another rank can make it): the subnet on
// the validation split under the stage's protocol and, when `test`, on the test split under
// the deployed protocol (deployedEval), with per-image results. validation = false: the test
// split only. The result is a SubnetEvaluation (its validation empty when not measured).
struct MeasurementTask {
    SubnetConfig config;
    bool validation = true;
    bool test = false;
};
SubnetEvaluation measureTask(Supernet& net, const Dataset& data, const EvalOptions& eval, const MeasurementTask& task);

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
    // The same over the items next() hands out, called by each worker when it is free (not
    // under the lock; it may wait); nothing: that worker is finished.
    bool run(const std::function<std::optional<size_t>()>& next, const std::function<void(Supernet&, size_t)>& measure,
             const std::function<void(size_t)>& done, const StopToken& stop = {});

    // Rank 0 of a distributed run: measure() shares its tasks with the other ranks, which
    // serve them (serveMeasurements) on the supernet of `runDir` at checkpoint `checkpointId`.
    void shareWith(std::shared_ptr<RankGroup> ranks, std::string runDir, std::string checkpointId);
    // Every task measured (measureTask) on this pool's workers and, when shared, on the other
    // ranks; done(i, result) one at a time on this process, as each result arrives (done may
    // write files). Returns false when `stop` ended it first. A rank that dies loses nothing:
    // rank 0 measures its tasks again.
    bool measure(const std::vector<MeasurementTask>& tasks, const Dataset& data, const EvalOptions& eval,
                 const std::function<void(size_t, const SubnetEvaluation&)>& done, const StopToken& stop = {});

private:
    Supernet& net_;
    std::function<Supernet()> makeWorker_;
    int workers_ = 1;
    bool run(const std::function<std::optional<size_t>()>& next, const std::function<void(Supernet&, size_t)>& measure,
             const std::function<void(size_t)>& done, const StopToken& stop, size_t most);
    std::vector<std::unique_ptr<Supernet>> copies_;
    std::shared_ptr<RankGroup> ranks_;
    std::string runDir_, checkpointId_;
};

// A rank other than 0 of a distributed run: measures its share of every task list rank 0
// shares (MeasurementPool::measure), on `workers` copies of the run's supernet, until rank 0
// says the work is over or `stop` is requested. Returns the number of subnets it measured.
// Throws eqnet::Error when the run cannot be opened or rank 0 cannot be reached.
int64_t serveMeasurements(RankGroup& ranks, const std::string& device, int workers, const ProgressFn& progress = {},
                          const StopToken& stop = {});
// Rank 0: tells the ranks serving measurements that no more will come (they return).
void endMeasurements(RankGroup& ranks);
// Rank 0, while it leads the measurements the other ranks serve (a pipeline after training, a
// distributed cqap or search): a rank that dies now loses nothing (rank 0 measures its share),
// so `eqnet launch` is told not to end rank 0 when another rank fails (the file named by
// EQNET_LAUNCH_STATE reads "measuring"). Leaving the scope, however it is left (an error, a
// stop), calls endMeasurements; a rank that has gone already is no error then. Nothing
// without ranks.
class SharedMeasurementScope {
public:
    explicit SharedMeasurementScope(RankGroup* ranks);
    ~SharedMeasurementScope();
    SharedMeasurementScope(const SharedMeasurementScope&) = delete;
    SharedMeasurementScope& operator=(const SharedMeasurementScope&) = delete;

    // The environment variable `eqnet launch` names its state file by, and what it reads.
    static constexpr const char* kLaunchStateVariable = "EQNET_LAUNCH_STATE";
    static constexpr const char* kMeasuring = "measuring";

private:
    RankGroup* ranks_;
};

} // namespace eqnet
