#include "trainer/train/ProcessMemory.h"

#include <fstream>
#include <string>

namespace longrl::train {

namespace {
double statusGb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / (1024.0 * 1024.0);
  return 0.0;
}
}  // namespace

double ProcessMemory::residentGb() { return statusGb("VmRSS"); }
double ProcessMemory::peakGb() { return statusGb("VmHWM"); }

}  // namespace longrl::train
