#include "core/store/SqliteDb.h"

#include <sqlite3.h>

#include "core/store/StoreError.h"

namespace longrl::store {

SqliteDb::SqliteDb(const std::string& path, Mode mode) : path_(path) {
  const int flags = (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;  // one connection per thread: SQLite need not lock for us
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(path + ": cannot open run store: " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // A reader polling while the writer commits waits briefly instead of failing with SQLITE_BUSY.
  sqlite3_busy_timeout(db_, 5000);
}

SqliteDb::~SqliteDb() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close(db_);
}

void SqliteDb::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    std::string snippet = sql.substr(0, 80);
    for (char& c : snippet)
      if (c == '\n') c = ' ';
    throw StoreError(path_ + ": " + msg + " [" + snippet + (sql.size() > 80 ? "..." : "") + "]");
  }
}

Statement& SqliteDb::prepared(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<Statement>(db_, sql, path_)).first;
  return *it->second;
}

StatementLease SqliteDb::query(const std::string& sql) {
  Statement& s = prepared(sql);
  s.reset();
  return StatementLease(s);
}

std::int64_t SqliteDb::lastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t SqliteDb::scalar(const std::string& sql, std::int64_t fallback) {
  auto q = query(sql);
  if (!q->step() || q->isNull(0)) return fallback;
  return q->int64(0);
}

bool SqliteDb::tableExists(const std::string& table) {
  auto q = query("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1");
  q->bind(1, table);
  return q->step();
}

bool SqliteDb::inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace longrl::store
