// Durations split and printed (timing.h).
#include "eqnet/timing.h"

#include <sys/resource.h>

#include <cmath>
#include <cstdio>

namespace eqnet {

double processCpuSeconds() {
    rusage u{};
    if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
    const auto s = [](const timeval& t) { return double(t.tv_sec) + 1e-6 * double(t.tv_usec); };
    return s(u.ru_utime) + s(u.ru_stime);
}

DurationParts splitDuration(double seconds) {
    DurationParts d;
    if (!(seconds > 0) || !std::isfinite(seconds)) return d;
    const auto t = int64_t(seconds + 0.5);
    d.hours = t / 3600;
    d.minutes = (t / 60) % 60;
    d.seconds = t % 60;
    return d;
}

std::string formatDuration(double seconds) {
    const DurationParts d = splitDuration(seconds);
    char buf[48];
    if (d.hours > 0)
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", (long long)d.hours, (long long)d.minutes);
    else
        std::snprintf(buf, sizeof buf, "%lldm%02llds", (long long)d.minutes, (long long)d.seconds);
    return buf;
}

} // namespace eqnet
