#include "core/grpo/GroupAdvantage.h"

#include <cmath>
#include <map>

namespace longrl::grpo {

double GroupAdvantage::stddev(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double ss = 0.0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(values.size() - 1));
}

std::vector<double> GroupAdvantage::compute(const std::vector<Sample>& samples, Estimator estimator, double epsilon) {
  std::map<int, std::vector<double>> groups;
  std::map<std::string, std::vector<double>> tasks;
  for (const auto& s : samples) {
    groups[s.group].push_back(s.reward);
    tasks[s.task].push_back(s.reward);
  }
  std::map<int, std::pair<double, double>> groupStats;  // mean, std
  for (const auto& [g, rewards] : groups) {
    if (rewards.size() == 1) {
      groupStats[g] = {0.0, 1.0};
      continue;
    }
    double mean = 0.0;
    for (double r : rewards) mean += r;
    groupStats[g] = {mean / static_cast<double>(rewards.size()), stddev(rewards)};
  }
  std::map<std::string, double> taskStd;
  for (const auto& [t, rewards] : tasks) taskStd[t] = rewards.size() == 1 ? 1.0 : stddev(rewards);

  std::vector<double> out;
  out.reserve(samples.size());
  for (const auto& s : samples) {
    const auto& [mean, gstd] = groupStats[s.group];
    const double sd = estimator == Estimator::Grpo ? gstd : taskStd[s.task];
    out.push_back((s.reward - mean) / (sd + epsilon));
  }
  return out;
}

}  // namespace longrl::grpo
