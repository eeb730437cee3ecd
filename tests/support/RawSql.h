#pragma once
// Runs SQL on a store file with plain sqlite3, bypassing the code under test (e.g. to build an
// older schema or damage a row). Header-only: used by a few core tests.
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <string>

namespace longrl::test {

inline void execRawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const QString msg = err ? QString(err) : QString();
  sqlite3_free(err);
  sqlite3_close(db);
  QVERIFY2(rc == SQLITE_OK, qPrintable(msg));
}

}  // namespace longrl::test
