#include "core/store/Statement.h"

#include <sqlite3.h>

#include "core/store/StoreError.h"

namespace longrl::store {

Statement::Statement(sqlite3* db, std::string sql, std::string path)
    : db_(db), sql_(std::move(sql)), path_(std::move(path)) {
  if (sqlite3_prepare_v3(db_, sql_.c_str(), int(sql_.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
    fail("cannot prepare");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::fail(const std::string& what) const {
  std::string snippet = sql_.substr(0, 80);
  for (char& c : snippet)
    if (c == '\n') c = ' ';
  throw StoreError(path_ + ": " + what + " [" + snippet + (sql_.size() > 80 ? "..." : "") +
                   "]: " + sqlite3_errmsg(db_));
}

void Statement::bind(int i, std::int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail("cannot bind parameter " + std::to_string(i));
}
void Statement::bind(int i, double v) {
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail("cannot bind parameter " + std::to_string(i));
}
void Statement::bind(int i, std::string_view text) {
  if (sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
    fail("cannot bind parameter " + std::to_string(i));
}
void Statement::bindBlob(int i, std::string_view bytes) {
  if (sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK)
    fail("cannot bind parameter " + std::to_string(i));
}
void Statement::bindNull(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail("cannot bind parameter " + std::to_string(i));
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string snippet = sql_.substr(0, 80);
  for (char& c : snippet)
    if (c == '\n') c = ' ';
  const std::string msg = path_ + ": query failed [" + snippet + "]: " + sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);  // leave the statement reusable for the next caller
  throw StoreError(msg);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::text(int col) const { return std::string(bytes(col)); }
std::string_view Statement::bytes(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string_view(static_cast<const char*>(p), std::size_t(n)) : std::string_view();
}

}  // namespace longrl::store
