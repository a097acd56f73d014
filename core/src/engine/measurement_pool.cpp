// Parallel measurement on supernet copies (measurement_pool.h).
#include "eqnet/measurement_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <torch/torch.h>

namespace eqnet {

MeasurementPool::MeasurementPool(Supernet& net, std::function<Supernet()> makeWorker, int workers)
    : net_(net), makeWorker_(std::move(makeWorker)) {
    workers_ = workers > 0 ? workers : std::min(torch::get_num_threads(), kMaxWorkers);
    if (!makeWorker_ || net_.device() != "cpu") workers_ = 1;
    workers_ = std::max(1, workers_);
}

MeasurementPool::~MeasurementPool() = default;

bool MeasurementPool::run(size_t count, const std::function<void(Supernet&, size_t)>& measure,
                          const std::function<void(size_t)>& done, const StopToken& stop) {
    std::atomic<size_t> next{0};
    return run(
        [&]() -> std::optional<size_t> {
            const size_t i = next++;
            if (i < count) return i;
            return std::nullopt;
        },
        measure, done, stop, count);
}

bool MeasurementPool::run(const std::function<std::optional<size_t>()>& next,
                          const std::function<void(Supernet&, size_t)>& measure,
                          const std::function<void(size_t)>& done, const StopToken& stop) {
    return run(next, measure, done, stop, size_t(workers_));
}

bool MeasurementPool::run(const std::function<std::optional<size_t>()>& next,
                          const std::function<void(Supernet&, size_t)>& measure,
                          const std::function<void(size_t)>& done, const StopToken& stop, size_t most) {
    const int used = int(std::min<size_t>(size_t(workers_), most));
    if (used < 1) return true;
    while (int(copies_.size()) + 1 < used) copies_.push_back(std::make_unique<Supernet>(makeWorker_()));
    std::vector<Supernet*> nets{&net_};
    for (int w = 1; w < used; ++w) nets.push_back(copies_[size_t(w - 1)].get());

    std::mutex mutex;
    std::atomic<bool> failed{false};
    std::exception_ptr failure;
    std::atomic<bool> stopped{false};
    const int threadsBefore = torch::get_num_threads();
    const int perWorker = std::max(1, threadsBefore / std::max(1, used));
    auto work = [&](Supernet& wnet) {
        // OpenMP's thread count is per calling thread: each worker sets its own share.
        if (used > 1) torch::set_num_threads(perWorker);
        try {
            for (;;) {
                if (failed) return;
                if (stop.stopRequested()) {
                    stopped = true;
                    return;
                }
                const std::optional<size_t> i = next();
                if (!i) return;
                measure(wnet, *i);
                std::lock_guard<std::mutex> lock(mutex);
                if (failed) return;
                if (done) done(*i);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex);
            if (!failure) failure = std::current_exception();
            failed = true;
        }
    };
    if (used <= 1) {
        work(net_);
    } else {
        std::vector<std::thread> threads;
        for (int w = 1; w < used; ++w) threads.emplace_back(work, std::ref(*nets[size_t(w)]));
        work(net_);
        for (auto& t : threads) t.join();
        torch::set_num_threads(threadsBefore);
    }
    if (failure) std::rethrow_exception(failure);
    return !stopped;
}

} // namespace eqnet
