// The compute device and the runtime around it: CUDA availability, the LibTorch version,
// parsing "cpu" / "cuda[:N]", thread counts and the allocator settings (eqnet/supernet.h).
#include "eqnet/supernet.h"

#include "engine/supernet_impl.h"
#include "eqnet/error.h"

#include <ATen/Parallel.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sched.h>
#endif
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace eqnet {

bool cudaAvailable() { return torch::cuda::is_available(); }

std::string libtorchVersion() {
#ifdef TORCH_VERSION
    return TORCH_VERSION;
#else
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
#endif
}

torch::Device parseDevice(const std::string& device) {
    std::unique_ptr<torch::Device> d;
    try {
        d = std::make_unique<torch::Device>(device);
    } catch (const c10::Error&) {
        throw Error("--device '" + device + "' is not a device; use cpu, cuda or cuda:N");
    }
    if (d->is_cuda()) {
        if (!torch::cuda::is_available())
            throw Error("--device " + device + ": no CUDA device is usable (this LibTorch " +
                        libtorchVersion() +
                        " was built without CUDA, or no GPU is visible); use --device cpu");
        if (d->has_index() && d->index() >= int(torch::cuda::device_count()))
            throw Error("--device " + device + ": only " + std::to_string(torch::cuda::device_count()) +
                        " CUDA device(s) present");
    } else if (!d->is_cpu()) {
        throw Error("--device " + device + ": only cpu and cuda are supported");
    }
    return *d;
}

int usableCores() {
    int cores = int(std::thread::hardware_concurrency());
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) cores = CPU_COUNT(&set); // taskset, cpusets
    // A container's CPU quota (cgroup v2 "cpu.max": "<quota> <period>" or "max <period>").
    std::ifstream quota("/sys/fs/cgroup/cpu.max");
    std::string q;
    double period = 0;
    if (quota >> q >> period && q != "max" && period > 0) {
        const double share = std::atof(q.c_str()) / period;
        if (share > 0) cores = std::min(cores, std::max(1, int(std::ceil(share))));
    }
#endif
    return std::max(1, cores);
}

int defaultThreads() {
    // OMP_NUM_THREADS / MKL_NUM_THREADS are the user's word: LibTorch reads them itself.
    if (std::getenv("OMP_NUM_THREADS") || std::getenv("MKL_NUM_THREADS")) return at::get_num_threads();
    return usableCores();
}

int engineKernelThreads() {
    std::mutex m;
    std::set<std::thread::id> seen;
    const int64_t n = std::max(1, at::get_num_threads());
    at::parallel_for(0, n, 1, [&](int64_t, int64_t) {
        // Long enough that no thread takes every chunk before the others start.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::lock_guard<std::mutex> lock(m);
        seen.insert(std::this_thread::get_id());
    });
    return int(seen.size());
}

void applyRuntime(const RuntimeOptions& rt) {
    parseDevice(rt.device);
    if (rt.threads < 0) throw Error("--threads must be 0 (default) or positive");
    // LibTorch's own default is its count of physical cores, which on some virtual machines
    // is 1 where the process has 2 (Debian's LibTorch 1.13 on this project's machine: every
    // command ran on one core). Measured gains: docs/performance.md.
    torch::set_num_threads(rt.threads > 0 ? rt.threads : defaultThreads());
#if defined(__GLIBC__)
    // glibc hands every allocation above 128 KiB back to the kernel when it is freed, and
    // LibTorch frees and re-allocates activation-sized buffers every batch: measured, a third
    // of an evaluation's time was system time (page faults). Keep such memory in the process.
    static const bool tuned = [] {
        mallopt(M_MMAP_THRESHOLD, 256 << 20);
        mallopt(M_TRIM_THRESHOLD, 512 << 20);
        return true;
    }();
    (void)tuned;
#endif
}

} // namespace eqnet
