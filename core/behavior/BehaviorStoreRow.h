#pragma once
#include "core/behavior/BehaviorRecord.h"
#include "core/store/RolloutBehaviorRecord.h"
#include "core/store/RolloutRecord.h"

namespace longrl::behavior {

// The run-store row of `behavior` for `rollout` (its key), revision `revision`, and back.
store::RolloutBehaviorRecord toStoreRow(const BehaviorRecord& behavior, const store::RolloutRecord& rollout,
                                        int revision, double wallTime);
// Throws std::runtime_error (naming the rollout) when the stored JSON cannot be read.
BehaviorRecord fromStoreRow(const store::RolloutBehaviorRecord& row);

}  // namespace longrl::behavior
