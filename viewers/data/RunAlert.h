#pragma once
#include <QString>

#include <cstdint>

namespace longrl::viewers {

// Something in a run a researcher should look at now: what, where (the metric whose chart shows it
// and the step), and a sentence saying it.
struct RunAlert {
  enum class Kind { NonFinite, EntropyCollapse, JudgeErrors, Stalled };
  Kind kind = Kind::NonFinite;
  QString metric;          // the chart that shows it
  std::int64_t step = -1;  // where it started (stalled: the last step seen)
  QString message;         // without the run's name

  // "nonfinite", "entropy_collapse", "judge_errors", "stalled".
  static QString kindName(Kind kind);
};

}  // namespace longrl::viewers
