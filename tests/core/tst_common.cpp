// The engine's shared helpers (core/src/common): durations, random numbers, the pause token,
// the default thread count.
// Each is defined once and used everywhere, so a change here shows up in every caller; these
// cases pin what callers rely on (reproducible sequences, rounding at the unit boundaries,
// when a paused job is really held).
#include "eqtest.h"

#include "common/random.h"
#include "eqnet/job.h"
#include "eqnet/supernet.h"
#include "eqnet/timing.h"

#include <ATen/Parallel.h>

#include <sched.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <set>
#include <thread>

using namespace eqnet;

EQ_TEST(duration_split_rounds_to_whole_seconds) {
    const auto parts = [](double s) {
        const DurationParts d = splitDuration(s);
        return std::to_string(d.hours) + ":" + std::to_string(d.minutes) + ":" + std::to_string(d.seconds);
    };
    EQ_COMPARE(parts(0), std::string("0:0:0"));
    EQ_COMPARE(parts(-5), std::string("0:0:0"));
    EQ_COMPARE(parts(std::nan("")), std::string("0:0:0"));
    EQ_COMPARE(parts(std::numeric_limits<double>::infinity()), std::string("0:0:0"));
    EQ_COMPARE(parts(59.4), std::string("0:0:59"));
    EQ_COMPARE(parts(59.5), std::string("0:1:0"));
    EQ_COMPARE(parts(3599.6), std::string("1:0:0"));
    EQ_COMPARE(parts(2 * 3600 + 5 * 60 + 7), std::string("2:5:7"));
    EQ_COMPARE(formatDuration(187), std::string("3m07s"));
    EQ_COMPARE(formatDuration(3600 + 5 * 60 + 40), std::string("1h05m")); // minutes shown whole, not rounded
    EQ_COMPARE(formatDuration(-1), std::string("0m00s"));
}

EQ_TEST(splitmix_is_the_reference_sequence) {
    // splitmix64 from state 0 (the published reference outputs).
    SplitMix r(0);
    EQ_COMPARE(r.next(), uint64_t(0xE220A8397B1DCDAFull));
    EQ_COMPARE(r.next(), uint64_t(0x6E789E6AA1B965F4ull));
    EQ_COMPARE(r.next(), uint64_t(0x06C45D188009454Full));
    EQ_COMPARE(splitmix64(0), uint64_t(0xE220A8397B1DCDAFull));
    // below(): in range, every value reached, no value favoured by much (6 x 6000 draws).
    SplitMix b(42);
    std::vector<int> counts(6, 0);
    for (int i = 0; i < 36000; ++i) {
        const uint64_t v = b.below(6);
        EQ_VERIFY(v < 6);
        ++counts[size_t(v)];
    }
    for (int c : counts) EQ_VERIFY2(std::abs(c - 6000) < 400, std::to_string(c));
    SplitMix g(7);
    for (int i = 0; i < 1000; ++i) {
        const int64_t v = g.range(-3, 3);
        EQ_VERIFY(v >= -3 && v <= 3);
    }
    EQ_VERIFY(deriveSeed(1, 0) != deriveSeed(1, 1));
    EQ_VERIFY(deriveSeed(1, 0) != deriveSeed(2, 0));
}

EQ_TEST(bit_mappings_cover_their_ranges) {
    EQ_COMPARE(unitFromBits(0), 0.0);
    EQ_VERIFY(unitFromBits(~uint64_t(0)) < 1.0);
    EQ_NEAR(unitFromBits(uint64_t(1) << 63), 0.5, 0.0);
    EQ_COMPARE(belowFromBits(0, 10), uint32_t(0));
    EQ_COMPARE(belowFromBits(~uint64_t(0), 10), uint32_t(9));
    EQ_COMPARE(belowFromBits(uint64_t(1) << 63, 10), uint32_t(5));
}

