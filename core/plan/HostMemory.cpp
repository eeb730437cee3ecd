#include "core/plan/HostMemory.h"

#include <fstream>
#include <sstream>

namespace longrl::plan {

uint64_t HostMemory::availableBytes(const std::string& meminfo) {
  std::ifstream in(meminfo);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string key;
    uint64_t kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  return 0;
}

}  // namespace longrl::plan
