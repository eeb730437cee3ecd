#include "core/store/RolloutBehaviorSql.h"

#include <array>
#include <string_view>

namespace longrl::store {
namespace {

constexpr std::string_view kPrefix = "behavior.";
constexpr std::array<std::string_view, 5> kColumns = {"subgoal", "backtracking", "verification", "grounding_share",
                                                      "passages"};

}  // namespace

bool RolloutBehaviorSql::isColumn(const std::string& key) {
  if (key.compare(0, kPrefix.size(), kPrefix) != 0) return false;
  const std::string_view column = std::string_view(key).substr(kPrefix.size());
  for (auto c : kColumns)
    if (c == column) return true;
  return false;
}

std::string RolloutBehaviorSql::value(const std::string& key, bool tableExists) {
  const std::string p = "?" + std::to_string(kClassifierParameter);
  if (!tableExists) return "nullif(" + p + ", " + p + ")";
  const std::string column = key.substr(kPrefix.size());  // checked by isColumn (pasted into SQL)
  // The primary key (step, example_id, group_idx, sample_idx, classifier, revision) serves this:
  // one index probe a rollout, the newest revision first.
  return "(SELECT b." + column +
         " FROM rollout_behaviors b WHERE b.step = rollouts.step AND b.example_id = rollouts.example_id"
         " AND b.group_idx = rollouts.group_idx AND b.sample_idx = rollouts.sample_idx AND b.classifier = " +
         p + " ORDER BY b.revision DESC LIMIT 1)";
}

bool RolloutBehaviorSql::uses(const RolloutQuery& q, bool withOrder) {
  if (withOrder && isColumn(q.order_by)) return true;
  for (const auto& r : q.ranges)
    if (isColumn(r.column) && (r.min || r.max)) return true;
  return false;
}

}  // namespace longrl::store