EQ_TEST(seeded_engine_follows_seed_seq_of_the_word_halves) {
    const uint64_t seed = 0x0123456789ABCDEFull, step = 77;
    std::seed_seq seq{uint32_t(seed), uint32_t(seed >> 32), uint32_t(step), uint32_t(step >> 32)};
    std::mt19937_64 expected(seq);
    std::mt19937_64 got = seededEngine({seed, step});
    for (int i = 0; i < 8; ++i) EQ_COMPARE(got(), expected());
    std::mt19937_64 other = seededEngine({seed, step + 1});
    EQ_VERIFY(other() != seededEngine({seed, step})());
}

EQ_TEST(pause_token_says_when_the_job_is_held) {
    // holding() turns true only once the job thread is blocked in waitWhilePaused (the pause is
    // acknowledged), and false again after resume: what a caller waits on instead of a sleep.
    PauseToken pause;
    StopToken stop;
    std::atomic<int> steps{0};
    std::atomic<bool> done{false};
    pause.pause();
    EQ_VERIFY(!pause.holding()); // paused, but no job has reached a pause point yet
    std::thread job([&] {
        for (int i = 0; i < 3; ++i) {
            pause.waitWhilePaused(stop);
            ++steps;
        }
        done = true;
    });
    const auto waitFor = [](const std::function<bool()>& cond) {
        for (int i = 0; i < 3000 && !cond(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return cond();
    };
    const bool held = waitFor([&] { return pause.holding(); });
    const int stepsWhileHeld = steps;
    pause.resume();
    const bool finished = waitFor([&] { return done.load(); });
    job.join();
    EQ_VERIFY(held);
    EQ_COMPARE(stepsWhileHeld, 0);
    EQ_VERIFY(finished);
    EQ_COMPARE(steps.load(), 3);
    EQ_VERIFY(!pause.holding());
    // A stop releases a held job too.
    pause.pause();
    std::thread stopped([&] { pause.waitWhilePaused(stop); });
    const bool heldAgain = waitFor([&] { return pause.holding(); });
    stop.requestStop();
    stopped.join();
    EQ_VERIFY(heldAgain);
    EQ_VERIFY(!pause.holding());
}

EQ_TEST(default_threads_are_the_cores_this_process_may_use) {
    // LibTorch's own default counts physical cores, which a virtual machine may report as 1 of
    // 2; the engine uses every core in the process's affinity mask (docs/performance.md).
    cpu_set_t saved;
    EQ_VERIFY(sched_getaffinity(0, sizeof(saved), &saved) == 0);
    const int mask = CPU_COUNT(&saved);
    EQ_VERIFY(usableCores() >= 1);
    EQ_VERIFY(usableCores() <= mask);
    int first = 0;
    while (!CPU_ISSET(first, &saved)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    EQ_VERIFY(sched_setaffinity(0, sizeof(one), &one) == 0);
    const int pinned = usableCores();
    sched_setaffinity(0, sizeof(saved), &saved);
    EQ_COMPARE(pinned, 1);

    // The suites run with OMP_NUM_THREADS=1: that setting wins.
    const char* omp = std::getenv("OMP_NUM_THREADS");
    const std::string ompValue = omp ? omp : "";
    setenv("OMP_NUM_THREADS", "1", 1);
    at::set_num_threads(1);
    EQ_COMPARE(defaultThreads(), 1);
    unsetenv("OMP_NUM_THREADS");
    unsetenv("MKL_NUM_THREADS");
    EQ_COMPARE(defaultThreads(), usableCores());
    applyRuntime({"cpu", 0});
    const int applied = at::get_num_threads();
    applyRuntime({"cpu", 1});
    const int explicitOne = at::get_num_threads();
    if (!ompValue.empty()) setenv("OMP_NUM_THREADS", ompValue.c_str(), 1);
    EQ_COMPARE(applied, usableCores());
    EQ_COMPARE(explicitOne, 1);
}
