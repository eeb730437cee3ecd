#include "viewers/chart/NiceScale.h"

#include <cmath>

namespace longrl::viewers {

double NiceScale::niceNumber(double x, bool ceiling) {
  const double z = std::pow(10.0, std::floor(std::log10(x)));
  double q = x / z;  // 1 <= q < 10
  if (ceiling) q = q <= 1.0 ? 1.0 : q <= 2.0 ? 2.0 : q <= 5.0 ? 5.0 : 10.0;
  else q = q < 1.5 ? 1.0 : q < 3.0 ? 2.0 : q < 7.0 ? 5.0 : 10.0;
  return q * z;
}

NiceScale::Range NiceScale::loose(double lo, double hi, int targetTicks) {
  Range r{lo, hi, targetTicks, targetTicks > 1 ? (hi - lo) / (targetTicks - 1) : hi - lo};
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo) || targetTicks < 2) return r;
  const double step = niceNumber((hi - lo) / (targetTicks - 1), false);
  if (!(step > 0.0) || !std::isfinite(step)) return r;
  const double first = std::floor(lo / step), last = std::ceil(hi / step);
  // Huge ranges in tiny steps cannot happen with a target of a few ticks, but keep the count sane.
  if (last - first > 1000.0) return r;
  r.min = first * step;
  r.max = last * step;
  if (r.max <= r.min) r.max = r.min + step;
  r.ticks = static_cast<int>(std::lround((r.max - r.min) / step)) + 1;
  r.step = step;
  return r;
}

}  // namespace longrl::viewers
