#pragma once
#include <string>

#include "core/behavior/BehaviorRecord.h"

namespace longrl::behavior {

// Reads the behaviour judge's reply, {"subgoal": n, "backtracking": n, "verification": n}, into the
// counts of `record`. Strict: the reply must be one JSON object holding the three keys, each a
// non-negative integer (2.0, "2" and -1 are refused); other keys are ignored. On failure the counts
// stay as they were, record.error names what was wrong and false is returned.
bool readBehaviorJudgeReply(const std::string& reply, BehaviorRecord& record);

}  // namespace longrl::behavior
