#include "core/store/AnnotationOutbox.h"

#include "core/store/SqliteDb.h"
#include "core/store/StoreError.h"

namespace longrl::store {

bool AnnotationOutbox::exists() { return db_.tableExists("annotation_outbox"); }

std::string AnnotationOutbox::origin() {
  auto q = db_.query("SELECT origin FROM store_identity LIMIT 1");
  if (!q->step()) throw StoreError(db_.path() + ": store_identity is empty");
  return q->text(0);
}

std::int64_t AnnotationOutbox::enqueue(const AnnotationOp& op) {
  auto q = db_.query(
      "INSERT INTO annotation_outbox(op, example_id, label, note, author, phase, time) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  q->bind(1, AnnotationOp::kindName(op.kind));
  q->bind(2, op.annotation.example_id);
  q->bind(3, op.annotation.label);
  q->bind(4, op.annotation.note);
  q->bind(5, op.annotation.author);
  q->bind(6, op.phase);
  q->bind(7, op.time);
  q->run();
  return db_.lastInsertRowid();
}

std::vector<AnnotationOp> AnnotationOutbox::pending(std::size_t limit) {
  auto q = db_.query(
      "SELECT seq, op, example_id, label, note, author, phase, time FROM annotation_outbox "
      "WHERE delivered_time IS NULL ORDER BY seq LIMIT ?1");
  q->bind(1, static_cast<std::int64_t>(limit));
  std::vector<AnnotationOp> out;
  while (q->step()) {
    AnnotationOp op;
    op.seq = q->int64(0);
    op.kind = AnnotationOp::kindFromName(q->text(1));
    op.annotation = {q->text(2), q->text(3), q->text(4), q->text(5), q->real(7)};
    op.phase = static_cast<int>(q->int64(6));
    op.time = q->real(7);
    out.push_back(std::move(op));
  }
  return out;
}

void AnnotationOutbox::markDelivered(std::int64_t seq, double time) {
  auto q = db_.query("UPDATE annotation_outbox SET delivered_time = ?2 WHERE seq <= ?1 AND delivered_time IS NULL");
  q->bind(1, seq);
  q->bind(2, time);
  q->run();
}

AnnotationOutbox::Counts AnnotationOutbox::counts() {
  Counts c;
  if (!exists()) return c;
  c.pending = db_.scalar("SELECT count(*) FROM annotation_outbox WHERE delivered_time IS NULL");
  c.delivered = db_.scalar("SELECT count(*) FROM annotation_outbox WHERE delivered_time IS NOT NULL");
  return c;
}

std::map<std::string, bool> AnnotationOutbox::deliveredByExample(const std::string& author) {
  std::map<std::string, bool> out;
  if (!exists()) return out;
  // Delivery is confirmed in seq order, so the last change of a label is delivered exactly when
  // every earlier one is.
  auto q = db_.query(
      "SELECT example_id, max(seq), min(delivered_time IS NOT NULL) FROM annotation_outbox "
      "WHERE author = ?1 AND op != 'continue' GROUP BY example_id");
  q->bind(1, author);
  while (q->step()) out[q->text(0)] = q->int64(2) != 0;
  return out;
}

}  // namespace longrl::store
