#include "core/curriculum/DifficultyTracker.h"

#include <algorithm>
#include <limits>

namespace longrl::curriculum {

void DifficultyTracker::addGroup(const std::string& exampleId, const std::vector<double>& rewards) {
  auto& s = sums_[exampleId];
  for (double r : rewards) s.total += r;
  s.count += static_cast<std::int64_t>(rewards.size());
}

void DifficultyTracker::restore(const std::string& exampleId, double meanReward, std::int64_t attempts) {
  sums_[exampleId] = Sum{meanReward * static_cast<double>(attempts), attempts};
}

double DifficultyTracker::difficultyOf(double meanReward, config::DifficultyMeasure measure) {
  if (measure == config::DifficultyMeasure::OneMinusMean) return 1.0 - meanReward;
  // Rewards can be negative (overlong penalty): anything at or below 0 counts as never solved.
  return meanReward <= 0.0 ? std::numeric_limits<double>::infinity() : 1.0 / meanReward;
}

DifficultyTracker::Entry DifficultyTracker::entry(const std::string& exampleId) const {
  Entry e;
  e.exampleId = exampleId;
  auto it = sums_.find(exampleId);
  if (it != sums_.end() && it->second.count > 0) {
    e.attempts = it->second.count;
    e.meanReward = it->second.total / static_cast<double>(it->second.count);
  }
  e.difficulty = difficultyOf(e.meanReward, measure_);
  return e;
}

std::vector<DifficultyTracker::Entry> DifficultyTracker::hardestFirst() const {
  std::vector<Entry> out;
  out.reserve(sums_.size());
  for (const auto& [id, s] : sums_) out.push_back(entry(id));
  std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.difficulty > b.difficulty; });
  return out;
}

}  // namespace longrl::curriculum
