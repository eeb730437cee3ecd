#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/export/TensorBoardEventWriter.h"
#include "core/store/RunStoreWriter.h"

namespace longrl::train {

// Where a training run's records go: the run store (run-dir/run.sqlite, the single writer) and,
// with `--events stdout`, the same records as JSON lines on a stream (EventEncoder); with
// `--tensorboard DIR`, the metrics also as scalars in a new TensorBoard event file. Only rank 0
// owns one; the other ranks of a data-parallel run get a silent recorder (records nothing), so
// that every rank can run the same code. Each record is written to the store first, then
// mirrored, so both carry the same ids.
class RunRecorder {
 public:
  // `events` may be null (no mirroring); it must outlive the recorder. A non-empty
  // `tensorboardDir` gets a new event file (before the store is opened, so a directory that
  // cannot be written fails the run before it touches the store).
  RunRecorder(const std::string& storePath, std::ostream* events, const std::string& tensorboardDir = "");
  // A recorder that records nothing (document() returns 0; writer() must not be called).
  RunRecorder();
  bool silent() const { return !writer_; }

  void run(const store::RunInfo& r);
  void phase(const store::PhaseInfo& p);
  void metrics(const std::vector<store::MetricPoint>& points);
  std::int64_t document(const store::DocumentRecord& d);  // returns the store's id
  void example(const store::ExampleRecord& e);
  void rollout(const store::RolloutRecord& r);
  void difficulty(const store::DifficultyRecord& d);
  void rolloutBehavior(const store::RolloutBehaviorRecord& b);
  // A free-form event: kind ("log", "checkpoint", "retrospective", "error", ...) and a JSON payload.
  void event(const std::string& kind, const nlohmann::json& payload);
  void flush();

  store::RunStoreWriter& writer() { return *writer_; }
  // The TensorBoard event file this recorder appends to ("" without one).
  std::string tensorboardFile() const { return tensorboard_ ? tensorboard_->path() : std::string(); }
  static double now();

 private:
  void emit(const std::string& line);
  std::unique_ptr<exports::TensorBoardEventWriter> tensorboard_;  // declared first: created before writer_
  std::unique_ptr<store::RunStoreWriter> writer_;
  std::ostream* events_;
};

}  // namespace longrl::train
