// The process's peak resident memory, for the benchmarks that report memory (Linux /proc;
// elsewhere the figures read 0).
#pragma once

namespace eqnet::bench {

// VmHWM from /proc/self/status, in MB; 0 where unavailable.
double peakRssMegabytes();

// VmRSS: the resident memory now, in MB; 0 where unavailable.
double rssMegabytes();

// Resets the peak to the current resident memory (/proc/self/clear_refs "5"), so that the next
// peakRssMegabytes() is the peak of what ran in between; false where the kernel refuses.
bool resetPeakRss();

} // namespace eqnet::bench
