// The compute device and the runtime around it: CUDA availability, the LibTorch version,
// parsing "cpu" / "cuda[:N]", thread counts and the allocator settings (eqnet/supernet.h).
#include "eqnet/supernet.h"

#include "engine/supernet_impl.h"
#include "eqnet/error.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <string>

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

void applyRuntime(const RuntimeOptions& rt) {
    parseDevice(rt.device);
    if (rt.threads < 0) throw Error("--threads must be 0 (default) or positive");
    if (rt.threads > 0) torch::set_num_threads(rt.threads);
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
