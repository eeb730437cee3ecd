// Schema versions: v1 and v2 files (written here with raw SQL, as older longrl wrote them) upgrade
// to the current schema and keep their rows; a newer file is refused with a clear error.
#include <QtTest/QtTest>

#include <map>
#include <set>

#include <sqlite3.h>

#include "core/store/RecordSql.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreSchema.h"
#include "core/store/RunStoreWriter.h"
#include "core/store/StoreError.h"
#include "core/store/TextCodec.h"
#include "support/RawSql.h"
#include "support/TestPaths.h"

using namespace longrl::store;

namespace {

// The v1 schema, copied here on purpose: the test must not derive it from the code under test.
const char* kV1 = R"sql(
CREATE TABLE schema_version(version INTEGER NOT NULL);
INSERT INTO schema_version(version) VALUES (1);
CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, status TEXT NOT NULL DEFAULT '',
  config_json TEXT NOT NULL DEFAULT '', host TEXT NOT NULL DEFAULT '',
  created_time REAL NOT NULL DEFAULT 0, updated_time REAL NOT NULL DEFAULT 0);
CREATE TABLE phases(idx INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '',
  min_input_tokens INTEGER NOT NULL DEFAULT 0, max_input_tokens INTEGER NOT NULL DEFAULT 0,
  max_output_tokens INTEGER NOT NULL DEFAULT 0, start_step INTEGER NOT NULL DEFAULT 0,
  end_step INTEGER NOT NULL DEFAULT -1, status TEXT NOT NULL DEFAULT '',
  start_time REAL NOT NULL DEFAULT 0, end_time REAL NOT NULL DEFAULT 0);
CREATE TABLE metrics(id INTEGER PRIMARY KEY, step INTEGER NOT NULL, phase INTEGER NOT NULL,
  name TEXT NOT NULL, value REAL, wall_time REAL NOT NULL, UNIQUE(name, step));
CREATE TABLE documents(id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, title TEXT NOT NULL DEFAULT '',
  text BLOB NOT NULL, text_bytes INTEGER NOT NULL, zflags INTEGER NOT NULL DEFAULT 0);
CREATE TABLE examples(id TEXT PRIMARY KEY, data_source TEXT NOT NULL, question TEXT NOT NULL,
  ground_truth TEXT NOT NULL, doc_id INTEGER NOT NULL DEFAULT 0, input_tokens INTEGER NOT NULL DEFAULT 0);
CREATE TABLE rollouts(id INTEGER PRIMARY KEY, step INTEGER NOT NULL, phase INTEGER NOT NULL,
  example_id TEXT NOT NULL, group_idx INTEGER NOT NULL, sample_idx INTEGER NOT NULL,
  prompt_tokens INTEGER NOT NULL, response BLOB NOT NULL, think_len INTEGER NOT NULL,
  answer TEXT NOT NULL, rule_score REAL, judge_verdict TEXT NOT NULL, judge_raw BLOB NOT NULL,
  judge_prompt BLOB NOT NULL, judge_error TEXT NOT NULL, reward REAL, advantage REAL,
  length INTEGER NOT NULL, truncated INTEGER NOT NULL, mean_entropy REAL, wall_time REAL NOT NULL,
  zflags INTEGER NOT NULL DEFAULT 0, UNIQUE(step, example_id, group_idx, sample_idx));
CREATE INDEX rollouts_by_example ON rollouts(example_id, step);
CREATE TABLE annotations(id INTEGER PRIMARY KEY, example_id TEXT NOT NULL, label TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '', author TEXT NOT NULL, time REAL NOT NULL, UNIQUE(example_id, author));
CREATE TABLE difficulty(example_id TEXT NOT NULL, phase INTEGER NOT NULL, mean_reward REAL,
  attempts INTEGER NOT NULL, PRIMARY KEY(example_id, phase));
CREATE TABLE events(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, time REAL NOT NULL);
INSERT INTO runs(name, status, created_time) VALUES ('old-run', 'finished', 1600000000);
INSERT INTO metrics(step, phase, name, value, wall_time) VALUES (1, 0, 'critic/score/mean', 0.5, 1.0),
  (2, 0, 'critic/score/mean', 0.625, 2.0);
