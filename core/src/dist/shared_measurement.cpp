// A stage's measurements shared by the ranks (shared_measurement.h): rank 0's coordinator and
// the other ranks' service, over the store (shared_work.h).
#include "dist/shared_measurement.h"

#include "dist/shared_work.h"
#include "eqnet/distributed.h"
#include "eqnet/error.h"
#include "eqnet/paired_comparison.h"
#include "eqnet/timing.h"
#include "eqnet/training.h"
#include "io/json_fields.h"
#include "io/subnet_bits_json.h"
#include "pipeline/trained_run.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace eqnet {

using nlohmann::json;

namespace {

const char* const kSource = "a shared measurement";

json evalJson(const EvalOptions& e) {
    return {{"bn_images", e.bnImages}, {"bn_batch_size", e.bnBatchSize}, {"batch_size", e.batchSize},
            {"max_images", e.maxImages}, {"bn_seed", e.bnSeed}, {"bn_repeats", e.bnRepeats}};
}

EvalOptions evalFromJson(const json& j) {
    EvalOptions e;
    e.bnImages = jsonio::need<int64_t>(j, "bn_images", "eval.", kSource);
    e.bnBatchSize = jsonio::need<int64_t>(j, "bn_batch_size", "eval.", kSource);
    e.batchSize = jsonio::need<int64_t>(j, "batch_size", "eval.", kSource);
    e.maxImages = jsonio::need<int64_t>(j, "max_images", "eval.", kSource);
    e.bnSeed = jsonio::need<uint64_t>(j, "bn_seed", "eval.", kSource);
    e.bnRepeats = jsonio::need<int>(j, "bn_repeats", "eval.", kSource);
    return e;
}

// Doubles are written with 17 significant digits: a result read back is the one measured.
json resultJson(const EvalResult& r) {
    json j = {{"accuracy", r.accuracy}, {"loss", r.loss}, {"images", r.images}, {"seconds", r.seconds}};
    if (!r.correct.empty()) j["correct"] = packCorrect(r.correct);
    return j;
}

EvalResult resultFromJson(const json& j, const std::string& at) {
    EvalResult r;
    r.accuracy = jsonio::need<double>(j, "accuracy", at, kSource);
    r.loss = jsonio::need<double>(j, "loss", at, kSource);
    r.images = jsonio::need<int64_t>(j, "images", at, kSource);
    r.seconds = jsonio::need<double>(j, "seconds", at, kSource);
    if (j.contains("correct")) r.correct = unpackCorrect(jsonio::need<std::string>(j, "correct", at, kSource), kSource);
    return r;
}

json evaluationJson(const SubnetEvaluation& e, bool validation) {
    json j = {{"seconds", e.seconds}};
    if (validation) j["validation"] = resultJson(e.validation);
    if (e.test) j["test"] = resultJson(*e.test);
    return j;
}

SubnetEvaluation evaluationFromJson(const std::string& text) {
    const json j = jsonio::parseRecord(text);
    if (!j.is_object()) throw Error(std::string(kSource) + ": a result that is not a JSON object");
    SubnetEvaluation e;
    e.seconds = jsonio::need<double>(j, "seconds", "", kSource);
    if (j.contains("validation")) e.validation = resultFromJson(j.at("validation"), "validation.");
    if (j.contains("test")) e.test = resultFromJson(j.at("test"), "test.");
    return e;
}

} // namespace

