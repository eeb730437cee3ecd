#include "viewers/data/RunAlert.h"

namespace longrl::viewers {

QString RunAlert::kindName(Kind kind) {
  switch (kind) {
    case Kind::NonFinite:
      return QStringLiteral("nonfinite");
    case Kind::EntropyCollapse:
      return QStringLiteral("entropy_collapse");
    case Kind::JudgeErrors:
      return QStringLiteral("judge_errors");
    case Kind::Stalled:
      return QStringLiteral("stalled");
  }
  return {};
}

}  // namespace longrl::viewers
