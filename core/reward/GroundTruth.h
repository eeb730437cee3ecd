#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::reward {

// The acceptable answers of one example. verl stores `reward_model.ground_truth` as a string
// for most sources and as a list of aliases for some; a number is accepted too (docmath).
class GroundTruth {
 public:
  GroundTruth() = default;
  GroundTruth(std::string single);  // NOLINT: a plain string is the common case
  GroundTruth(const char* single);  // NOLINT
  explicit GroundTruth(std::vector<std::string> answers);

  // String, number or array of those; `where` names the field in the error message.
  static GroundTruth fromJson(const nlohmann::json& value, const std::string& where = "ground_truth");

  const std::vector<std::string>& answers() const { return answers_; }
  bool empty() const { return answers_.empty(); }
  // The answers joined by " / " (what a person or the judge is shown).
  std::string display() const;
  nlohmann::json toJson() const;

 private:
  std::vector<std::string> answers_;
};

}  // namespace longrl::reward
