#pragma once
#include <QColor>
#include <QString>
#include <QTextCharFormat>

#include <string_view>
#include <vector>

#include "core/behavior/BehaviorSpan.h"

namespace longrl::viewers {

// A behaviour step of a trace in widget positions (UTF-16, in the thinking or the answer pane, as
// DocumentTraceView shows them), with the cue that decided it.
struct BehaviorMark {
  behavior::BehaviorKind kind = behavior::BehaviorKind::Subgoal;
  bool inAnswer = false;
  int begin = 0, end = 0;
  int cueBegin = 0, cueEnd = 0;
  QString cue;
};

// Behaviour spans (BehaviorSpan: byte offsets into the whole response, like grounding spans) ->
// marks in the panes ResponseParts splits the response into, and how they look: a colour per
// behaviour, the step underlined in it, the cue on a tint of it (grounding highlights keep their
// yellow background around them).
class BehaviorMarks {
 public:
  // A span goes to the pane holding its start, clipped to it; spans past the response or empty
  // after clipping are left out.
  static std::vector<BehaviorMark> map(std::string_view response, const std::vector<behavior::BehaviorSpan>& spans);

  static QColor color(behavior::BehaviorKind kind);
  static QString name(behavior::BehaviorKind kind);  // "sub-goal", "backtracking", "verification"
  static QTextCharFormat stepFormat(behavior::BehaviorKind kind);
  static QTextCharFormat cueFormat(behavior::BehaviorKind kind);
  // "sub-goal (cue "first, …")" for every mark holding `pos` of a pane, one a line; "" for none.
  static QString tooltipAt(const std::vector<BehaviorMark>& marks, bool inAnswer, int pos);
  // Coloured swatches naming each behaviour, with how many steps each has and the classifier.
  static QString legendHtml(const std::vector<BehaviorMark>& marks, const QString& classifier);
};

}  // namespace longrl::viewers
