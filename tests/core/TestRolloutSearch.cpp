// Rollout search and indexes: RolloutQuery::response_contains finds text in zstd-compressed and
// plain responses inside SQL (with every other filter, sort and page), and the browser's sorts
// are served by the schema v3 indexes.
#include <QtTest/QtTest>

#include <algorithm>
#include <random>
#include <set>

#include <sqlite3.h>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "core/store/StoreError.h"
#include "support/RawSql.h"
#include "support/TestPaths.h"

using namespace longrl::store;

namespace {

void execRaw(const std::string& path, const std::string& sql) { longrl::test::execRawSql(path, sql); }

// Filler prose: long enough (and repetitive enough) to be stored compressed.
std::string filler(std::mt19937& rng, int words) {
  static const char* vocab[] = {"river", "council", "ledger", "harbour", "revenue", "treaty", "the", "of", "and", "in"};
  std::string s;
  for (int i = 0; i < words; ++i) s += std::string(vocab[rng() % 10]) + ' ';
  return s;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + " | ";
  return s;
}

}  // namespace

class TestRolloutSearch : public QObject {
  Q_OBJECT
  std::string path_;
  std::vector<RolloutRecord> written_;  // what was written, with the ids the store gave them

 private Q_SLOTS:
  void initTestCase() {
    path_ = RunStore::fileIn(longrl::test::freshTempDir("rollout-search"));
    std::mt19937 rng(17);
    {
      RunStoreWriter w(path_);
      w.writeExample({"ex-a", "docmath", "What is the revenue?", "7", 0, 100});
      w.writeExample({"ex-b", "musique", "Who signed the treaty?", "Ann", 0, 100});
      for (int i = 0; i < 300; ++i) {
        RolloutRecord r;
        r.step = i / 30;
        r.phase = i < 150 ? 0 : 1;
        r.example_id = i % 2 ? "ex-b" : "ex-a";
        r.group_idx = (i / 6) % 5;
        r.sample_idx = i % 6;
        // Every 7th response hides the phrase in mixed case, at the start, the middle or the end;
        // every 3rd response is short, so it is stored plain.
        const bool hit = i % 7 == 0;
        const bool shortOne = i % 3 == 0;
        std::string body = shortOne ? filler(rng, 8) : filler(rng, 400);
        if (hit) {
          const std::size_t at = (i / 7) % 3 == 0 ? 0 : (i / 7) % 3 == 1 ? body.size() / 2 : body.size();
          body.insert(at, " the Vault Code is Zeta-9 ");
        }
        r.response = "<think>" + body + "</think> Therefore, the answer is " + std::to_string(i % 5) + ".";
        r.answer = std::to_string(i % 5);
        r.reward = double((i * 37) % 101) / 100.0;
        r.advantage = r.reward - 0.5;
        r.length = 100 + (i * 13) % 900;
        r.judge_verdict = i % 4 ? "no" : "yes";
        w.writeRollout(r);
        written_.push_back(r);
      }
      // Non-ASCII text is matched byte for byte (only ASCII letters fold).
      RolloutRecord u = written_.back();
      u.step = 99;
      u.response = "<think>" + filler(rng, 300) + " Müller ordered a café au lait.</think> answer";
      w.writeRollout(u);
      written_.push_back(u);
    }
    RunStoreReader rd(path_);
    std::vector<RolloutRecord> back;
    for (std::int64_t after = 0;;) {
      auto page = rd.rolloutsAfter(after, 1000);
      if (page.empty()) break;
      after = page.back().id;
      back.insert(back.end(), page.begin(), page.end());
    }
    QCOMPARE(back.size(), written_.size());
    for (std::size_t i = 0; i < back.size(); ++i) written_[i].id = back[i].id;
    // Both storage forms take part, or the test would not show anything.
    QVERIFY(rd.db().scalar("SELECT count(*) FROM rollouts WHERE zflags & 1") > 100);
    QVERIFY(rd.db().scalar("SELECT count(*) FROM rollouts WHERE (zflags & 1) = 0") > 50);
  }

