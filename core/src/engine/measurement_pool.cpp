// Parallel measurement on supernet copies (measurement_pool.h).
#include "eqnet/measurement_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
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
    const int used = int(std::min<size_t>(size_t(workers_), count));
    while (int(copies_.size()) + 1 < used) copies_.push_back(std::make_unique<Supernet>(makeWorker_()));
    std::vector<Supernet*> nets{&net_};
    for (int w = 1; w < used; ++w) nets.push_back(copies_[size_t(w - 1)].get());

    std::mutex mutex;
    size_t next = 0;
    std::exception_ptr failure;
    bool stopped = false;
    const int threadsBefore = torch::get_num_threads();
    const int perWorker = std::max(1, threadsBefore / std::max(1, used));
    auto work = [&](Supernet& wnet) {
        // OpenMP's thread count is per calling thread: each worker sets its own share.
        if (used > 1) torch::set_num_threads(perWorker);
        try {
            for (;;) {
                size_t i;
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    if (failure || next >= count) return;
                    if (stop.stopRequested()) {
                        stopped = true;
                        return;
                    }
                    i = next++;
                }
                measure(wnet, i);
                std::lock_guard<std::mutex> lock(mutex);
                if (done) done(i);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex);
            if (!failure) failure = std::current_exception();
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