namespace dist {

bool measureShared(MeasurementPool& pool, const SharedTasks& shared, const std::vector<MeasurementTask>& tasks,
                   const Dataset& data, const EvalOptions& eval,
                   const std::function<void(size_t, const SubnetEvaluation&)>& done, const StopToken& stop) {
    RankGroup& g = shared.ranks;
    json description = {{"run", shared.runDir}, {"checkpoint", shared.checkpointId}, {"eval", evalJson(eval)}};
    json list = json::array();
    for (const auto& t : tasks) {
        json j = {{"validation", t.validation}, {"test", t.test}};
        jsonio::putSubnetBits(j, t.config);
        list.push_back(std::move(j));
    }
    description["tasks"] = std::move(list);
    const int64_t seq = nextBatchNumber(g);
    postBatch(g, seq, description.dump());
    SharedBatch batch(g, seq, tasks.size());

    const size_t n = tasks.size();
    std::mutex writer; // done() one at a time, whichever thread the result came in on
    std::vector<char> recorded(n, 0);
    size_t finished = 0;
    std::atomic<bool> failed{false};
    std::exception_ptr failure;
    auto fail = [&] {
        std::lock_guard<std::mutex> lock(writer);
        if (!failure) failure = std::current_exception();
        failed = true;
    };
    auto record = [&](size_t i, const SubnetEvaluation& r) {
        std::lock_guard<std::mutex> lock(writer);
        if (recorded[i]) return; // a rank taken for dead delivered after all: measured here already
        done(i, r);
        recorded[i] = 1;
        ++finished;
    };
    auto allDone = [&] {
        std::lock_guard<std::mutex> lock(writer);
        return finished == n;
    };
    std::mutex orphanMutex;
    std::deque<size_t> orphans;

    // The collector: the other ranks' results, and the tasks of ranks that have died.
    std::mutex wakeMutex;
    std::condition_variable wake;
    bool ending = false;
    std::thread collector([&] {
        try {
            for (;;) {
                for (auto& [i, text] : batch.takeDelivered()) record(i, evaluationFromJson(text));
                for (size_t i : batch.takeOrphans()) {
                    std::lock_guard<std::mutex> lock(orphanMutex);
                    orphans.push_back(i);
                }
                std::unique_lock<std::mutex> lock(wakeMutex);
                if (wake.wait_for(lock, std::chrono::milliseconds(100), [&] { return ending; })) return;
            }
        } catch (...) {
            fail();
        }
    });
    const auto next = [&]() -> std::optional<size_t> {
        for (;;) {
            if (stop.stopRequested() || failed) return std::nullopt;
            if (auto i = batch.claim()) return i;
            {
                std::lock_guard<std::mutex> lock(orphanMutex);
                if (!orphans.empty()) {
                    const size_t i = orphans.front();
                    orphans.pop_front();
                    return i;
                }
            }
            if (allDone()) return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    };
    std::vector<SubnetEvaluation> local(n);
    try {
        pool.run(
            next, [&](Supernet& w, size_t i) { local[i] = measureTask(w, data, eval, tasks[i]); },
            [&](size_t i) { record(i, local[i]); }, stop);
    } catch (...) {
        fail();
    }
    {
        std::lock_guard<std::mutex> lock(wakeMutex);
        ending = true;
    }
    wake.notify_all();
    collector.join();
    if (failure) std::rethrow_exception(failure);
    return allDone();
}

} // namespace dist

namespace {
// The run a serving rank has open: its supernet copies and data set stay loaded while rank 0
// shares tasks of the same checkpoint.
struct OpenRun {
    OpenRun(const std::string& dir, const std::string& device, int workers)
        : runDir(dir), run(openTrainedRun(dir, device)), data(loadDataset(run.config.data)),
          pool(run.net, [ckpt = run.checkpoint, device] { return Supernet::load(ckpt, device); }, workers) {}
    std::string runDir;
    TrainedRun run;
    Dataset data;
    MeasurementPool pool;
};
} // namespace

int64_t serveMeasurements(RankGroup& ranks, const std::string& device, int workers, const ProgressFn& progress,
                          const StopToken& stop) {
    ranks.startHeartbeat();
    // However this rank stops serving, rank 0 need not wait for it at the end.
    struct Leave {
        RankGroup& ranks;
        ~Leave() {
            try {
                dist::leaveWork(ranks);
            } catch (const std::exception&) {
                // rank 0 has gone
            }
        }
    } leave{ranks};
    const std::string me = "rank " + std::to_string(ranks.rank());
    std::unique_ptr<OpenRun> open;
    int64_t measured = 0;
    for (int64_t seq = 0;; ++seq) {
        const std::optional<std::string> text = dist::waitForBatch(ranks, seq, stop);
        if (!text) return measured;
        const json d = jsonio::parseRecord(*text);
        if (!d.is_object()) throw Error(me + ": rank 0 shared tasks that are not a JSON object");
        const auto runDir = jsonio::need<std::string>(d, "run", "", kSource);
        const auto checkpoint = jsonio::need<std::string>(d, "checkpoint", "", kSource);
        const EvalOptions eval = evalFromJson(jsonio::need(d, "eval", "", kSource));
        if (!open || open->runDir != runDir || open->run.checkpointId != checkpoint) {
            open.reset();
            open = std::make_unique<OpenRun>(runDir, rankDevice(device, ranks.options().localRank), workers);
            if (open->run.checkpointId != checkpoint)
                throw Error(me + ": the checkpoint of " + runDir + " here is not the one rank 0 measures (" +
                            open->run.checkpointId + " against " + checkpoint +
                            "); every rank needs the run folder at the same path");
        }
        const size_t layers = open->run.net.layers().size();
        std::vector<MeasurementTask> tasks;
        for (const json& t : jsonio::need(d, "tasks", "", kSource)) {
            MeasurementTask task;
            task.config = jsonio::subnetBits(t, layers, "tasks[]", kSource);
            task.validation = jsonio::need<bool>(t, "validation", "tasks[].", kSource);
            task.test = jsonio::need<bool>(t, "test", "tasks[].", kSource);
            tasks.push_back(std::move(task));
        }
        dist::SharedBatch batch(ranks, seq, tasks.size());
        std::vector<std::string> results(tasks.size());
        Progress pr;
        pr.stage = "measure";
        const auto t0 = SteadyClock::now();
        open->pool.run([&] { return batch.claim(); },
                       [&](Supernet& w, size_t i) {
                           results[i] = evaluationJson(measureTask(w, open->data, eval, tasks[i]), tasks[i].validation).dump();
                       },
                       [&](size_t i) {
                           batch.deliver(i, results[i]);
                           ++measured;
                           if (progress) {
                               pr.done = measured;
                               pr.elapsedSeconds = secondsSince(t0);
                               pr.message = me + ": measured " + std::to_string(measured) + " subnets for rank 0";
                               progress(pr);
                           }
                       },
                       stop);
        if (stop.stopRequested()) return measured;
    }
}

void endMeasurements(RankGroup& ranks) { dist::postEndOfWork(ranks); }

namespace {
void tellLauncher(const char* state) {
    const char* path = std::getenv(SharedMeasurementScope::kLaunchStateVariable);
    if (!path || !*path) return;
    std::ofstream(path, std::ios::trunc) << state; // best effort: the launcher's own file
}
} // namespace

SharedMeasurementScope::SharedMeasurementScope(RankGroup* ranks) : ranks_(ranks) {
    if (ranks_) tellLauncher(kMeasuring);
}

SharedMeasurementScope::~SharedMeasurementScope() {
    if (!ranks_) return;
    tellLauncher("");
    try {
        endMeasurements(*ranks_);
    } catch (const std::exception&) {
        // the other ranks have gone already
    }
}

} // namespace eqnet
