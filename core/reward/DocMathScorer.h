#pragma once
#include <optional>
#include <string>

#include "core/reward/GroundTruth.h"
#include "core/reward/RuleOutcome.h"

namespace longrl::reward {

// Numeric answers (docmath). The prediction is the number after the last "the answer is" that is
// followed by one (currency signs, "approximately", "US$", commas, %, units and trailing periods
// are ignored). Two numbers are equivalent, as in the reference, when any of these holds:
//   - their magnitudes differ by an exact power of ten ("$1.2 million" vs 1200000);
//   - the smaller one x100, x1000 or x100000 is within the tolerance of the larger
//     (12.5% vs 0.125, thousands vs units);
//   - both magnitudes rounded *up* to 3 decimals are equal;
//   - |pred - gt| <= 0.0015 * |gt|.
// Unlike the reference (which compares absolute values), the signs must agree: -5 is not 5.
class DocMathScorer {
 public:
  static constexpr const char* kPhrase = "the answer is";
  static constexpr double kRelativeTolerance = 0.0015;

  struct Number {
    double value = 0.0;
    std::string text;  // the digits as written, commas removed, sign included
  };

  static RuleOutcome score(const std::string& answerText, const GroundTruth& gt);
  // The number at the start of `s` after optional prefixes (=, ≈, ~, $, £, €, ¥, US, USD, RMB,
  // approximately, about, around, sign); nullopt when there is none.
  static std::optional<Number> parseLeadingNumber(const std::string& s);
  // The number after the last "the answer is" that is followed by a number.
  static std::optional<Number> extract(const std::string& answerText);
  // A ground truth: "... the answer is X" or a bare "X". Throws RewardError when not numeric.
  static Number groundTruthNumber(const std::string& gt);
  static bool equivalent(double pred, double gt);
  static bool withinTolerance(double pred, double gt);
};

}  // namespace longrl::reward
