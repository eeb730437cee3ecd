#pragma once
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <unordered_set>

#include "core/store/RunStoreReader.h"

namespace longrl::store {

// Reads a run store as it grows and writes what is new as the trainer's event stream (EventEncoder
// lines), so a mirror (EventStreamDecoder) can follow a run it did not start: `longrl follow`.
// Each poll writes in an order the mirror can apply: run, phases, documents, examples, difficulty,
// annotations, metrics, rollouts, rollout behaviours, events. Appended tables are followed by rowid
// (metrics, rollouts, rollout behaviours, events, documents); upserted ones are sent again when they
// change (the mirror upserts too).
class StoreStreamer {
 public:
  explicit StoreStreamer(const std::string& storePath);

  // Writes every record that is new since the last call; returns how many.
  std::size_t poll(std::ostream& out);
  // The run's status as of the last poll ("" before the trainer wrote one).
  const std::string& runStatus() const { return status_; }
  // True once the run has a status other than pending/running (finished, failed, stopped).
  bool runEnded() const;

 private:
  std::size_t pollRunAndPhases(std::ostream& out);
  std::size_t pollDocumentsAndExamples(std::ostream& out);
  std::size_t pollLabelsAndDifficulty(std::ostream& out);
  std::size_t pollAppended(std::ostream& out);
  // A cheap fingerprint of a table's content (sql returns one row of numbers).
  std::string digest(const std::string& sql);

  RunStoreReader reader_;
  std::string status_, runKey_, phasesKey_, difficultyKey_, annotationsKey_;
  std::int64_t lastMetric_ = 0, lastRollout_ = 0, lastBehavior_ = 0, lastEvent_ = 0, lastDocument_ = 0,
               exampleCount_ = 0;
  std::unordered_set<std::string> examplesSent_;
};

}  // namespace longrl::store
