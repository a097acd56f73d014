// A main() for the fuzz targets where libFuzzer is not linked (the GCC build): runs the target
// once on every file given (folders: every file inside), so that the seed corpora and every
// input that once crashed (tests/fuzz/regressions) are replayed by CTest on every build.
//
// With --mutate N it then runs the target on N variants of those inputs (mutator.h, seeded by
// --seed), with the address space limited to --memory-limit-mb: CI's short fuzzing pass. Input
// the engine refuses must be refused with eqnet::Error; a crash, an escaping exception (also
// std::bad_alloc, when a reader asks for more memory than the limit) ends the program and fails
// the test. Each variant is written to <program>-last-input before it runs, so a failure leaves
// its reproducer: `<program> <program>-last-input`.
#include "mutator.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::vector<fs::path> inputs;
    long mutations = 0, memoryLimitMb = 0;
    uint64_t seed = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--mutate" && i + 1 < argc) {
            mutations = std::strtol(argv[++i], nullptr, 10);
        } else if (a == "--seed" && i + 1 < argc) {
            seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (a == "--memory-limit-mb" && i + 1 < argc) {
            memoryLimitMb = std::strtol(argv[++i], nullptr, 10);
        } else if (fs::is_directory(a)) {
            for (const auto& e : fs::recursive_directory_iterator(a))
                if (e.is_regular_file()) inputs.push_back(e.path());
        } else {
            inputs.emplace_back(a);
        }
    }
    std::vector<std::vector<uint8_t>> corpus;
    for (const fs::path& p : inputs) {
        std::ifstream in(p, std::ios::binary);
        corpus.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::printf("%s (%zu bytes)\n", p.string().c_str(), corpus.back().size());
        std::fflush(stdout);
        LLVMFuzzerTestOneInput(corpus.back().data(), corpus.back().size());
    }
    std::printf("%zu inputs replayed\n", inputs.size());
    if (mutations <= 0 || corpus.empty()) return 0;

    if (memoryLimitMb > 0) {
        const rlimit lim{rlim_t(memoryLimitMb) << 20, rlim_t(memoryLimitMb) << 20};
        if (setrlimit(RLIMIT_AS, &lim) != 0) std::perror("setrlimit");
    }
    const std::string last = fs::path(argv[0]).filename().string() + "-last-input";
    eqfuzz::Mutator mutator(seed);
    eqnet::SplitMix pick(seed ^ 0x5EED);
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < mutations; ++i) {
        const std::vector<uint8_t> v = mutator.mutate(corpus[pick.below(corpus.size())]);
        std::ofstream(last, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(v.data()), long(v.size()));
        LLVMFuzzerTestOneInput(v.data(), v.size());
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%ld variants (seed %llu) in %.1f s, %.0f per second, none failed\n", mutations,
                static_cast<unsigned long long>(seed), s, double(mutations) / s);
    std::remove(last.c_str());
    return 0;
}
