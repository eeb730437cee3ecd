#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/RunStoreReader.h"

namespace longrl::store {

// How one metric moved inside each phase of a run: the mean over the phase's first and last
// `window` steps. A curriculum makes each phase harder than the one before, so comparing the
// run's first steps with its last mixes learning with difficulty; within a phase it does not.
class PhaseProgress {
 public:
  struct Row {
    int phase = 0;
    std::string name;         // from the phases table ("" when the run did not record it)
    std::int64_t points = 0;  // steps of the phase that have the metric
    int window = 0;           // steps averaged at each end (at most half the phase's points)
    double first = 0.0;
    double last = 0.0;
  };

  // One row per phase that has at least two points of `metric`, in phase order.
  static std::vector<Row> of(RunStoreReader& reader, const std::string& metric, int window);

  // The whole run as one row (phase -1, name "run"): its first and last `window` steps, across
  // phases. Empty when the metric has fewer than two points.
  static std::optional<Row> ofRun(RunStoreReader& reader, const std::string& metric, int window);

 private:
  static Row ends(const std::vector<double>& values, int window);
};

}  // namespace longrl::store
