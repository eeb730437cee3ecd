#include "viewers/chart/SeriesSmoother.h"

#include <cmath>
#include <limits>

namespace longrl::viewers {

SeriesSmoother::SeriesSmoother(Kind kind, double parameter) : kind_(kind), parameter_(parameter) {}

void SeriesSmoother::reset() {
  out_.clear();
  biased_ = 0.0;
  correction_ = 1.0;
  recent_.clear();
  sum_ = 0.0;
  sinceRecompute_ = 0;
}

void SeriesSmoother::extend(const std::vector<double>& y) {
  const std::size_t from = out_.size();
  if (y.size() <= from) return;
  out_.resize(y.size());
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const int window = static_cast<int>(parameter_);
  if (kind_ == Kind::None || (kind_ == Kind::Ema && parameter_ <= 0.0) || (kind_ == Kind::Window && window <= 1)) {
    for (std::size_t i = from; i < y.size(); ++i) out_[i] = y[i];
    return;
  }
  if (kind_ == Kind::Ema) {
    const double weight = parameter_ >= 1.0 ? 0.999999 : parameter_;
    for (std::size_t i = from; i < y.size(); ++i) {
      if (std::isnan(y[i])) {
        out_[i] = nan;
        continue;
      }
      biased_ = biased_ * weight + (1.0 - weight) * y[i];
      correction_ *= weight;
      out_[i] = biased_ / (1.0 - correction_);
    }
    return;
  }
  const auto w = static_cast<std::size_t>(window);
  for (std::size_t i = from; i < y.size(); ++i) {
    if (std::isnan(y[i])) {
      out_[i] = nan;
      continue;
    }
    recent_.push_back(y[i]);
    sum_ += y[i];
    if (recent_.size() > w) {
      sum_ -= recent_.front();
      recent_.pop_front();
    }
    if (++sinceRecompute_ >= w) {
      sum_ = 0.0;
      for (double v : recent_) sum_ += v;
      sinceRecompute_ = 0;
    }
    out_[i] = sum_ / static_cast<double>(recent_.size());
  }
}

std::vector<double> SeriesSmoother::debiasedEma(const std::vector<double>& y, double weight) {
  SeriesSmoother s(Kind::Ema, weight);
  s.extend(y);
  return std::move(s.out_);
}

std::vector<double> SeriesSmoother::windowAverage(const std::vector<double>& y, int window) {
  SeriesSmoother s(Kind::Window, window);
  s.extend(y);
  return std::move(s.out_);
}

}  // namespace longrl::viewers