INSERT INTO rollouts(step, phase, example_id, group_idx, sample_idx, prompt_tokens, response, think_len,
  answer, rule_score, judge_verdict, judge_raw, judge_prompt, judge_error, reward, advantage, length,
  truncated, mean_entropy, wall_time, zflags)
  VALUES (2, 0, 'ex9', 0, 0, 100, 'the answer is 7', 3, '7', 1, '', '', '', '', 1, 0.5, 9, 0, 0.2, 2.0, 0);
)sql";

// What v2 added to v1, copied for the same reason.
const char* kV1ToV2 = R"sql(
ALTER TABLE rollouts ADD COLUMN trajectory BLOB;
CREATE INDEX annotations_by_label ON annotations(label);
UPDATE schema_version SET version = 2;
)sql";

// The indexes v3 adds (names are what the reader's query plans rely on).
const char* kV3Indexes[] = {"rollouts_by_step",      "rollouts_by_phase",  "rollouts_by_reward",
                            "rollouts_by_advantage", "rollouts_by_length", "examples_by_source"};

void execRaw(const std::string& path, const std::string& sql) { longrl::test::execRawSql(path, sql); }

// Columns of the tables that are in no record's field list.
const std::set<std::string> kUnlisted = {"runs.id", "annotations.id", "documents.text_bytes"};

// The table of R as the migrations built it, against R's field list: the same columns, with the
// declared type and NULL-ability the list derives from each member (a field added to a list
// without its migration fails here). Returns the first difference, "" when there is none.
template <class R> std::string schemaDifference(SqliteDb& db) {
  struct Declared {
    std::string type;
    bool notNull, primaryKey;
  };
  std::map<std::string, Declared> table;
  auto q = db.query(std::string("SELECT name, type, \"notnull\", pk FROM pragma_table_info('") + R::kTable + "')");
  while (q->step()) table[q->text(0)] = {q->text(1), q->int64(2) != 0, q->int64(3) != 0};
  for (const auto& c : RecordSql<R>::columns()) {
    const std::string where = std::string(R::kTable) + "." + c.name;
    auto it = table.find(c.name);
    if (it == table.end()) return where + ": listed, but not in the table (a migration is missing)";
    if (it->second.type != c.type) return where + ": declared " + it->second.type + ", listed as " + c.type;
    // A primary key column's NOT NULL is implied, not declared.
    if (!it->second.primaryKey && it->second.notNull != c.notNull)
      return where + (c.notNull ? ": NULL allowed, listed as NOT NULL" : ": NOT NULL, listed as nullable");
    table.erase(it);
  }
  for (const auto& [name, declared] : table)
    if (!kUnlisted.count(std::string(R::kTable) + "." + name))
      return std::string(R::kTable) + "." + name + ": in no list";
  return {};
}

std::string schemaDifferences(SqliteDb& db) {
  std::string all;
  for (const std::string& d :
       {schemaDifference<RunInfo>(db), schemaDifference<PhaseInfo>(db), schemaDifference<MetricPoint>(db),
        schemaDifference<DocumentRecord>(db), schemaDifference<ExampleRecord>(db), schemaDifference<RolloutRecord>(db),
        schemaDifference<AnnotationRecord>(db), schemaDifference<DifficultyRecord>(db),
        schemaDifference<EventRecord>(db), schemaDifference<RolloutBehaviorRecord>(db)})
    if (!d.empty()) all += d + "\n";
  return all;
}

}  // namespace

