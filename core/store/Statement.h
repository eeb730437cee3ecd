#pragma once
#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace longrl::store {

// One prepared SQLite statement. Errors throw StoreError naming the database file and the SQL.
class Statement {
 public:
  Statement(sqlite3* db, std::string sql, std::string path);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  void bind(int i, std::int64_t v);
  void bind(int i, int v) { bind(i, static_cast<std::int64_t>(v)); }
  void bind(int i, double v);
  void bind(int i, std::string_view text);
  void bind(int i, const char* text) { bind(i, std::string_view(text)); }
  void bindBlob(int i, std::string_view bytes);
  void bindNull(int i);

  // true while a row is available; false when done.
  bool step();
  // Steps a statement that returns no rows.
  void run();
  // Ends the current execution (releases read snapshots) and clears bindings.
  void reset();

  bool isNull(int col) const;
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  // Raw bytes of a BLOB/TEXT column (valid until the next step/reset).
  std::string_view bytes(int col) const;

 private:
  [[noreturn]] void fail(const std::string& what) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
  std::string path_;
};

// Resets a cached statement when the caller is done with it, so a reader never keeps an old
// WAL snapshot (and never blocks checkpoints) because a loop exited early.
class StatementLease {
 public:
  explicit StatementLease(Statement& s) : s_(&s) {}
  ~StatementLease() { s_->reset(); }
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  Statement* operator->() const { return s_; }
  Statement& operator*() const { return *s_; }

 private:
  Statement* s_;
};

}  // namespace longrl::store
