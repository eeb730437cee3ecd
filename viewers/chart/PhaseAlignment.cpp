#include "viewers/chart/PhaseAlignment.h"

#include <algorithm>

namespace longrl::viewers {

int PhaseAlignment::currentPhase(const std::vector<store::PhaseInfo>& phases, double lastStep) {
  int current = -1;
  for (const auto& p : phases) {
    if (p.status == "running") return p.index;
    if (p.status != "pending" && static_cast<double>(p.start_step) <= lastStep) current = std::max(current, p.index);
  }
  return current;
}

std::optional<double> PhaseAlignment::offset(const std::vector<store::PhaseInfo>& phases, int phase, double lastStep) {
  const int index = phase > 0 ? phase - 1 : currentPhase(phases, lastStep);
  if (index < 0) return std::nullopt;
  for (const auto& p : phases)
    if (p.index == index && p.status != "pending") return static_cast<double>(p.start_step) - 1.0;
  return std::nullopt;
}

}  // namespace longrl::viewers
