#pragma once
#include <memory>
#include <string>

#include "core/store/SqliteDb.h"

namespace longrl::store {

// Opens a run's SQLite file (run-dir/run.sqlite): for writing it creates the file, switches it
// to WAL and applies migrations; for reading it opens read-only and checks the schema version.
class RunStore {
 public:
  static constexpr const char* kFileName = "run.sqlite";
  enum class Access { Write, Read };

  // run-dir/run.sqlite
  static std::string fileIn(const std::string& runDir);
  // Whether `dir` holds a run.sqlite.
  static bool isRunDir(const std::string& dir);

  // `path` is the .sqlite file. Throws StoreError naming the path when it cannot be used.
  RunStore(const std::string& path, Access access);

  SqliteDb& db() { return *db_; }
  const std::string& path() const { return db_->path(); }

 private:
  // Builds a new store with its schema beside `path` and moves it into place in one step.
  static void createComplete(const std::string& path);

  std::unique_ptr<SqliteDb> db_;
};

}  // namespace longrl::store
