#include "core/store/RunStoreWriter.h"

#include <spdlog/spdlog.h>

#include "core/store/RecordSql.h"
#include "core/store/Sha256.h"
#include "core/store/StoreError.h"

namespace longrl::store {

RunStoreWriter::RunStoreWriter(const std::string& path) : RunStoreWriter(path, Options{}) {}

RunStoreWriter::RunStoreWriter(const std::string& path, Options options)
    : store_(path, RunStore::Access::Write), options_(options) {}

RunStoreWriter::~RunStoreWriter() {
  try {
    flush();
  } catch (const std::exception& e) {
    spdlog::warn("run store {}: last batch not saved: {}", path(), e.what());
  }
}

void RunStoreWriter::begin() {
  if (pending_ > 0 || db().inTransaction()) return;
  db().exec("BEGIN");
  batchStart_ = std::chrono::steady_clock::now();
}

void RunStoreWriter::wrote() {
  ++pending_;
  if (pending_ >= options_.maxBatch) {
    flush();
    return;
  }
  const std::chrono::duration<double> age = std::chrono::steady_clock::now() - batchStart_;
  if (age.count() >= options_.maxBatchSeconds) flush();
}

void RunStoreWriter::flushIfDue() {
  if (!db().inTransaction()) return;
  const std::chrono::duration<double> age = std::chrono::steady_clock::now() - batchStart_;
  if (age.count() >= options_.maxBatchSeconds) flush();
}

void RunStoreWriter::flush() {
  if (!db().inTransaction()) {
    pending_ = 0;
    return;
  }
  db().exec("COMMIT");
  pending_ = 0;
}

template <class R> void RunStoreWriter::upsert(const R& record) {
  begin();
  static const std::string sql = RecordSql<R>::upsert();
  auto q = db().query(sql);
  RecordSql<R>::bind(*q, record, options_.compressThreshold);
  q->run();
  wrote();
}

void RunStoreWriter::writeRun(const RunInfo& r) { upsert(r); }
void RunStoreWriter::writePhase(const PhaseInfo& p) { upsert(p); }
void RunStoreWriter::writeExample(const ExampleRecord& e) { upsert(e); }
void RunStoreWriter::writeRollout(const RolloutRecord& r) { upsert(r); }
void RunStoreWriter::writeAnnotation(const AnnotationRecord& a) { upsert(a); }
void RunStoreWriter::writeDifficulty(const DifficultyRecord& d) { upsert(d); }
void RunStoreWriter::writeRolloutBehavior(const RolloutBehaviorRecord& b) { upsert(b); }
void RunStoreWriter::writeEvent(const EventRecord& e) { upsert(e); }

void RunStoreWriter::writeMetric(const MetricPoint& m) {
  begin();
  // The hottest write: keep the statement instead of looking its SQL up each time.
  if (!metricStmt_) metricStmt_ = &db().prepared(RecordSql<MetricPoint>::upsert());
  StatementLease q(*metricStmt_);
  RecordSql<MetricPoint>::bind(*q, m, options_.compressThreshold);
  q->run();
  wrote();
}

void RunStoreWriter::writeMetrics(const std::vector<MetricPoint>& points) {
  for (const auto& p : points) writeMetric(p);
}

std::int64_t RunStoreWriter::writeDocument(const DocumentRecord& d) {
  DocumentRecord doc = d;
  doc.sha256 = Sha256::hex(d.text);
  if (!d.sha256.empty() && d.sha256 != doc.sha256)
    throw StoreError(path() + ": document '" + d.title + "': sha256 " + d.sha256 + " does not match its text (" +
                     doc.sha256 + ")");
  begin();
  {
    auto find = db().query("SELECT id FROM documents WHERE sha256=?1");
    find->bind(1, doc.sha256);
    if (find->step()) return find->int64(0);
  }
  static const std::string sql = RecordSql<DocumentRecord>::upsert({"text_bytes"});
  auto q = db().query(sql);
  const int next = RecordSql<DocumentRecord>::bind(*q, doc, options_.compressThreshold);
  q->bind(next, static_cast<std::int64_t>(d.text.size()));
  q->run();
  const std::int64_t id = db().lastInsertRowid();
  wrote();
  return id;
}

void RunStoreWriter::removeAnnotation(const std::string& exampleId, const std::string& author) {
  begin();
  auto q = db().query("DELETE FROM annotations WHERE example_id = ?1 AND author = ?2");
  q->bind(1, exampleId);
  q->bind(2, author);
  q->run();
  wrote();
}

}  // namespace longrl::store
