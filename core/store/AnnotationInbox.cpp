#include "core/store/AnnotationInbox.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "core/io/WallClock.h"
#include "core/store/RunStoreWriter.h"
#include "core/store/SqliteDb.h"
#include "core/store/StoreError.h"

namespace longrl::store {
namespace {

std::int64_t lastApplied(SqliteDb& db, const std::string& origin) {
  auto q = db.query("SELECT last_seq FROM annotation_inbox WHERE origin = ?1");
  q->bind(1, origin);
  return q->step() ? q->int64(0) : 0;
}

void recordApplied(SqliteDb& db, const std::string& origin, std::int64_t seq, double time) {
  auto q = db.query(
      "INSERT INTO annotation_inbox(origin, last_seq, time) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(origin) DO UPDATE SET last_seq = excluded.last_seq, time = excluded.time");
  q->bind(1, origin);
  q->bind(2, seq);
  q->bind(3, time);
  q->run();
}

void applyOne(RunStoreWriter& w, const std::string& origin, const AnnotationOp& op) {
  switch (op.kind) {
    case AnnotationOp::Kind::Set:
      w.writeAnnotation(op.annotation);
      break;
    case AnnotationOp::Kind::Remove:
      w.removeAnnotation(op.annotation.example_id, op.annotation.author);
      break;
    case AnnotationOp::Kind::Continue: {
      const nlohmann::json payload{{"phase", op.phase}, {"author", op.annotation.author}, {"origin", origin}};
      w.writeEvent({0, AnnotationInbox::kContinueEvent, payload.dump(), op.time});
      break;
    }
  }
}

}  // namespace

AnnotationInbox::Result AnnotationInbox::apply(const std::string& storePath, const std::string& origin,
                                               const std::vector<AnnotationOp>& ops) {
  if (origin.empty()) throw StoreError("annotation batch: empty origin");
  // One transaction for the whole batch: the writer never commits on its own in between.
  RunStoreWriter::Options o;
  o.maxBatch = std::numeric_limits<std::size_t>::max();
  o.maxBatchSeconds = std::numeric_limits<double>::infinity();
  RunStoreWriter w(storePath, o);
  SqliteDb& db = w.db();
  db.exec("BEGIN IMMEDIATE");  // the sender's last seq must not change between reading and writing it
  Result r;
  try {
    r.lastSeq = lastApplied(db, origin);
    for (const auto& op : ops) {
      if (op.seq <= r.lastSeq) {
        ++r.skipped;
        continue;
      }
      applyOne(w, origin, op);
      r.lastSeq = op.seq;
      ++r.applied;
    }
    if (r.applied > 0) {
      recordApplied(db, origin, r.lastSeq, io::wallSeconds());
    }
    w.flush();
  } catch (...) {
    if (db.inTransaction()) db.exec("ROLLBACK");
    throw;
  }
  return r;
}

}  // namespace longrl::store
