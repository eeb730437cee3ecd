#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cprs/ContextMode.h"

namespace longrl::cprs {

// One example answered under one context mode.
struct ContextOutcome {
  std::string group;  // the example's value of the split key (e.g. its demo band)
  ContextMode mode = ContextMode::Truncate;
  double acc = 0.0;               // the reward's acc of the greedy answer (0 or 1)
  std::size_t documentBytes = 0;  // the whole document
  std::size_t readBytes = 0;      // what of it the answering model read (memory: all of it)
  bool cut = false;               // the prompt was cut to the window (compress: even after compressing)
  int malformedReplies = 0;       // memory: section replies with a tag problem
};

// `longrl compress-eval`'s table: per group and mode, n, the accuracy and the compression ratio
// (document bytes over the bytes the model read, summed over the group), and an "all" row.
class ContextEvalReport {
 public:
  struct Cell {
    int64_t examples = 0;
    double accSum = 0.0;
    std::size_t documentBytes = 0, readBytes = 0;
    int64_t cut = 0;
    int64_t malformedReplies = 0;
    double acc() const { return examples ? accSum / static_cast<double>(examples) : 0.0; }
    double ratio() const {
      return static_cast<double>(documentBytes) / static_cast<double>(readBytes > 0 ? readBytes : 1);
    }
  };

  explicit ContextEvalReport(std::vector<ContextMode> modes) : modes_(std::move(modes)) {}
  void add(const ContextOutcome& o);

  const std::vector<ContextMode>& modes() const { return modes_; }
  // Groups in order (numbers numerically, then text), then "all".
  std::vector<std::string> groups() const;
  // Zero cell when the group has no outcome of that mode.
  Cell cell(const std::string& group, ContextMode mode) const;

  // {"rows": [{"group", "n", "<mode>": {"acc", "ratio", "cut"} (memory: "acc", "malformed_replies")}]}
  nlohmann::json toJson() const;
  // A fixed-width table: group, n, then per mode its accuracy (truncate and compress with "xRATIO").
  std::string render(const std::string& groupTitle) const;

 private:
  std::vector<ContextMode> modes_;
  std::map<std::string, std::map<ContextMode, Cell>> cells_;  // "all" included
};

}  // namespace longrl::cprs
