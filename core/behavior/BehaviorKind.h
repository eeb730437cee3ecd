#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace longrl::behavior {

// The reasoning behaviours QwenLong-L1 tracks over RL training (grounding is measured apart, as a
// share of the trace; see GroundingShare).
enum class BehaviorKind { Subgoal, Backtracking, Verification };

inline constexpr std::array<BehaviorKind, 3> kBehaviorKinds = {BehaviorKind::Subgoal, BehaviorKind::Backtracking,
                                                               BehaviorKind::Verification};

// "subgoal", "backtracking", "verification": the names in JSON and in metric names.
constexpr std::string_view behaviorName(BehaviorKind kind) {
  switch (kind) {
    case BehaviorKind::Subgoal:
      return "subgoal";
    case BehaviorKind::Backtracking:
      return "backtracking";
    case BehaviorKind::Verification:
      return "verification";
  }
  return "";
}

inline std::optional<BehaviorKind> parseBehaviorKind(std::string_view name) {
  for (BehaviorKind k : kBehaviorKinds)
    if (behaviorName(k) == name) return k;
  return std::nullopt;
}

}  // namespace longrl::behavior
