#include "core/store/PhaseProgress.h"

#include <algorithm>
#include <map>

namespace longrl::store {

std::vector<PhaseProgress::Row> PhaseProgress::of(RunStoreReader& reader, const std::string& metric, int window) {
  std::map<int, std::vector<double>> byPhase;  // metricSeries is ordered by step
  for (const auto& p : reader.metricSeries(metric)) byPhase[p.phase].push_back(p.value);
  std::map<int, std::string> names;
  for (const auto& p : reader.phases()) names[p.index] = p.name;
  std::vector<Row> rows;
  for (const auto& [phase, values] : byPhase) {
    if (values.size() < 2) continue;
    Row row = ends(values, window);
    row.phase = phase;
    row.name = names.count(phase) ? names[phase] : std::string();
    rows.push_back(row);
  }
  return rows;
}

std::optional<PhaseProgress::Row> PhaseProgress::ofRun(RunStoreReader& reader, const std::string& metric, int window) {
  std::vector<double> values;
  for (const auto& p : reader.metricSeries(metric)) values.push_back(p.value);
  if (values.size() < 2) return std::nullopt;
  Row row = ends(values, window);
  row.phase = -1;
  row.name = "run";
  return row;
}

PhaseProgress::Row PhaseProgress::ends(const std::vector<double>& values, int window) {
  const auto n = static_cast<int>(values.size());
  Row row;
  row.points = n;
  row.window = std::clamp(window, 1, n / 2);
  for (int i = 0; i < row.window; ++i) {
    row.first += values[static_cast<size_t>(i)];
    row.last += values[static_cast<size_t>(n - 1 - i)];
  }
  row.first /= row.window;
  row.last /= row.window;
  return row;
}

}  // namespace longrl::store
