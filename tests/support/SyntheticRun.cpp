#include "support/SyntheticRun.h"

#include <cmath>
#include <filesystem>
#include <random>

#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"

namespace longrl::test {

std::int64_t writeSyntheticRun(const std::string& runDir, const SyntheticRunOptions& o) {
  std::filesystem::create_directories(runDir);
  store::RunStoreWriter writer(store::RunStore::fileIn(runDir));
  store::RunInfo info;
  info.name = o.name;
  info.status = o.status;
  info.created_time = 1.7e9;
  info.updated_time = 1.7e9 + o.steps;
  writer.writeRun(info);
  const std::int64_t total = o.firstStep + o.steps;
  const std::int64_t perPhase = std::max<std::int64_t>(1, total / o.phases);
  for (int p = 0; p < o.phases; ++p) {
    store::PhaseInfo phase;
    phase.index = p;
    phase.name = "phase " + std::to_string(p + 1);
    phase.min_input_tokens = p == 0 ? 0 : 20000 * p;
    phase.max_input_tokens = 20000 * (p + 1);
    phase.max_output_tokens = 10000;
    phase.start_step = p * perPhase;
    phase.end_step = p + 1 < o.phases ? (p + 1) * perPhase - 1 : -1;
    phase.status = p + 1 < o.phases ? "done" : "running";
    writer.writePhase(phase);
  }
  std::mt19937 rng(o.seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::int64_t written = 0;
  auto put = [&](std::int64_t step, const char* name, double value) {
    store::MetricPoint m;
    m.step = step;
    m.phase = static_cast<int>(std::min<std::int64_t>(step / perPhase, o.phases - 1));
    m.name = name;
    m.value = value;
    m.wall_time = 1.7e9 + step * 42.0;
    writer.writeMetric(m);
    ++written;
  };
  for (std::int64_t s = o.firstStep; s < total; ++s) {
    const double t = static_cast<double>(s) / std::max<std::int64_t>(1, total);
    const double phaseDip = 0.08 * std::exp(-double(s % perPhase) / 15.0) * (s >= perPhase ? 1 : 0);
    const double mean = 0.25 + 0.45 * (1 - std::exp(-3 * t)) - phaseDip + 0.03 * noise(rng);
    put(s, "critic/score/mean", mean);
    put(s, "critic/score/min", std::max(0.0, mean - 0.25 - 0.05 * std::abs(noise(rng))));
    put(s, "critic/score/max", std::min(1.0, mean + 0.3 + 0.05 * std::abs(noise(rng))));
    put(s, "actor/entropy", 0.9 * std::exp(-1.5 * t) + 0.25 + 0.02 * noise(rng));
    put(s, "actor/kl_loss", 0.002 * t + 0.0004 * std::abs(noise(rng)));
    put(s, "actor/pg_clipfrac", 0.01 + 0.004 * std::abs(noise(rng)));
    put(s, "actor/grad_norm", 0.4 + 0.15 * std::abs(noise(rng)) + (s % 97 == 0 ? 2.0 : 0.0));
    put(s, "actor/lr", 2e-6);
    put(s, "response_length/mean", 900 + 1200 * t + 60 * noise(rng));
    put(s, "response_length/clip_ratio", std::max(0.0, 0.02 + 0.03 * t + 0.01 * noise(rng)));
    put(s, "perf/throughput", 1500 + 100 * noise(rng));
  }
  writer.flush();
  return written;
}

}  // namespace longrl::test
