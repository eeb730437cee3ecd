#pragma once

namespace longrl::viewers {

// Axis ranges rounded outward to readable tick values (1, 2 or 5 x 10^n steps), like Qt Charts'
// QValueAxis::applyNiceNumbers(), but as a pure function of the range: Qt feeds the axis'
// previous tick count back into the computation, so the same range can come out differently on
// consecutive calls, and the chart cannot tell that nothing changed without relayouting it.
// The step is also picked from the range itself rather than from the range rounded up to a nice
// number first (as Qt does), which wastes less of the plot: data in [-0.05, 1.05] gets
// [-0.2, 1.2] in steps of 0.2 instead of [-0.5, 1.5] in steps of 0.5.
class NiceScale {
 public:
  struct Range {
    double min = 0.0, max = 1.0;
    int ticks = 5;
    double step = 0.25;  // between ticks: min, min + step, ..., max
  };
  // A range that contains [lo, hi] with about `targetTicks` ticks (between 0.7x and 1.5x as many,
  // plus the rounding); an empty or non-finite range comes back as given.
  static Range loose(double lo, double hi, int targetTicks = 5);
  // 1, 2, 5 or 10 x 10^n near x: the next one up when `ceiling`, else the nearest.
  static double niceNumber(double x, bool ceiling);
};

}  // namespace longrl::viewers