  void findsTextInCompressedAndPlainResponses() {
    RunStoreReader rd(path_);
    auto expected = [&](const std::string& needle, auto extra) {
      std::vector<std::int64_t> ids;
      std::string n = needle;
      std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      for (const auto& r : written_) {
        std::string t = r.response;
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        if (t.find(n) != std::string::npos && extra(r)) ids.push_back(r.id);
      }
      return ids;
    };
    auto any = [](const RolloutRecord&) { return true; };

    RolloutQuery q;
    q.response_contains = "vault code is ZETA-9";  // case differs from the stored text
    const auto hits = rd.rolloutIds(q);
    QCOMPARE(hits, expected("vault code is zeta-9", any));
    QCOMPARE(hits.size(), std::size_t(43));  // i % 7 == 0 for i < 300
    QCOMPARE(rd.rolloutCount(q), std::int64_t(hits.size()));
    bool compressedHit = false, plainHit = false;
    for (auto id : hits) {
      auto st = rd.db().query("SELECT zflags & 1 FROM rollouts WHERE id = ?1");
      st->bind(1, id);
      QVERIFY(st->step());
      (st->int64(0) ? compressedHit : plainHit) = true;
    }
    QVERIFY(compressedHit && plainHit);

    // Combined with the other filters, a sort and a page.
    q.phase = 1;
    q.judge_verdict = "no";
    q.ranges.push_back({"reward", 0.2, std::nullopt});
    q.order_by = "reward";
    q.descending = true;
    auto want = expected("vault code is zeta-9", [](const RolloutRecord& r) {
      return r.phase == 1 && r.judge_verdict == "no" && r.reward >= 0.2;
    });
    std::map<std::int64_t, double> reward;
    for (const auto& r : written_) reward[r.id] = r.reward;
    std::sort(want.begin(), want.end(),
              [&](auto a, auto b) { return reward[a] != reward[b] ? reward[a] > reward[b] : a > b; });
    QVERIFY(want.size() >= 5);
    QCOMPARE(rd.rolloutIds(q), want);
    q.limit = 2;
    q.offset = 1;
    const auto page = rd.rollouts(q);
    QCOMPARE(page.size(), std::size_t(2));
    QCOMPARE(page[0].id, want[1]);
    QVERIFY(page[0].response.find("Vault Code is Zeta-9") != std::string::npos);
    QCOMPARE(rd.rolloutCount(q), std::int64_t(want.size()));

    // With data_source, and with the cheap text filter (both must hold).
    RolloutQuery both;
    both.response_contains = "zeta-9";
    both.data_source = "musique";
    QCOMPARE(rd.rolloutIds(both), expected("zeta-9", [](const RolloutRecord& r) { return r.example_id == "ex-b"; }));
    both.text = "TREATY";  // the question of ex-b
    QCOMPARE(rd.rolloutIds(both).size(),
             expected("zeta-9", [](const RolloutRecord& r) { return r.example_id == "ex-b"; }).size());
    both.text = "revenue";  // the question of ex-a only
    QVERIFY(rd.rolloutIds(both).empty());

    // No match, non-ASCII, and the empty needle.
    RolloutQuery none;
    none.response_contains = "zeta-10";
    QCOMPARE(rd.rolloutCount(none), 0LL);
    RolloutQuery accents;
    accents.response_contains = "MÜLLER ordered a CAFÉ";  // ü/é do not fold: no match
    QCOMPARE(rd.rolloutCount(accents), 0LL);
    accents.response_contains = "müller ORDERED a café";
    QCOMPARE(rd.rolloutIds(accents), (std::vector<std::int64_t>{written_.back().id}));
    RolloutQuery empty;
    empty.response_contains = "";
    QCOMPARE(rd.rolloutCount(empty), std::int64_t(written_.size()));
  }

  void damagedCompressedResponseIsAClearError() {
    const auto path = RunStore::fileIn(longrl::test::freshTempDir("rollout-search-damaged"));
    std::int64_t id = 0;
    {
      RunStoreWriter w(path);
      RolloutRecord r;
      r.example_id = "ex";
      r.response = std::string(4000, 'x');
      w.writeRollout(r);
      w.flush();
      id = w.db().scalar("SELECT id FROM rollouts WHERE zflags & 1");
      QVERIFY(id > 0);
    }
    execRaw(path, "UPDATE rollouts SET response = X'28B52FFD0000' WHERE id = " + std::to_string(id));
    RunStoreReader rd(path);
    RolloutQuery q;
    q.response_contains = "x";
    try {
      rd.rolloutIds(q);
      QFAIL("a damaged frame must not be skipped silently");
    } catch (const StoreError& e) {
      const std::string what = e.what();
      QVERIFY2(what.find(path) != std::string::npos, e.what());
      QVERIFY2(what.find("damaged") != std::string::npos, e.what());
      QVERIFY2(what.find("row " + std::to_string(id)) != std::string::npos, e.what());
    }
  }

  // The browser's sorts walk an index instead of sorting every row.
  void sortsAndFiltersUseIndexes() {
    RunStoreReader rd(path_);
    const std::pair<const char*, const char*> sorted[] = {{"reward", "rollouts_by_reward"},
                                                          {"advantage", "rollouts_by_advantage"},
                                                          {"length", "rollouts_by_length"},
                                                          {"step", "rollouts_by_step"},
                                                          {"phase", "rollouts_by_phase"}};
    for (const auto& [column, index] : sorted)
      for (bool descending : {false, true}) {
        RolloutQuery q;
        q.order_by = column;
        q.descending = descending;
        const std::string plan = joined(rd.rolloutIdsPlan(q));
        QVERIFY2(plan.find(index) != std::string::npos, plan.c_str());
        QVERIFY2(plan.find("TEMP B-TREE") == std::string::npos, plan.c_str());
      }
    // The sort stays an index walk when the (compressed) text search is added.
    RolloutQuery q;
    q.order_by = "reward";
    q.descending = true;
    q.response_contains = "zeta";
    std::string plan = joined(rd.rolloutIdsPlan(q));
    QVERIFY2(plan.find("rollouts_by_reward") != std::string::npos && plan.find("TEMP B-TREE") == std::string::npos,
             plan.c_str());
    // Filters by step and data source are index searches.
    q = {};
    q.step = 3;
    plan = joined(rd.rolloutIdsPlan(q));
    QVERIFY2(plan.find("SEARCH rollouts USING") != std::string::npos, plan.c_str());
    q = {};
    q.data_source = "docmath";
    plan = joined(rd.rolloutIdsPlan(q));
    QVERIFY2(plan.find("examples_by_source") != std::string::npos, plan.c_str());
    // An unindexed sort still works (and the plan says it sorts).
    q = {};
    q.order_by = "mean_entropy";
    plan = joined(rd.rolloutIdsPlan(q));
    QVERIFY2(plan.find("TEMP B-TREE") != std::string::npos, plan.c_str());
  }
};

QTEST_APPLESS_MAIN(TestRolloutSearch)
#include "TestRolloutSearch.moc"
