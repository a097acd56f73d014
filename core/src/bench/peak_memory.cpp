#include "bench/peak_memory.h"

#include <fstream>
#include <string>

namespace eqnet::bench {

namespace {
// A "Key:   N kB" line of /proc/self/status, in MB.
double statusMegabytes(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::stod(line.substr(key.size())) / 1024.0;
    return 0;
}
} // namespace

double peakRssMegabytes() { return statusMegabytes("VmHWM:"); }

double rssMegabytes() { return statusMegabytes("VmRSS:"); }

bool resetPeakRss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return bool(out);
}

} // namespace eqnet::bench
