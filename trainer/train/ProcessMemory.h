#pragma once

namespace longrl::train {

// This process's memory as /proc/self/status reports it, in GiB (0 where it cannot be read): the
// trainer's perf/cpu_memory_used_gb and the benchmarks' figures.
class ProcessMemory {
 public:
  static double residentGb();  // VmRSS
  static double peakGb();      // VmHWM, the high-water mark
};

}  // namespace longrl::train
