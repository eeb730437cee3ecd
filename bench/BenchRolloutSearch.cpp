// Rollout search and sort figures on a run of 200,000 rollouts with ~3 KB responses (most stored
// zstd-compressed): full-text search inside SQL (RolloutQuery::response_contains) alone and with
// other filters, the cheap short-field search for comparison, and the browser's sorts with the
// schema v3 indexes and without them (dropped on a copy). Also rollout ingest with and without
// the indexes. Prints figures; not a test. Usage: benchrolloutsearch [ROLLOUTS] [PARENT]: the
// stores go in a fresh directory under PARENT (default $TMPDIR, else /tmp), removed however the
// bench ends.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "bench/BenchArgs.h"
#include "bench/TempDir.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"

using namespace longrl::store;
namespace fs = std::filesystem;

namespace {

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

const char* kIndexes[] = {"rollouts_by_step",      "rollouts_by_phase",  "rollouts_by_reward",
                          "rollouts_by_advantage", "rollouts_by_length", "examples_by_source"};

// Responses of ~3 KB of varied prose (zstd gets ~3x on it, as on real reasoning text), with a
// rare marker in one response of 1,000 and a common word in most.
std::string response(std::mt19937& rng, long i) {
  static const char* vocab[] = {"the",      "of",       "river",     "council", "ledger",  "harbour",   "revenue",
                                "treaty",   "signed",   "year",      "which",   "because", "therefore", "document",
                                "states",   "that",     "paragraph", "value",   "total",   "million",   "increase",
                                "compared", "previous", "quarter",   "wait",    "let",     "me",        "check",
                                "again",    "so",       "answer",    "is"};
  std::string s = "<think>";
  while (s.size() < 3000) {
    s += vocab[rng() % 32];
    s += rng() % 9 == 0 ? ". " : " ";
    if (rng() % 40 == 0) s += std::to_string(rng() % 100000) + ' ';
  }
  if (i % 1000 == 17) s += " the vault code is ZETA-" + std::to_string(i) + ' ';
  return s + "</think> Therefore, the answer is " + std::to_string(i % 7) + ".";
}

double writeRollouts(const std::string& path, long n, bool dropIndexes) {
  RunStoreWriter::Options o;
  o.maxBatch = 4096;
  o.maxBatchSeconds = 1e9;
  RunStoreWriter w(path, o);
  if (dropIndexes)
    for (const char* ix : kIndexes) w.db().exec(std::string("DROP INDEX IF EXISTS ") + ix);
  for (int e = 0; e < 1000; ++e)
    w.writeExample({"ex-" + std::to_string(e),
                    e % 4 == 0   ? "docmath"
                    : e % 4 == 1 ? "musique"
                    : e % 4 == 2 ? "multihoprag"
                                 : "long_toc_choices",
                    "question " + std::to_string(e), "a", 0, 0});
  std::mt19937 rng(1);
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    RolloutRecord r;
    r.step = i / 1024;
    r.phase = int(r.step * 3 / (n / 1024 + 1));
    r.group_idx = int((i / 8) % 128);
    r.sample_idx = int(i % 8);
    r.example_id = "ex-" + std::to_string((i / 8) % 1000);
    r.response = response(rng, i);
    r.answer = std::to_string(i % 7);
    r.reward = double(rng() % 1000) / 1000.0;
    r.advantage = r.reward - 0.5;
    r.rule_score = r.reward > 0.5 ? 1.0 : 0.0;
    r.length = 1000 + long(rng() % 9000);
    r.judge_verdict = i % 3 ? "no" : "";
    w.writeRollout(r);
  }
  w.flush();
  return seconds(t0);
}

