// Run-store ingest throughput: metric rows per second written in batched transactions (the
// trainer's and the event decoder's path), plus rollouts/s and event-stream decode rate.
// Prints figures; not a test. Usage: benchstoreingest [ROWS] [PARENT]: the stores go in a fresh
// directory under PARENT (default $TMPDIR, else /tmp), removed however the bench ends.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/BenchArgs.h"
#include "bench/TempDir.h"
#include "core/store/EventEncoder.h"
#include "core/store/EventStreamDecoder.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"

using namespace longrl::store;
namespace fs = std::filesystem;

namespace {

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// verl-like metric names: ~40 per step.
std::vector<std::string> metricNames() {
  std::vector<std::string> n = {"actor/pg_loss",   "actor/pg_clipfrac",  "actor/ppo_kl",
                                "actor/entropy",   "actor/grad_norm",    "actor/lr",
                                "perf/throughput", "perf/time_per_step", "train/num_gen_batches"};
  for (const char* g : {"critic/score", "critic/rewards", "critic/advantages", "response_length", "prompt_length"})
    for (const char* s : {"mean", "max", "min"}) n.push_back(std::string(g) + "/" + s);
  for (const char* t : {"gen", "reward", "old_log_prob", "ref", "adv", "update_actor", "step"})
    n.push_back(std::string("timing_s/") + t);
  while (n.size() < 40) n.push_back("val-core/task" + std::to_string(n.size()) + "/acc/mean@8");
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  long rows = 1000000;
  fs::path parent;
  longrl::bench::parseArgs(argc, argv, "[ROWS (default 1000000)] [PARENT (default $TMPDIR)]",
                           [&](longrl::cli::ArgList& args) {
                             const auto p = longrl::bench::takePositionals(args, 2);
                             rows = static_cast<long>(longrl::bench::positionalInt(p, 0, "ROWS", 1, 1000000000, rows));
                             parent = longrl::bench::positionalParentDir(p, 1);
                           });
  const longrl::bench::TempDir temp("benchstoreingest", parent);
  const fs::path& dir = temp.path();
  const auto names = metricNames();
  std::printf("run store ingest (%ld metric rows, %zu names/step, dir %s)\n", rows, names.size(), dir.c_str());

  for (std::size_t batch : {std::size_t(256), std::size_t(4096), std::size_t(65536)}) {
    const std::string path = (dir / ("metrics-" + std::to_string(batch) + ".sqlite")).string();
    RunStoreWriter::Options o;
    o.maxBatch = batch;
    o.maxBatchSeconds = 1e9;
    RunStoreWriter w(path, o);
    MetricPoint m;
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    for (long i = 0; i < rows; ++i) {
      m.step = i / long(names.size());
      m.name = names[std::size_t(i) % names.size()];
      m.value = 0.001 * double(i % 997);
      m.wall_time = 1.7e9 + double(m.step);
      w.writeMetric(m);
    }
    w.flush();
    const double s = seconds(t0);
    const double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
    // The CPU figure is what an unloaded core would reach; wall time includes other processes.
    std::printf("  metrics, batch %6zu: %10.0f rows/s wall, %10.0f rows/s per CPU-second (%.2f s wall, %.2f s CPU)\n",
                batch, rows / s, rows / cpu, s, cpu);
  }

  {
    const std::string path = (dir / "rollouts.sqlite").string();
    RunStoreWriter w(path);
    RolloutRecord r;
    r.example_id = "musique_1";
    std::string resp;
    while (resp.size() < 6000)
      resp += "Step " + std::to_string(resp.size()) + ": the document says the bridge opened in 1932. ";
    const long n = 20000;
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) {
      r.step = i / 1024;
      r.group_idx = int(i % 1024 / 8);
      r.sample_idx = int(i % 8);
      r.response = resp + std::to_string(i);
      w.writeRollout(r);
    }
    w.flush();
    const double s = seconds(t0);
    std::printf("  rollouts (6 KB response, zstd): %8.0f rows/s\n", n / s);
  }

  {
    std::string stream;
    const long n = std::min(rows, 500000L);
    for (long i = 0; i < n; ++i)
      stream += EventEncoder::encode(
          MetricPoint{0, i / long(names.size()), 0, names[std::size_t(i) % names.size()], 0.5, 1.7e9});
    RunStoreWriter w((dir / "decoded.sqlite").string());
    EventStreamDecoder dec(w);
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < stream.size(); i += 65536) dec.feed(std::string_view(stream).substr(i, 65536));
    dec.finish();
    const double s = seconds(t0);
    std::printf("  event stream decode -> store: %8.0f metric lines/s (%.1f MB/s)\n", n / s, stream.size() / s / 1e6);
  }
  return 0;
}
