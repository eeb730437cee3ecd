#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace longrl::eval {

// How one held-out example fared in one validation pass.
struct ValidationOutcome {
  std::string id;
  std::string dataSource;
  std::string band;   // extra_info.band as text; "" when the example has none
  double greedy = 0;  // 1 when the greedy answer was correct
  // Share of the pass's n sampled answers that were correct; absent when the pass sampled none.
  std::optional<double> sampled;
};

// One validation pass of a run: its step, samples per example and every example's outcome. The
// run keeps one file per pass (DIR/validation/step-N.jsonl) so that a report can pair the same
// examples across passes (a paired bootstrap needs per-example results, not just the means).
struct ValidationPass {
  int64_t step = 0;
  int n = 1;
  std::vector<ValidationOutcome> examples;

  static std::string fileFor(const std::string& runDir, int64_t step);
  // Writes to a temporary file, then renames: a reader never sees half a pass.
  void write(const std::string& path) const;
  // Throws std::runtime_error naming the file and line of what cannot be read.
  static ValidationPass read(const std::string& path);
  // The passes' files in runDir, by step; empty when there is none.
  static std::vector<std::string> filesIn(const std::string& runDir);
};

}  // namespace longrl::eval
