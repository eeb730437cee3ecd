#include "core/eval/PairedBootstrap.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace longrl::eval {

namespace {

// splitmix64: the same draws on every platform (std:: distributions differ between libraries).
uint64_t nextRandom(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// The q-quantile of sorted values, interpolated between neighbours.
double quantile(const std::vector<double>& sorted, double q) {
  const double at = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(at));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - static_cast<double>(lo));
}

}  // namespace

PairedBootstrap::PairedBootstrap(int resamples, uint64_t seed, double level)
    : resamples_(resamples), seed_(seed), level_(level) {
  if (resamples < 1) throw std::invalid_argument("bootstrap: resamples must be >= 1");
  if (!(level > 0 && level < 1)) throw std::invalid_argument("bootstrap: level must be in (0, 1)");
}

PairedChange PairedBootstrap::change(const std::vector<double>& before, const std::vector<double>& after) const {
  if (before.size() != after.size()) throw std::invalid_argument("bootstrap: the two measurements differ in length");
  if (before.empty()) throw std::invalid_argument("bootstrap: no examples");
  std::vector<double> diff(before.size());
  for (size_t i = 0; i < diff.size(); ++i) diff[i] = after[i] - before[i];
  PairedChange c;
  c.examples = static_cast<int64_t>(diff.size());
  c.before = mean(before);
  c.after = mean(after);
  c.change = mean(diff);
  std::vector<double> means(static_cast<size_t>(resamples_));
  uint64_t state = seed_;
  const uint64_t n = diff.size();
  for (auto& m : means) {
    double s = 0;
    for (uint64_t i = 0; i < n; ++i) s += diff[nextRandom(state) % n];
    m = s / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  c.lo = quantile(means, (1 - level_) / 2);
  c.hi = quantile(means, 1 - (1 - level_) / 2);
  return c;
}

}  // namespace longrl::eval
