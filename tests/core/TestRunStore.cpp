// Run store round trips, idempotent upserts, compression, SHA-256 vectors and error paths.
#include <QtTest/QtTest>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <sqlite3.h>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "core/store/Sha256.h"
#include "core/store/StoreError.h"
#include "support/TestPaths.h"

using namespace longrl::store;

namespace {

std::string storePath(const char* name) { return RunStore::fileIn(longrl::test::freshTempDir(name)); }

// Text that compresses well but is long: a document of repeated sentences with numbers.
std::string longText(int sentences) {
  std::string s;
  for (int i = 0; i < sentences; ++i)
    s += "Fact " + std::to_string(i) + ": the vault code is " + std::to_string(i * 7919 % 10007) + ".\n";
  return s;
}

// Counts rows with raw SQL so the test does not trust the reader it is testing.
long long rawCount(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  long long n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

RolloutRecord sampleRollout(long long step, const std::string& ex, int g, int s) {
  RolloutRecord r;
  r.step = step;
  r.phase = 1;
  r.example_id = ex;
  r.group_idx = g;
  r.sample_idx = s;
  r.prompt_tokens = 18000;
  r.response = "<think>" + longText(50) + "</think> Therefore, the answer is 42.";
  r.think_len = 700;
  r.answer = "42";
  r.rule_score = 0.0;
  r.judge_verdict = "yes";
  r.judge_raw = "Both answers say forty-two. [[YES]]";
  r.judge_prompt = "You are an expert in verifying if two answers are the same. " + longText(30);
  r.judge_error = "";
  r.reward = 1.0;
  r.advantage = 0.75;
  r.length = 812;
  r.truncated = true;
  r.mean_entropy = 0.31;
  r.wall_time = 1700000000.5;
  return r;
}

}  // namespace

class TestRunStore : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sha256KnownVectors() {
    // FIPS 180-2 / NIST examples.
    QCOMPARE(Sha256::hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QCOMPARE(Sha256::hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(Sha256::hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
             std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    QCOMPARE(Sha256::hex(std::string(1000000, 'a')),
             std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    // Incremental updates in odd pieces give the same digest as one call.
    const std::string text = longText(40);
    Sha256 s;
    for (std::size_t i = 0; i < text.size(); i += 37) s.update(text.substr(i, 37));
    const auto d = s.digest();
    char hex[65];
    for (int i = 0; i < 32; ++i) std::snprintf(hex + 2 * i, 3, "%02x", d[std::size_t(i)]);
    QCOMPARE(std::string(hex), Sha256::hex(text));
  }

  void roundTripsEveryRecord() {
    const auto path = storePath("roundtrip");
    std::int64_t docId = 0;
    const std::string docText = longText(400);
    {
      RunStoreWriter w(path);
      w.writeRun({"demo", "running", R"({"lr":2e-6})", "", 1700000000.0, 1700000100.0});
      w.writePhase({1, "phase-20k", 0, 20000, 10000, 0, -1, "running", 1700000000.0, 0.0});
      w.writeMetric({0, 3, 1, "critic/score/mean", 0.25, 1700000001.0});
      w.writeMetric({0, 4, 1, "critic/score/mean", std::nan(""), 1700000002.0});
      w.writeMetric({0, 4, 1, "actor/pg_loss", -0.5, 1700000002.0});
      docId = w.writeDocument({0, "", "Vault report", docText});
      w.writeExample({"musique_7", "musique", "What is the code?", "42", docId, 18000});
      auto r = sampleRollout(4, "musique_7", 0, 1);
      r.trajectory = R"([{"memory":"m1","plan":"p1"}])";
      w.writeRollout(r);
      w.writeRollout(sampleRollout(4, "musique_7", 0, 0));
      w.writeAnnotation({"musique_7", "hard", "needs two hops", "alice", 1700000200.0});
      w.writeDifficulty({"musique_7", 1, 0.125, 8});
      w.writeEvent({0, "checkpoint", R"({"path":"checkpoints/step-4"})", 1700000300.0});
    }
    RunStoreReader rd(path);
    QCOMPARE(rd.runs().size(), std::size_t(1));
    QCOMPARE(rd.runs()[0].config_json, std::string(R"({"lr":2e-6})"));
    QCOMPARE(rd.phases().at(0).max_input_tokens, 20000LL);
    QCOMPARE(rd.phases().at(0).end_step, -1LL);
    const auto metrics = rd.metricsAfter(0);
    QCOMPARE(metrics.size(), std::size_t(3));
    QCOMPARE(metrics[0].value, 0.25);
    QVERIFY(std::isnan(metrics[1].value));  // NaN survives (stored as NULL)
    QCOMPARE(rd.metricNames(), (std::vector<std::string>{"actor/pg_loss", "critic/score/mean"}));
    QCOMPARE(rd.lastMetric("critic/score/mean")->step, 4LL);
    QCOMPARE(rd.lastStep(), 4LL);
    const auto doc = rd.document(docId);
    QVERIFY(doc.has_value());
    QCOMPARE(doc->text, docText);
    QCOMPARE(doc->sha256, Sha256::hex(docText));
    QCOMPARE(rd.example("musique_7")->doc_id, docId);
    QVERIFY(!rd.example("nope").has_value());
    const auto rollouts = rd.rolloutsAfter(0);
    QCOMPARE(rollouts.size(), std::size_t(2));
    const auto expect = sampleRollout(4, "musique_7", 0, 1);
    QCOMPARE(rollouts[0].response, expect.response);
    QCOMPARE(rollouts[0].judge_prompt, expect.judge_prompt);
    QCOMPARE(rollouts[0].judge_raw, expect.judge_raw);
    QCOMPARE(rollouts[0].judge_verdict, std::string("yes"));
    QCOMPARE(rollouts[0].advantage, 0.75);
    QCOMPARE(rollouts[0].truncated, true);
    QCOMPARE(*rollouts[0].trajectory, std::string(R"([{"memory":"m1","plan":"p1"}])"));
    QVERIFY(!rollouts[1].trajectory.has_value());
    QCOMPARE(rd.annotations().at(0).note, std::string("needs two hops"));
    QCOMPARE(rd.difficulty(1).size(), std::size_t(1));
    QCOMPARE(rd.difficulty(2).size(), std::size_t(0));
    QCOMPARE(rd.difficulty().at(0).attempts, 8LL);
    QCOMPARE(rd.eventsAfter(0).at(0).kind, std::string("checkpoint"));
    // Long text is really compressed on disk, short text is not.
    QCOMPARE(rawCount(path, "SELECT zflags FROM documents"), 1LL);
    QVERIFY(rawCount(path, "SELECT length(text) FROM documents") < (long long)docText.size() / 3);
    QCOMPARE(rawCount(path, "SELECT zflags FROM rollouts WHERE sample_idx=1"), 1LL | 4LL);  // response + judge_prompt
  }

  void resentRecordsDoNotDuplicate() {
    const auto path = storePath("idempotent");
    {
      RunStoreWriter w(path);
      for (int pass = 0; pass < 2; ++pass) {  // a resumed trainer re-sends the same records
        for (int step = 0; step < 5; ++step) {
          w.writeMetric({0, step, 0, "actor/entropy", 1.0 + step + pass, 1.0});
          w.writeRollout(sampleRollout(step, "ex1", 0, 0));
        }
        w.writeDocument({0, "", "t", "same text"});
        w.writeAnnotation({"ex1", pass == 0 ? "hard" : "unsure", "", "alice", 1.0});
        w.writeDifficulty({"ex1", 0, 0.5, 8 + pass});
        w.writeExample({"ex1", "docmath", "q", "1", 0, 10});
      }
      w.writeAnnotation({"ex1", "hard", "", "bob", 2.0});
    }
    QCOMPARE(rawCount(path, "SELECT count(*) FROM metrics"), 5LL);
    QCOMPARE(rawCount(path, "SELECT count(*) FROM rollouts"), 5LL);
    QCOMPARE(rawCount(path, "SELECT count(*) FROM documents"), 1LL);
    QCOMPARE(rawCount(path, "SELECT count(*) FROM examples"), 1LL);
    QCOMPARE(rawCount(path, "SELECT count(*) FROM annotations"), 2LL);
    QCOMPARE(rawCount(path, "SELECT count(*) FROM difficulty"), 1LL);
    RunStoreReader rd(path);
    QCOMPARE(rd.metricSeries("actor/entropy").at(2).value, 4.0);  // the re-sent value wins
    QCOMPARE(rd.annotations().at(0).label, std::string("unsure"));
    QCOMPARE(rd.difficulty().at(0).attempts, 9LL);
  }

  void documentDedupReturnsSameId() {
    RunStoreWriter w(storePath("dedup"));
    const auto a = w.writeDocument({0, "", "A", longText(100)});
    const auto b = w.writeDocument({0, "", "B", "other"});
    QCOMPARE(w.writeDocument({0, "", "A again", longText(100)}), a);
    QVERIFY(a != b);
    QVERIFY_THROWS_EXCEPTION(StoreError, w.writeDocument({0, std::string(64, '0'), "bad", "text"}));
  }

  void removeAnnotationRemovesOnlyThatLabel() {
    const auto path = storePath("remove-annotation");
    {
      RunStoreWriter w(path);
      w.writeAnnotation({"ex1", "hard", "", "alice", 1.0});
      w.writeAnnotation({"ex1", "unsure", "", "bob", 2.0});
      w.writeAnnotation({"ex2", "not_hard", "", "alice", 3.0});
      w.flush();
      w.removeAnnotation("ex1", "alice");
      w.removeAnnotation("ex9", "alice");                                 // none: nothing happens
      QCOMPARE(rawCount(path, "SELECT count(*) FROM annotations"), 3LL);  // not committed yet
      w.flush();
    }
    QCOMPARE(rawCount(path, "SELECT count(*) FROM annotations"), 2LL);
    RunStoreReader rd(path);
    const auto left = rd.annotations();
    QCOMPARE(left.size(), std::size_t(2));
    QCOMPARE(left[0].author + "/" + left[0].example_id, std::string("bob/ex1"));
    QCOMPARE(left[1].author + "/" + left[1].example_id, std::string("alice/ex2"));
  }

  void batchesCommitByCount() {
    const auto path = storePath("batch");
    RunStoreWriter::Options o;
    o.maxBatch = 10;
    o.maxBatchSeconds = 1e9;
    RunStoreWriter w(path, o);
    for (int i = 0; i < 25; ++i) w.writeMetric({0, i, 0, "m", double(i), 0.0});
    QCOMPARE(w.pending(), std::size_t(5));
    RunStoreReader rd(path);
    QCOMPARE(rd.metricsAfter(0).size(), std::size_t(20));  // the open batch is invisible
    w.flush();
    QCOMPARE(rd.metricsAfter(0).size(), std::size_t(25));
  }

  void flushIfDueCommitsOldBatches() {
    const auto path = storePath("due");
    RunStoreWriter::Options o;
    o.maxBatchSeconds = 0.05;
    RunStoreWriter w(path, o);
    w.writeMetric({0, 1, 0, "m", 1.0, 0.0});
    RunStoreReader rd(path);
    w.flushIfDue();  // too young
    QCOMPARE(rd.metricsAfter(0).size(), std::size_t(0));
    QTest::qSleep(80);
    w.flushIfDue();
    QCOMPARE(rd.metricsAfter(0).size(), std::size_t(1));
  }

  void usesWalMode() {
    const auto path = storePath("wal");
    { RunStoreWriter w(path); }
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
    QCOMPARE(sqlite3_step(st), SQLITE_ROW);
    QCOMPARE(QString(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))), QString("wal"));
    sqlite3_finalize(st);
    sqlite3_close(db);
  }

  // A follower polls for run.sqlite while the trainer creates it: the file must never be
  // visible without its schema (the ssh mirror test once caught "empty database" here).
  void aNewStoreIsNeverSeenWithoutItsSchema() {
    const auto dir = longrl::test::freshTempDir("appear");
    constexpr int kStores = 60;
    std::atomic<bool> done{false};
    std::string failure;
    int opened = 0;
    std::thread reader([&] {
      int next = 0;
      while (next < kStores && !done) {
        const std::string path = dir + "/s" + std::to_string(next) + ".sqlite";
        if (!std::filesystem::exists(path)) {
          std::this_thread::yield();
          continue;
        }
        try {
          RunStoreReader r(path);
          ++opened;
        } catch (const StoreError& e) {
          if (failure.empty()) failure = e.what();
        }
        ++next;
      }
    });
    for (int i = 0; i < kStores; ++i) {
      RunStoreWriter w(dir + "/s" + std::to_string(i) + ".sqlite");
    }
    done = true;
    reader.join();
    QVERIFY2(failure.empty(), failure.c_str());
    QVERIFY(opened > 0);
    for (const auto& e : std::filesystem::directory_iterator(dir))  // no private files left behind
      QVERIFY2(e.path().string().find(".creating-") == std::string::npos, e.path().c_str());
    // Opening an existing store for writing keeps what it holds.
    const std::string kept = dir + "/s0.sqlite";
    {
      RunStoreWriter w(kept);
      RunInfo run;
      run.name = "kept";
      w.writeRun(run);
      w.flush();
    }
    { RunStoreWriter again(kept); }
    QCOMPARE(RunStoreReader(kept).runs().size(), size_t(1));
  }

  void rolloutPagesFilterAndSort() {
    const auto path = storePath("pages");
    {
      RunStoreWriter w(path);
      for (int step = 0; step < 3; ++step)
        for (int s = 0; s < 4; ++s) {
          auto r = sampleRollout(step, "ex" + std::to_string(s % 2), 0, s);
          r.reward = step * 10 + s;
          r.judge_verdict = s == 3 ? "error" : "no";
          w.writeRollout(r);
        }
    }
    RunStoreReader rd(path);
    RolloutQuery q;
    q.step = 1;
    q.order_by = "reward";
    q.descending = true;
    q.limit = 2;
    auto page = rd.rollouts(q);
    QCOMPARE(page.size(), std::size_t(2));
    QCOMPARE(page[0].reward, 13.0);
    QCOMPARE(page[1].reward, 12.0);
    q.offset = 2;
    QCOMPARE(rd.rollouts(q).at(0).reward, 11.0);
    QCOMPARE(rd.rolloutCount(q), 4LL);
    RolloutQuery errors;
    errors.judge_verdict = "error";
    QCOMPARE(rd.rolloutCount(errors), 3LL);
    RolloutQuery ex;
    ex.example_id = "ex1";
    QCOMPARE(rd.rolloutCount(ex), 6LL);
    RolloutQuery bad;
    bad.order_by = "reward; DROP TABLE rollouts";
    QVERIFY_THROWS_EXCEPTION(StoreError, rd.rollouts(bad));
    QCOMPARE(rd.rollout(page[0].id)->sample_idx, 3);
  }

  void corruptFileIsAClearError() {
    const auto dir = longrl::test::freshTempDir("corrupt");
    const auto path = RunStore::fileIn(dir);
    {
      std::ofstream f(path, std::ios::binary);
      std::mt19937 rng(7);
      for (int i = 0; i < 8192; ++i) f.put(char(rng()));
    }
    for (int writer = 0; writer < 2; ++writer) {
      try {
        if (writer) RunStoreWriter w(path);
        else RunStoreReader r(path);
        QFAIL("opening a corrupt file must throw");
      } catch (const StoreError& e) {
        const std::string what = e.what();
        QVERIFY2(what.find(path) != std::string::npos, e.what());
        QVERIFY2(what.find("not a longrl run store") != std::string::npos, e.what());
      }
    }
  }

  void foreignSqliteAndMissingFileAreErrors() {
    const auto dir = longrl::test::freshTempDir("foreign");
    const auto path = dir + "/other.sqlite";
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1);", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    QVERIFY_THROWS_EXCEPTION(StoreError, RunStoreWriter{path});
    try {
      RunStoreReader r(dir + "/missing.sqlite");
      QFAIL("missing file must throw");
    } catch (const StoreError& e) {
      QVERIFY(std::string(e.what()).find("missing.sqlite") != std::string::npos);
    }
  }
};

QTEST_APPLESS_MAIN(TestRunStore)
#include "TestRunStore.moc"
