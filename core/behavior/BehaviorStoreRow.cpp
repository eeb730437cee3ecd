#include "core/behavior/BehaviorStoreRow.h"

#include <limits>
#include <stdexcept>

namespace longrl::behavior {

store::RolloutBehaviorRecord toStoreRow(const BehaviorRecord& b, const store::RolloutRecord& rollout, int revision,
                                        double wallTime) {
  store::RolloutBehaviorRecord row;
  row.step = rollout.step;
  row.example_id = rollout.example_id;
  row.group_idx = rollout.group_idx;
  row.sample_idx = rollout.sample_idx;
  row.classifier = b.classifier;
  row.revision = revision;
  row.subgoal = b.subgoal;
  row.backtracking = b.backtracking;
  row.verification = b.verification;
  row.grounding_share = b.groundingShare.value_or(std::numeric_limits<double>::quiet_NaN());
  row.passages = b.passages;
  row.record = b.toJson();
  row.wall_time = wallTime;
  return row;
}

BehaviorRecord fromStoreRow(const store::RolloutBehaviorRecord& row) {
  try {
    return BehaviorRecord::fromJson(row.record);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("rollout (step " + std::to_string(row.step) + ", example " + row.example_id + ", group " +
                             std::to_string(row.group_idx) + ", sample " + std::to_string(row.sample_idx) +
                             "): " + e.what());
  }
}

}  // namespace longrl::behavior
