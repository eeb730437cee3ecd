#include "core/store/RunStore.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/store/RunStoreSchema.h"
#include "core/store/StoreError.h"
#include "core/store/TextSearchFunction.h"

namespace fs = std::filesystem;

namespace longrl::store {

std::string RunStore::fileIn(const std::string& runDir) { return (fs::path(runDir) / kFileName).string(); }

bool RunStore::isRunDir(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / kFileName, ec);
}

RunStore::RunStore(const std::string& path, Access access) {
  std::error_code ec;
  if (access == Access::Read) {
    if (!fs::exists(path, ec)) throw StoreError(path + ": no run store (file does not exist)");
    db_ = std::make_unique<SqliteDb>(path, SqliteDb::Mode::ReadOnly);
    RunStoreSchema::requireCurrent(*db_);
    TextSearchFunction::registerOn(*db_);  // RolloutQuery::response_contains
    return;
  }
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::exists(parent, ec)) fs::create_directories(parent, ec);
  if (!fs::exists(path, ec)) createComplete(path);
  db_ = std::make_unique<SqliteDb>(path, SqliteDb::Mode::ReadWriteCreate);
  // A clear error for a non-SQLite file or a newer schema, before any pragma touches the file.
  if (RunStoreSchema::readVersion(*db_) > RunStoreSchema::kCurrentVersion) RunStoreSchema::requireCurrent(*db_);
  // WAL: readers (GUI, `longrl runs`) never block the trainer and see each commit as it lands.
  // synchronous=NORMAL in WAL loses at most the last commits on power loss, never consistency.
  db_->exec("PRAGMA journal_mode=WAL");
  db_->exec("PRAGMA synchronous=NORMAL");
  // A bigger page cache keeps the metrics (name, step) index in memory during long runs, and
  // rarer checkpoints mean fewer fsyncs; both roughly double batched ingest.
  db_->exec("PRAGMA cache_size=-65536");
  db_->exec("PRAGMA wal_autocheckpoint=8192");
  RunStoreSchema::migrate(*db_);
  TextSearchFunction::registerOn(*db_);
}

// SQLite creates an empty file first and writes the schema later, so a reader polling for the
// file (the GUI following a starting run, the ssh mirror's observers) could open a file with no
// schema yet. A new store is therefore built under a private name, closed (which folds its WAL
// back into the file) and linked into place whole: whoever sees `path` sees a complete store.
void RunStore::createComplete(const std::string& path) {
  const std::string tmp = path + ".creating-" + std::to_string(::getpid());
  std::error_code ec;
  auto removeTmp = [&] {  // with its WAL files: a stale WAL must never be replayed into a new file
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(tmp + suffix, ec);
  };
  removeTmp();  // left by a creator that died at this point, pid reused
  try {
    SqliteDb db(tmp, SqliteDb::Mode::ReadWriteCreate);
    db.exec("PRAGMA journal_mode=WAL");  // recorded in the file header, so it travels with the rename
    RunStoreSchema::migrate(db);
  } catch (const std::exception& e) {
    removeTmp();
    throw StoreError(path + ": cannot create run store: " + e.what());
  }
  // link() does not replace: if another process created `path` meanwhile, theirs stays and
  // this one opens it. Filesystems without hard links get rename(), which does replace, but
  // only in that narrow window between the exists() check and here.
  if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    const int linkErr = errno;
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      const std::string why = std::strerror(linkErr);
      removeTmp();
      throw StoreError(path + ": cannot create run store: " + why);
    }
  }
  removeTmp();
}

}  // namespace longrl::store
