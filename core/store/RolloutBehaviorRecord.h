#pragma once
#include <cstdint>
#include <string>
#include <tuple>

#include "core/store/RecordField.h"

namespace longrl::store {

// The reasoning behaviours of one rollout as one classifier saw them (schema v5, table
// rollout_behaviors beside rollouts, so that files without it read as before). The rollout is named
// by its unique key; (that key, classifier, revision) is unique: training writes revision 0, and
// `longrl behaviors` recomputing a finished run adds the next revision beside the old ones. The
// counts and grounding share are columns for sorting and filtering; `record` is the whole
// behavior::BehaviorRecord JSON (with the steps' spans).
struct RolloutBehaviorRecord {
  std::int64_t step = 0;
  std::string example_id;
  int group_idx = 0;
  int sample_idx = 0;
  std::string classifier;  // "rule" or "judge"
  int revision = 0;
  std::int64_t subgoal = 0;
  std::int64_t backtracking = 0;
  std::int64_t verification = 0;
  double grounding_share = 0.0;  // NaN (SQL NULL) without a document
  std::int64_t passages = 0;
  std::string record;  // BehaviorRecord JSON
  double wall_time = 0.0;

  static constexpr const char* kTable = "rollout_behaviors";
  static constexpr const char* kType = "rollout_behavior";
  static constexpr auto fields() {
    using R = RolloutBehaviorRecord;
    return std::make_tuple(field("step", &R::step).key().required(),
                           field("example_id", &R::example_id).key().required(),
                           field("group_idx", &R::group_idx).key().required(),
                           field("sample_idx", &R::sample_idx).key().required(),
                           field("classifier", &R::classifier).key().required().nonEmpty(),
                           field("revision", &R::revision).key(), field("subgoal", &R::subgoal),
                           field("backtracking", &R::backtracking), field("verification", &R::verification),
                           field("grounding_share", &R::grounding_share).nullable(), field("passages", &R::passages),
                           field("record", &R::record).jsonText(), field("wall_time", &R::wall_time));
  }
};

}  // namespace longrl::store
