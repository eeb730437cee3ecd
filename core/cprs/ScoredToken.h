#pragma once
#include "core/cprs/TextSpan.h"

namespace longrl::cprs {

// One document token as the critic scored it: the bytes it came from and its keep score in [0, 1].
struct ScoredToken {
  TextSpan span;
  double score = 0.0;
};

}  // namespace longrl::cprs