template <class F> double best(F f, int reps = 3) {
  double b = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    b = std::min(b, seconds(t0));
  }
  return b * 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  long n = 200000;
  fs::path parent;
  longrl::bench::parseArgs(argc, argv, "[ROLLOUTS (default 200000)] [PARENT (default $TMPDIR)]",
                           [&](longrl::cli::ArgList& args) {
                             const auto p = longrl::bench::takePositionals(args, 2);
                             n = static_cast<long>(longrl::bench::positionalInt(p, 0, "ROLLOUTS", 1, 1000000000, n));
                             parent = longrl::bench::positionalParentDir(p, 1);
                           });
  const longrl::bench::TempDir temp("benchrolloutsearch", parent);
  const fs::path& dir = temp.path();
  const std::string indexed = RunStore::fileIn((dir / "indexed").string());
  const std::string bare = RunStore::fileIn((dir / "bare").string());
  std::printf("rollout search and sort: %ld rollouts, ~3 KB responses (dir %s)\n", n, dir.c_str());

  const double tIndexed = writeRollouts(indexed, n, false);
  const double tBare = writeRollouts(bare, n, true);
  std::printf("ingest: %.0f rollouts/s with the v3 indexes, %.0f rollouts/s without (%.1f%% slower)\n", n / tIndexed,
              n / tBare, 100.0 * (tIndexed / tBare - 1.0));
  {
    RunStoreReader rd(indexed);
    std::printf("responses stored compressed: %lld of %lld; file %.0f MB\n",
                static_cast<long long>(rd.db().scalar("SELECT count(*) FROM rollouts WHERE zflags & 1")),
                static_cast<long long>(rd.db().scalar("SELECT count(*) FROM rollouts")),
                double(fs::file_size(indexed)) / 1e6);
  }

  RunStoreReader rd(indexed);
  std::size_t found = 0;
  auto ids = [&](const RolloutQuery& q) { found = rd.rolloutIds(q).size(); };
  auto report = [&](const char* what, double ms) { std::printf("  %-58s %8.1f ms  (%zu rows)\n", what, ms, found); };

  std::printf("search (ordered id list, as the browser's count does; best of 3):\n");
  RolloutQuery q;
  q.response_contains = "vault code is zeta-1017";
  report("response_contains, 1 match (every response decompressed)", best([&] { ids(q); }));
  q.response_contains = "VAULT CODE";
  report("response_contains, 1 in 1,000 rows match", best([&] { ids(q); }));
  q.response_contains = "therefore";
  report("response_contains, nearly every row matches", best([&] { ids(q); }));
  q = {};
  q.response_contains = "vault code";
  q.phase = 1;
  report("response_contains + phase = 1", best([&] { ids(q); }));
  q = {};
  q.response_contains = "vault code";
  q.data_source = "musique";
  q.ranges.push_back({"reward", 0.5, std::nullopt});
  q.order_by = "reward";
  q.descending = true;
  report("response_contains + source + reward >= 0.5, by reward desc", best([&] { ids(q); }));
  q = {};
  q.response_contains = "vault code";
  q.order_by = "reward";
  q.descending = true;
  q.limit = 50;
  q.with_text = false;
  report("first page of 50 (LIMIT, by reward desc)", best([&] { found = rd.rollouts(q).size(); }));
  q = {};
  q.text = "question 17";
  report("text (answer/example/question/judge error, uncompressed)", best([&] { ids(q); }));

  std::printf("sort (ordered id list of every row; best of 3): with indexes | without\n");
  RunStoreReader rdBare(bare);
  for (const char* column : {"reward", "advantage", "length", "step", "phase"}) {
    RolloutQuery s;
    s.order_by = column;
    s.descending = true;
    const double a = best([&] { found = rd.rolloutIds(s).size(); });
    const double b = best([&] { found = rdBare.rolloutIds(s).size(); });
    RolloutQuery page = s;
    page.limit = 100;
    page.with_text = false;
    const double pa = best([&] { rd.rollouts(page); });
    const double pb = best([&] { rdBare.rollouts(page); });
    std::printf("  by %-10s desc: all ids %7.1f | %7.1f ms   first 100 rows %6.2f | %7.1f ms\n", column, a, b, pa, pb);
  }
  for (const char* source : {"musique"}) {
    RolloutQuery s;
    s.data_source = source;
    s.order_by = "reward";
    const double a = best([&] { found = rd.rolloutIds(s).size(); });
    const double b = best([&] { found = rdBare.rolloutIds(s).size(); });
    std::printf("  source = %s by reward:  %7.1f | %7.1f ms (%zu rows)\n", source, a, b, found);
  }
  return 0;
}