class TestRunStoreMigration : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void v1UpgradesAndKeepsRows() {
    const auto path = RunStore::fileIn(longrl::test::freshTempDir("v1"));
    execRaw(path, kV1);
    // A reader alone never migrates: it says what to do.
    try {
      RunStoreReader r(path);
      QFAIL("an old file must not open read-only");
    } catch (const StoreError& e) {
      QVERIFY2(std::string(e.what()).find("old schema version 1") != std::string::npos, e.what());
    }
    {
      RunStoreWriter w(path);
      QCOMPARE(w.db().scalar("SELECT version FROM schema_version"), std::int64_t(RunStoreSchema::kCurrentVersion));
      QCOMPARE(w.db().scalar("SELECT count(*) FROM schema_version"), 1LL);
      RolloutRecord r;
      r.step = 3;
      r.example_id = "ex9";
      r.trajectory = R"([{"chunk":0}])";  // the column v2 added
      w.writeRollout(r);
    }
    RunStoreReader rd(path);
    QCOMPARE(rd.runs().at(0).name, std::string("old-run"));
    const auto m = rd.metricSeries("critic/score/mean");
    QCOMPARE(m.size(), std::size_t(2));
    QCOMPARE(m[1].value, 0.625);
    const auto rollouts = rd.rolloutsAfter(0);
    QCOMPARE(rollouts.size(), std::size_t(2));
    QCOMPARE(rollouts[0].response, std::string("the answer is 7"));
    QVERIFY(!rollouts[0].trajectory.has_value());
    QCOMPARE(*rollouts[1].trajectory, std::string(R"([{"chunk":0}])"));
    // Re-opening an up-to-date file changes nothing.
    { RunStoreWriter again(path); }
    RunStoreReader rd2(path);
    QCOMPARE(rd2.rolloutsAfter(0).size(), std::size_t(2));
  }

  void v2UpgradesToIndexedV3AndKeepsRows() {
    const auto path = RunStore::fileIn(longrl::test::freshTempDir("v2"));
    execRaw(path, kV1);
    execRaw(path, kV1ToV2);
    // A v2 file with a compressed response, a trajectory and examples of two sources.
    const std::string longResponse = "<think>" + std::string(3000, 'r') + " secret phrase </think> 7";
    const auto packed = TextCodec::pack(longResponse);
    QVERIFY(packed.compressed);
    std::string hex;
    for (unsigned char c : packed.bytes) hex += QString::asprintf("%02X", c).toStdString();
    execRaw(path, R"sql(
INSERT INTO examples(id, data_source, question, ground_truth) VALUES ('ex9', 'docmath', 'q9', '7'),
  ('ex10', 'musique', 'q10', 'Ann');
INSERT INTO rollouts(step, phase, example_id, group_idx, sample_idx, prompt_tokens, response, think_len,
  answer, rule_score, judge_verdict, judge_raw, judge_prompt, judge_error, reward, advantage, length,
  truncated, mean_entropy, wall_time, zflags, trajectory)
  VALUES (3, 1, 'ex10', 0, 0, 100, X')sql" +
                      hex + R"sql(', 3, '7', 0, 'no', '', '', '', -0.25, -1, 900, 1, 0.4, 3.0, 1,
  '[{"chunk":1}]');
)sql");
    QCOMPARE(RunStoreSchema::kCurrentVersion, 5);
    {
      // v3 only added indexes (and v4, v5 tables of their own): a viewer (which never migrates) still reads a v2 file,
      // and its queries work, only without the indexes.
      RunStoreReader r(path);
      QCOMPARE(r.rolloutsAfter(0).size(), std::size_t(2));
      QVERIFY(r.rolloutBehaviors(r.rolloutsAfter(0).at(0)).empty());  // no v5 table: none
      RolloutQuery q;
      q.order_by = "reward";
      q.response_contains = "secret phrase";
      QCOMPARE(r.rolloutIds(q).size(), std::size_t(1));
      std::string plan;
      for (const auto& line : r.rolloutIdsPlan(q)) plan += line + " | ";
      QVERIFY2(plan.find("rollouts_by_reward") == std::string::npos, plan.c_str());
      // Behaviour columns read as NULL without the v5 table: sorted by id, filtered out.
      RolloutQuery b;
      b.order_by = "behavior.subgoal";
      b.descending = true;
      QCOMPARE(r.rolloutIds(b), (std::vector<std::int64_t>{2, 1}));
      b.ranges.push_back({"behavior.grounding_share", 0.1, std::nullopt});
      QVERIFY(r.rolloutIds(b).empty());
      QCOMPARE(r.rolloutCount(b), std::int64_t(0));
      QVERIFY(!r.latestBehaviors({1, 2}, "rule").at(0));
      QVERIFY(r.behaviorClassifiers().empty());
    }
    auto indexCount = [](RunStoreWriter& w) {
      std::int64_t n = 0;
      for (const char* name : kV3Indexes) {
        auto q = w.db().query("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1");
        q->bind(1, name);
        if (q->step()) n += q->int64(0);
      }
      return n;
    };
    {
      RunStoreWriter w(path);
      QCOMPARE(w.db().scalar("SELECT version FROM schema_version"), 5LL);
      QVERIFY(w.db().tableExists("rollout_behaviors"));
      // v4: the annotation outbox/inbox, and an identity of 32 hex digits.
      for (const char* t : {"annotation_outbox", "annotation_inbox", "store_identity"})
        QVERIFY2(w.db().tableExists(t), t);
      QCOMPARE(w.db().scalar("SELECT length(origin) FROM store_identity"), 32LL);
      QCOMPARE(w.db().scalar("SELECT count(*) FROM schema_version"), 1LL);
      QCOMPARE(indexCount(w), std::int64_t(std::size(kV3Indexes)));
      {
        auto check = w.db().query("PRAGMA integrity_check");
        QVERIFY(check->step());
        QCOMPARE(check->text(0), std::string("ok"));
      }
      // The migration is idempotent: applying it again to an indexed file changes nothing.
      w.db().exec(RunStoreSchema::migrations().at(2));
      QCOMPARE(indexCount(w), std::int64_t(std::size(kV3Indexes)));
    }
    { RunStoreWriter again(path); }
    RunStoreReader rd(path);
    QCOMPARE(rd.db().scalar("SELECT version FROM schema_version"), 5LL);
    QCOMPARE(rd.runs().at(0).name, std::string("old-run"));
    QCOMPARE(rd.metricSeries("critic/score/mean").size(), std::size_t(2));
    const auto rows = rd.rolloutsAfter(0);
    QCOMPARE(rows.size(), std::size_t(2));
    QCOMPARE(rows[0].response, std::string("the answer is 7"));
    QCOMPARE(rows[1].response, longResponse);
    QCOMPARE(*rows[1].trajectory, std::string(R"([{"chunk":1}])"));
    QCOMPARE(rows[1].reward, -0.25);
    // The old rows are reachable through the new indexes and the text search.
    RolloutQuery q;
    q.order_by = "reward";
    q.descending = true;
    QCOMPARE(rd.rolloutIds(q), (std::vector<std::int64_t>{rows[0].id, rows[1].id}));
    q.data_source = "musique";
    q.response_contains = "SECRET PHRASE";
    QCOMPARE(rd.rolloutIds(q), (std::vector<std::int64_t>{rows[1].id}));
  }

  void freshFileIsCurrent() {
    const auto path = RunStore::fileIn(longrl::test::freshTempDir("fresh"));
    RunStoreWriter w(path);
    QCOMPARE(w.db().scalar("SELECT version FROM schema_version"), std::int64_t(RunStoreSchema::kCurrentVersion));
  }

  void tablesMatchTheFieldLists() {
    const auto fresh = RunStore::fileIn(longrl::test::freshTempDir("lists-fresh"));
    const auto upgraded = RunStore::fileIn(longrl::test::freshTempDir("lists-v1"));
    execRaw(upgraded, kV1);
    for (const auto& path : {fresh, upgraded}) {
      RunStoreWriter w(path);
      const std::string diff = schemaDifferences(w.db());
      QVERIFY2(diff.empty(), (path + ":\n" + diff).c_str());
    }
    // The check can fail: the v1 rollouts table lacks trajectory.
    const auto old = RunStore::fileIn(longrl::test::freshTempDir("lists-old"));
    execRaw(old, kV1);
    SqliteDb raw(old, SqliteDb::Mode::ReadOnly);
    QCOMPARE(schemaDifference<RolloutRecord>(raw),
             std::string("rollouts.trajectory: listed, but not in the table (a migration is missing)"));
    QCOMPARE(schemaDifference<MetricPoint>(raw), std::string());
  }

  void newerVersionIsRefused() {
    const auto path = RunStore::fileIn(longrl::test::freshTempDir("newer"));
    execRaw(path, kV1);
    execRaw(path, "UPDATE schema_version SET version = 99");
    for (int writer = 0; writer < 2; ++writer) {
      try {
        if (writer) RunStoreWriter w(path);
        else RunStoreReader r(path);
        QFAIL("a newer file must be refused");
      } catch (const StoreError& e) {
        const std::string what = e.what();
        QVERIFY2(what.find(path) != std::string::npos, e.what());
        QVERIFY2(what.find("schema version 99") != std::string::npos, e.what());
        QVERIFY2(what.find("newer") != std::string::npos, e.what());
      }
    }
    // The refused file is left untouched.
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &st, nullptr);
    QCOMPARE(sqlite3_step(st), SQLITE_ROW);
    QCOMPARE(sqlite3_column_int(st, 0), 99);
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
};

QTEST_APPLESS_MAIN(TestRunStoreMigration)
#include "TestRunStoreMigration.moc"
