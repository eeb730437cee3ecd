#include "core/reward/RewardResult.h"

namespace longrl::reward {

nlohmann::json RewardResult::toJson(bool verbose) const {
  nlohmann::json j;
  j["score"] = score;
  j["acc"] = acc;
  j["pred"] = pred ? nlohmann::json(*pred) : nlohmann::json(nullptr);
  j["rule_score"] = rule_score;
  j["kind"] = kind;
  j["method"] = method;
  j["answer_text"] = answer_text ? nlohmann::json(*answer_text) : nlohmann::json(nullptr);
  if (overlong_penalty != 0.0) j["overlong_penalty"] = overlong_penalty;
  if (judge) {
    nlohmann::json jj = judge->toJson();
    if (!verbose) {
      jj.erase("system_prompt");
      jj.erase("user_prompt");
    }
    j["judge"] = jj;
  }
  return j;
}

}  // namespace longrl::reward
