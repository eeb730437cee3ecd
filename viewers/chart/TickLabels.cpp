#include "viewers/chart/TickLabels.h"

#include <algorithm>
#include <cmath>

namespace longrl::viewers {

QList<TickLabels::Tick> TickLabels::of(const NiceScale::Range& range) {
  QList<Tick> ticks;
  const double step = range.step;
  if (!(step > 0.0) || !std::isfinite(step) || !std::isfinite(range.min) || range.ticks < 1) return ticks;
  const double first = std::round(range.min / step);
  const double largest = std::max(std::abs(range.min), std::abs(range.max));
  // Fixed decimals while they stay readable; otherwise enough significant digits to tell
  // neighbouring ticks apart.
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  const bool onMultiples = std::abs(range.min - first * step) <= step * 1e-6;  // a NiceScale range
  const bool fixed = onMultiples && decimals <= 5 && largest < 1e7;
  const int digits = std::clamp(static_cast<int>(std::ceil(std::log10(largest / step + 1.0))) + 2, 2, 15);
  for (int k = 0; k < range.ticks; ++k) {
    double value = onMultiples ? (first + k) * step : range.min + k * step;
    if (std::abs(value) < step * 1e-9) value = 0.0;  // also turns -0 into 0
    ticks.append({value, fixed ? QString::number(value, 'f', decimals) : QString::number(value, 'g', digits)});
  }
  return ticks;
}

}  // namespace longrl::viewers
