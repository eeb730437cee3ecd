#pragma once
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "core/export/TfRecordWriter.h"
#include "core/store/MetricPoint.h"

namespace longrl::exports {

// A TensorBoard event file (what TensorBoard and `wandb sync` read): TFRecord-framed Event
// protos, first the file version, then one scalar Summary per metric point, each flushed as it is
// written so TensorBoard can follow a live run.
class TensorBoardEventWriter {
 public:
  // Creates `dir` when missing and a new event file in it, never reusing an existing name:
  // TensorBoard merges every event file of a directory, so a resumed run adds a file beside the
  // earlier ones. Throws ExportError naming the path it could not create or write.
  explicit TensorBoardEventWriter(const std::string& dir);

  // The metric as a scalar: tag = name, at its step and wall time; the value as float32 (NaN
  // and infinities stay so, TensorBoard shows them as such).
  void scalar(const store::MetricPoint& m);

  const std::string& path() const { return path_; }
  std::size_t scalars() const { return scalars_; }

  // The serialized Event protos (tests and other writers).
  static std::string fileVersionEvent(double wallTime);
  static std::string scalarEvent(const std::string& tag, std::int64_t step, float value, double wallTime);
  // events.out.tfevents.<unix seconds>.<host>.longrl, as TensorBoard's own writers name them.
  static std::string fileName(double wallTime, const std::string& host);

 private:
  void write(const std::string& event);
  std::string path_;
  std::ofstream file_;
  TfRecordWriter records_;
  std::size_t scalars_ = 0;
};

}  // namespace longrl::exports
