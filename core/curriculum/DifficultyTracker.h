#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/config/ConfigEnums.h"

namespace longrl::curriculum {

// Per-example difficulty within a phase, from the rewards of its rollout groups: an example
// attempted in several steps accumulates all its samples. Difficulty = 1 / mean reward
// (QwenLong-L1's retrospective sampling; a mean of 0 is infinitely hard) or 1 - mean reward.
class DifficultyTracker {
 public:
  struct Entry {
    std::string exampleId;
    double meanReward = 0.0;
    std::int64_t attempts = 0;  // samples seen
    double difficulty = 0.0;
  };

  explicit DifficultyTracker(config::DifficultyMeasure measure) : measure_(measure) {}

  // Rewards of one group (the G samples of one example in one step).
  void addGroup(const std::string& exampleId, const std::vector<double>& rewards);
  // Restores an entry (e.g. read back from the run store on resume).
  void restore(const std::string& exampleId, double meanReward, std::int64_t attempts);

  static double difficultyOf(double meanReward, config::DifficultyMeasure measure);
  Entry entry(const std::string& exampleId) const;
  // Every example seen, hardest first (ties by example id, so the order is deterministic).
  std::vector<Entry> hardestFirst() const;
  std::size_t size() const { return sums_.size(); }
  void clear() { sums_.clear(); }

 private:
  struct Sum {
    double total = 0.0;
    std::int64_t count = 0;
  };
  config::DifficultyMeasure measure_;
  std::map<std::string, Sum> sums_;
};

}  // namespace longrl::curriculum
