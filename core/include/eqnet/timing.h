#pragma once
// Durations: one clock, one way to read it, one way to split it for display (plain C++).
#include <chrono>
#include <cstdint>
#include <string>

namespace eqnet {

using SteadyClock = std::chrono::steady_clock;

inline double secondsSince(SteadyClock::time_point t0) {
    return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

// CPU time (user + system) of this process so far, all threads: with wall time, how many
// cores a piece of work kept busy.
double processCpuSeconds();

// A duration rounded to whole seconds and split (negative or NaN: zero).
struct DurationParts {
    int64_t hours = 0, minutes = 0, seconds = 0; // minutes, seconds < 60
};
DurationParts splitDuration(double seconds);

// The terminal's compact form: "1h05m" from an hour on, else "3m07s". (The studio words it
// in the user's language from splitDuration.)
std::string formatDuration(double seconds);

} // namespace eqnet
