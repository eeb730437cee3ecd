#pragma once
#include <string>
#include <vector>

namespace longrl::store {

class SqliteDb;

// The run store's tables and the migrations between schema versions. Version N of the file is
// recorded in the one-row table `schema_version`; migration k takes a file from version k to k+1.
// The records' field lists (RecordField) name the columns the store reads and writes; a field added
// to a list needs a migration that adds its column (TestRunStoreMigration compares the migrated
// tables with the lists), and raising kOldestReadable with it, as readers select every listed column.
class RunStoreSchema {
 public:
  static constexpr int kCurrentVersion = 5;
  // Oldest version a read-only connection accepts: v3 only added indexes, v4 the annotation
  // outbox/inbox tables and v5 the rollout behaviours (read where they exist), so a v2 file (every
  // run recorded before them, which a viewer cannot migrate) reads the same, only sorts more slowly.
  static constexpr int kOldestReadable = 2;

  // SQL of each migration, index k = from version k to k+1 (k = 0 creates the tables).
  static const std::vector<std::string>& migrations();
  // Version recorded in the file; 0 for an empty database. Throws StoreError naming the path
  // when the file is not an SQLite database or is an SQLite database that is not a run store.
  static int readVersion(SqliteDb& db);
  // Brings a writable database to kCurrentVersion in one transaction; throws when the file is
  // newer than this code knows.
  static void migrate(SqliteDb& db);
  // For read-only connections: throws unless the file is between kOldestReadable and
  // kCurrentVersion.
  static void requireCurrent(SqliteDb& db);
};

}  // namespace longrl::store
