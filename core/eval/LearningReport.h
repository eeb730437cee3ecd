#pragma once
#include <map>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/eval/PairedBootstrap.h"

namespace longrl::eval {

// What a run's validation passes (ValidationPass files) say about learning, measured as the papers
// measure it: accuracy on a fixed held-out set, the first pass against the last, on the same
// examples, with a paired bootstrap interval of the change, overall and per band. The figure is
// mean@n of the sampled pass when the run sampled (val_n > 1), else the greedy mean@1, which is
// reported beside it either way.
class LearningReport {
 public:
  struct Options {
    PairedBootstrap bootstrap;
    std::map<std::string, std::string> bandNames;  // extra_info.band value -> name shown ("0" -> "band 1")
  };

  // Throws std::runtime_error when runDir has fewer than two validation passes or a file is bad.
  static nlohmann::json of(const std::string& runDir, const Options& options);
  // The last pass of runDir against the last pass of baselineDir on the examples both validated
  // (an ablation against its baseline), overall and per band, with the same bootstrap.
  static nlohmann::json compareEnds(const std::string& baselineDir, const std::string& runDir, const Options& options);
  // A few readable lines of a report (of() with, optionally, "ablation" from compareEnds).
  static void print(const nlohmann::json& report, std::ostream& out);
};

}  // namespace longrl::eval
