#pragma once
#include <QList>
#include <QPointF>

namespace longrl::viewers {

// Whether a min/max band under a mean says anything. A band whose lower edge sits at its lowest
// value and whose upper edge sits at its highest value at nearly every step is a constant strip:
// it only says what range the metric can take (a 0/1 reward's batch has a wrong and a right
// sample at every step, so its min/max band spans 0..1 throughout) and hides the curve in it.
// Such a band is left out; one that moves (response length's min, a reward with a varying worst
// group) is drawn. Judged on the points drawn, i.e. over the steps in view.
class BandRule {
 public:
  // A band edge point within this share of the band's whole span from its extreme counts as "at
  // the bound".
  static constexpr double kAtBound = 0.01;
  // The band is uninformative when at least this share of both edges' points are at the bound.
  static constexpr double kMostPoints = 0.8;

  static bool informs(const QList<QPointF>& lower, const QList<QPointF>& upper);
};

}  // namespace longrl::viewers
