#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/store/AnnotationOp.h"

namespace longrl::store {

class SqliteDb;

// The studio's side of the labels of a remote run: each change made in the run's local mirror is
// queued here, in the mirror's own store and in the same transaction as the label itself, until
// the run's store on the remote host has applied it. Nothing leaves the queue: a delivered change
// is marked with the time it was confirmed.
class AnnotationOutbox {
 public:
  explicit AnnotationOutbox(SqliteDb& db) : db_(db) {}

  // False for a store older than schema v4 opened read-only (no outbox tables).
  bool exists();
  // This store's identity as a sender (random, made when the store was created or migrated).
  std::string origin();
  // Queues `op` and returns its seq. Runs in the caller's open transaction, if any.
  std::int64_t enqueue(const AnnotationOp& op);
  // Changes not yet confirmed, oldest first.
  std::vector<AnnotationOp> pending(std::size_t limit = 1000);
  // The run's store confirmed every change up to `seq`.
  void markDelivered(std::int64_t seq, double time);

  struct Counts {
    std::int64_t pending = 0;
    std::int64_t delivered = 0;
  };
  Counts counts();
  // For each example `author` labelled: whether the last change to that label reached the run.
  std::map<std::string, bool> deliveredByExample(const std::string& author);

 private:
  SqliteDb& db_;
};

}  // namespace longrl::store
