#pragma once
#include <string>

#include "core/store/RolloutQuery.h"

namespace longrl::store {

// The behaviour columns a rollout query can sort and filter by ("behavior.subgoal",
// "behavior.backtracking", "behavior.verification", "behavior.grounding_share",
// "behavior.passages"): each is the column of the rollout's latest revision in rollout_behaviors from
// the classifier RolloutQuery::behavior_classifier (bound at parameter ?11), NULL without one.
// Internal to core/store.
class RolloutBehaviorSql {
 public:
  static constexpr int kClassifierParameter = 11;

  static bool isColumn(const std::string& key);
  // An SQL expression for the outer `rollouts` row. `tableExists` false (a store older than schema
  // v5): NULL, still naming ?11 so that binding it stays valid.
  static std::string value(const std::string& key, bool tableExists);
  // Whether a query's filters (and with `withOrder` its sort) name a behaviour column.
  static bool uses(const RolloutQuery& query, bool withOrder);
};

}  // namespace longrl::store
