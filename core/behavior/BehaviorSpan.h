#pragma once
#include <cstddef>

#include "core/behavior/BehaviorKind.h"

namespace longrl::behavior {

// One step of a reasoning trace showing a behaviour. Byte offsets [begin, end) into the response
// the classifier was given: the whole step (a line or sentence, trimmed), and inside it the cue that
// decided it (a phrase such as "let me check", or a re-computed arithmetic expression). A step may
// carry several kinds, one span each.
struct BehaviorSpan {
  size_t begin = 0;
  size_t end = 0;
  BehaviorKind kind = BehaviorKind::Subgoal;
  size_t cueBegin = 0;
  size_t cueEnd = 0;

  bool operator==(const BehaviorSpan& o) const {
    return begin == o.begin && end == o.end && kind == o.kind && cueBegin == o.cueBegin && cueEnd == o.cueEnd;
  }
  bool operator!=(const BehaviorSpan& o) const { return !(*this == o); }
};

}  // namespace longrl::behavior
