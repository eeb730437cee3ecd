#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/store/AnnotationRecord.h"
#include "core/store/DifficultyRecord.h"
#include "core/store/DocumentRecord.h"
#include "core/store/EventRecord.h"
#include "core/store/ExampleRecord.h"
#include "core/store/MetricPoint.h"
#include "core/store/PhaseInfo.h"
#include "core/store/RolloutBehaviorRecord.h"
#include "core/store/RolloutRecord.h"
#include "core/store/RunInfo.h"
#include "core/store/RunStore.h"
#include "core/store/TextCodec.h"

namespace longrl::store {

// The single writer of a run store (rank 0 of the trainer, or the event decoder of a remote
// run). Writes go into an open transaction that is committed every `maxBatch` records or when
// `maxBatchSeconds` have passed since it began (checked on each write), and on flush() and
// destruction: readers see a batch when it commits. Not thread-safe: one thread writes.
//
// Writes are idempotent upserts where a resumed trainer may re-send a record: metrics by
// (step, name), rollouts by (step, example_id, group_idx, sample_idx), documents by SHA-256,
// examples by id, phases by index, runs by name, annotations by (example_id, author),
// difficulty by (example_id, phase), rollout behaviours by (rollout key, classifier, revision). Updated rows keep their
// rowid. Events are appended.
class RunStoreWriter {
 public:
  struct Options {
    std::size_t maxBatch = 4096;
    double maxBatchSeconds = 0.5;
    std::size_t compressThreshold = TextCodec::kDefaultThreshold;
  };

  explicit RunStoreWriter(const std::string& path);
  RunStoreWriter(const std::string& path, Options options);
  ~RunStoreWriter();  // flushes; a failure there is logged, not thrown
  RunStoreWriter(const RunStoreWriter&) = delete;
  RunStoreWriter& operator=(const RunStoreWriter&) = delete;

  void writeRun(const RunInfo& run);  // empty config_json / zero created_time keep the stored ones
  void writePhase(const PhaseInfo& phase);
  void writeMetric(const MetricPoint& point);
  void writeMetrics(const std::vector<MetricPoint>& points);
  // Returns the document's id; a text already stored returns the existing id.
  std::int64_t writeDocument(const DocumentRecord& doc);
  void writeExample(const ExampleRecord& example);
  void writeRollout(const RolloutRecord& rollout);
  void writeAnnotation(const AnnotationRecord& annotation);
  // Removes `author`'s label on the example (nothing when there is none).
  void removeAnnotation(const std::string& exampleId, const std::string& author);
  void writeDifficulty(const DifficultyRecord& difficulty);
  void writeRolloutBehavior(const RolloutBehaviorRecord& behavior);
  void writeEvent(const EventRecord& event);

  // Commits the open batch (no-op when nothing is pending).
  void flush();
  // Commits the open batch if it is older than maxBatchSeconds: call it from a timer when
  // writes may pause (the age is otherwise only checked when the next record arrives).
  void flushIfDue();
  std::size_t pending() const { return pending_; }
  const std::string& path() const { return store_.path(); }
  SqliteDb& db() { return store_.db(); }

 private:
  void begin();
  void wrote();
  template <class R> void upsert(const R& record);
  RunStore store_;
  Options options_;
  Statement* metricStmt_ = nullptr;  // owned by the connection's statement cache
  std::size_t pending_ = 0;
  std::chrono::steady_clock::time_point batchStart_;
};

}  // namespace longrl::store
