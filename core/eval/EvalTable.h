#pragma once
#include <optional>
#include <string>

#include "core/eval/EvalReport.h"

namespace longrl::eval {

// The text `longrl eval` prints: a header saying how each column was measured, then the papers'
// table (one row per data source, n, greedy, mean@K, pass@K in percent with one decimal, and the
// average row), then the --by tables. With K = 1 the mean@K and pass@K columns are left out.
class EvalTable {
 public:
  static std::string render(const EvalReport& report);
  // A share as the table prints it: "37.5" (percent, one decimal), "-" when absent.
  static std::string percent(const std::optional<double>& share);
};

}  // namespace longrl::eval
