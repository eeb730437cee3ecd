#include "core/reward/GroundTruth.h"

#include "core/reward/RewardError.h"

namespace longrl::reward {

GroundTruth::GroundTruth(std::string single) : answers_{std::move(single)} {}
GroundTruth::GroundTruth(const char* single) : answers_{std::string(single)} {}
GroundTruth::GroundTruth(std::vector<std::string> answers) : answers_(std::move(answers)) {}

namespace {
std::string scalarToString(const nlohmann::json& v, const std::string& where) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return v.dump();  // shortest round-trip form, e.g. 0.125
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  throw RewardError(where + ": expected a string or a number, got " + std::string(v.type_name()));
}
}  // namespace

GroundTruth GroundTruth::fromJson(const nlohmann::json& value, const std::string& where) {
  if (!value.is_array()) return GroundTruth(scalarToString(value, where));
  std::vector<std::string> answers;
  for (size_t i = 0; i < value.size(); ++i)
    answers.push_back(scalarToString(value[i], where + "[" + std::to_string(i) + "]"));
  if (answers.empty()) throw RewardError(where + ": empty list of answers");
  return GroundTruth(std::move(answers));
}

std::string GroundTruth::display() const {
  std::string out;
  for (size_t i = 0; i < answers_.size(); ++i) {
    if (i) out += " / ";
    out += answers_[i];
  }
  return out;
}

nlohmann::json GroundTruth::toJson() const {
  if (answers_.size() == 1) return answers_[0];
  return answers_;
}

}  // namespace longrl::reward
