#pragma once
// Runs fn(k) for k in [0, count) on up to `threads` threads (the caller's among them; 0: all
// cores). Workers take the next k from a shared counter. The first exception stops the others
// (items not yet started are skipped) and is rethrown to the caller.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace eqnet {

template <typename Fn>
void parallelFor(size_t count, int threads, Fn&& fn) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const size_t n = std::min<size_t>(count, threads > 0 ? size_t(threads) : size_t(cores));
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex errorMutex;
    auto work = [&] {
        for (size_t k; !failed && (k = next++) < count;) {
            try {
                fn(k);
            } catch (...) {
                std::lock_guard<std::mutex> lock(errorMutex);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < n; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

} // namespace eqnet
