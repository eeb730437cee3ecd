#pragma once
#include <QList>
#include <QString>

#include "viewers/chart/NiceScale.h"

namespace longrl::viewers {

// The tick values and labels of a NiceScale range. Qt's value axis computes tick k as
// min + k * (max - min) / (ticks - 1), so a range like [-0.01, 0.06] labels its zero tick
// "-3.469e-18"; here tick k is the exact multiple (first + k) * step, zero is zero, and every label
// has just the decimals the step needs ("0.05", "0.1", "0.15"; "2e-07" for tiny or huge values).
class TickLabels {
 public:
  struct Tick {
    double value = 0.0;
    QString label;
  };
  static QList<Tick> of(const NiceScale::Range& range);
};

}  // namespace longrl::viewers
