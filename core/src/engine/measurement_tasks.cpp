// A stage's measurements as tasks (measurement_pool.h): measured on the pool's workers, or
// shared with the other ranks of a distributed run (dist/shared_measurement.cpp).
#include "eqnet/measurement_pool.h"

#include "dist/shared_measurement.h"

#include <mutex>

namespace eqnet {

SubnetEvaluation measureTask(Supernet& net, const Dataset& data, const EvalOptions& eval, const MeasurementTask& task) {
    net.setSubnet(task.config);
    if (task.validation) return net.evaluateSubnet(data, eval, task.test); // one BN estimate for both splits
    SubnetEvaluation e;
    if (task.test) {
        e.test = net.evaluate(data, data.test, deployedEval(eval));
        e.seconds = e.test->seconds;
    }
    return e;
}

void MeasurementPool::shareWith(std::shared_ptr<RankGroup> ranks, std::string runDir, std::string checkpointId) {
    ranks_ = std::move(ranks);
    runDir_ = std::move(runDir);
    checkpointId_ = std::move(checkpointId);
}

bool MeasurementPool::measure(const std::vector<MeasurementTask>& tasks, const Dataset& data, const EvalOptions& eval,
                              const std::function<void(size_t, const SubnetEvaluation&)>& done, const StopToken& stop) {
    if (tasks.empty()) return true;
    if (ranks_) {
        dist::SharedTasks shared{*ranks_, runDir_, checkpointId_};
        return dist::measureShared(*this, shared, tasks, data, eval, done, stop);
    }
    std::vector<SubnetEvaluation> results(tasks.size());
    return run(
        tasks.size(), [&](Supernet& w, size_t i) { results[i] = measureTask(w, data, eval, tasks[i]); },
        [&](size_t i) { done(i, results[i]); }, stop);
}

} // namespace eqnet
