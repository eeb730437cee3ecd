#include "core/store/RunStoreSchema.h"

#include <spdlog/spdlog.h>

#include "core/store/SqliteDb.h"
#include "core/store/StoreError.h"

namespace longrl::store {

const std::vector<std::string>& RunStoreSchema::migrations() {
  // Never edit a released migration: files in the wild were made by it. Add a new one instead.
  static const std::vector<std::string> all = {
      // 0 -> 1: the original tables. Long text columns are BLOBs whose zstd compression is
      // recorded per row in `zflags` (bit per column, see RunStoreWriter).
      R"sql(
CREATE TABLE schema_version(version INTEGER NOT NULL);
INSERT INTO schema_version(version) VALUES (0);
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
)sql",
      // 1 -> 2: memory-agent trajectories (JSON, nullable, zflags bit 3) and label lookups
      // for the hard-example pool.
      R"sql(
ALTER TABLE rollouts ADD COLUMN trajectory BLOB;
CREATE INDEX annotations_by_label ON annotations(label);
)sql",
      // 2 -> 3: indexes for the rollout browser's sorts and filters. SQLite ends every index
      // with the rowid, so (reward) serves "ORDER BY reward, id" (and its DESC) by a plain index
      // walk, without sorting; (step) is kept although UNIQUE(step, ...) starts with step, as that
      // index orders ties by example, not by id. data_source filters go through examples.
      // IF NOT EXISTS: a file someone indexed by hand must not fail to open.
      R"sql(
CREATE INDEX IF NOT EXISTS rollouts_by_step ON rollouts(step);
CREATE INDEX IF NOT EXISTS rollouts_by_phase ON rollouts(phase);
CREATE INDEX IF NOT EXISTS rollouts_by_reward ON rollouts(reward);
CREATE INDEX IF NOT EXISTS rollouts_by_advantage ON rollouts(advantage);
CREATE INDEX IF NOT EXISTS rollouts_by_length ON rollouts(length);
CREATE INDEX IF NOT EXISTS examples_by_source ON examples(data_source);
)sql",
      // 3 -> 4: labels on their way to a remote run (the studio's mirror keeps an outbox, the
      // run's own store remembers the last change it applied from each sender) and this store's
      // identity as a sender (random, made once).
      R"sql(
CREATE TABLE annotation_outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL,
  example_id TEXT NOT NULL DEFAULT '', label TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '', phase INTEGER NOT NULL DEFAULT -1, time REAL NOT NULL,
  delivered_time REAL);
CREATE TABLE annotation_inbox(origin TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, time REAL NOT NULL);
CREATE TABLE store_identity(origin TEXT NOT NULL);
INSERT INTO store_identity(origin) VALUES (lower(hex(randomblob(16))));
)sql",
      // 4 -> 5: reasoning behaviours per rollout and classifier, in revisions (RolloutBehaviorRecord);
      // a table of their own, so that files without it read as before.
      R"sql(
CREATE TABLE rollout_behaviors(step INTEGER NOT NULL, example_id TEXT NOT NULL, group_idx INTEGER NOT NULL,
  sample_idx INTEGER NOT NULL, classifier TEXT NOT NULL, revision INTEGER NOT NULL, subgoal INTEGER NOT NULL,
  backtracking INTEGER NOT NULL, verification INTEGER NOT NULL, grounding_share REAL, passages INTEGER NOT NULL,
  record TEXT NOT NULL, wall_time REAL NOT NULL,
  PRIMARY KEY(step, example_id, group_idx, sample_idx, classifier, revision));
)sql",
  };
  return all;
}

int RunStoreSchema::readVersion(SqliteDb& db) {
  try {
    const std::int64_t tables = db.scalar("SELECT count(*) FROM sqlite_master");
    if (tables == 0) return 0;
    if (!db.tableExists("schema_version"))
      throw StoreError(db.path() + ": is an SQLite database but not a longrl run store (no schema_version table)");
    return int(db.scalar("SELECT max(version) FROM schema_version", -1));
  } catch (const StoreError& e) {
    const std::string what = e.what();
    if (what.find("not a database") != std::string::npos || what.find("malformed") != std::string::npos)
      throw StoreError(db.path() + ": not a longrl run store (not an SQLite database, or damaged)");
    throw;
  }
}

void RunStoreSchema::migrate(SqliteDb& db) {
  // IMMEDIATE: two processes opening the same new file must not both create the tables.
  db.exec("BEGIN IMMEDIATE");
  try {
    const int from = readVersion(db);
    if (from > kCurrentVersion)
      throw StoreError(db.path() + ": run store has schema version " + std::to_string(from) +
                       ", newer than this longrl understands (" + std::to_string(kCurrentVersion) +
                       "); use a newer longrl");
    if (from < 0) throw StoreError(db.path() + ": schema_version table is empty");
    for (int v = from; v < kCurrentVersion; ++v) {
      db.exec(migrations()[std::size_t(v)]);
      db.exec("UPDATE schema_version SET version = " + std::to_string(v + 1));
    }
    db.exec("COMMIT");
    if (from != 0 && from != kCurrentVersion)
      spdlog::info("run store {}: migrated schema {} -> {}", db.path(), from, kCurrentVersion);
  } catch (...) {
    if (db.inTransaction()) db.exec("ROLLBACK");
    throw;
  }
}

void RunStoreSchema::requireCurrent(SqliteDb& db) {
  const int v = readVersion(db);
  if (v >= kOldestReadable && v <= kCurrentVersion) return;
  if (v > kCurrentVersion)
    throw StoreError(db.path() + ": run store has schema version " + std::to_string(v) +
                     ", newer than this longrl understands (" + std::to_string(kCurrentVersion) +
                     "); use a newer longrl");
  if (v == 0) throw StoreError(db.path() + ": empty database, not a longrl run store");
  throw StoreError(db.path() + ": run store has old schema version " + std::to_string(v) + " (current " +
                   std::to_string(kCurrentVersion) + "); open it once for writing (e.g. resume the run) to upgrade it");
}

}  // namespace longrl::store
