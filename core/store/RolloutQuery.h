#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace longrl::store {

// One page of rollouts for a table view: filters, a sort column and LIMIT/OFFSET.
struct RolloutQuery {
  // An inclusive numeric range on one column (any column order_by accepts, behaviour columns too).
  struct Range {
    std::string column;
    std::optional<double> min, max;
  };

  std::optional<std::int64_t> step;
  std::optional<int> phase;
  std::optional<std::string> example_id;
  std::optional<std::string> judge_verdict;
  std::optional<std::string> data_source;  // exact examples.data_source of the rollout's example
  std::optional<bool> truncated;
  // Case-insensitive substring of the answer, the example id, the judge error or the example's
  // question. Cheap: none of these is compressed.
  std::optional<std::string> text;
  // Case-insensitive (ASCII) substring of the full response. Most responses are stored
  // zstd-compressed: SQLite decompresses each candidate row inside the query (after the other
  // filters), so this costs a pass over the responses the other filters leave.
  std::optional<std::string> response_contains;
  std::vector<Range> ranges;
  // A field RolloutRecord::fields() marks sortable() (id, step, reward, ...), or a behaviour column
  // ("behavior.subgoal", "behavior.backtracking", "behavior.verification", "behavior.grounding_share",
  // "behavior.passages": NULL, so first ascending, for rollouts without a record); others are rejected.
  std::string order_by = "id";
  bool descending = false;
  std::int64_t limit = 100;
  std::int64_t offset = 0;
  // false: response, judge_raw, judge_prompt and trajectory come back empty, nothing is
  // decompressed (tables that show hundreds of rows at a time need only the short columns).
  bool with_text = true;
  // Whose behaviour records the behaviour columns read: each rollout's latest revision from it.
  std::string behavior_classifier = "rule";
};

}  // namespace longrl::store
