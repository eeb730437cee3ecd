#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/store/Statement.h"

struct sqlite3;

namespace longrl::store {

// One SQLite connection with a cache of prepared statements (keyed by SQL text).
class SqliteDb {
 public:
  enum class Mode { ReadWriteCreate, ReadOnly };
  SqliteDb(const std::string& path, Mode mode);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without results.
  void exec(const std::string& sql);
  // A cached prepared statement, reset and ready to bind; hold the lease while reading rows.
  StatementLease query(const std::string& sql);
  // The cached statement itself, for hot paths that keep the reference (lease it per use).
  Statement& prepared(const std::string& sql);
  std::int64_t lastInsertRowid() const;
  // Single integer result of `sql` (e.g. SELECT count(*)); `fallback` when there is no row.
  std::int64_t scalar(const std::string& sql, std::int64_t fallback = 0);
  bool tableExists(const std::string& table);
  bool inTransaction() const;

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace longrl::store
