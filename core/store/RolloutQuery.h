#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace longrl::store {

// One page of rollouts for a table view: filters, a sort column and LIMIT/OFFSET.
struct RolloutQuery {
  std::optional<std::int64_t> step;
  std::optional<int> phase;
  std::optional<std::string> example_id;
  std::optional<std::string> judge_verdict;
  // One of: id, step, reward, advantage, rule_score, length, mean_entropy (others are rejected).
  std::string order_by = "id";
  bool descending = false;
  std::int64_t limit = 100;
  std::int64_t offset = 0;
};

}  // namespace longrl::store
