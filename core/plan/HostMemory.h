#pragma once
#include <cstdint>
#include <string>

namespace longrl::plan {

// The memory this machine can give a new process: /proc/meminfo's MemAvailable (swap left out:
// training that pages is not a plan).
class HostMemory {
 public:
  // Bytes; 0 when unknown (no /proc/meminfo, or no MemAvailable line in it).
  static uint64_t availableBytes(const std::string& meminfo = "/proc/meminfo");
};

}  // namespace longrl::plan
