#include "trainer/train/RunRecorder.h"

#include "core/io/WallClock.h"
#include "core/store/EventEncoder.h"

namespace longrl::train {

RunRecorder::RunRecorder(const std::string& storePath, std::ostream* events, const std::string& tensorboardDir)
    : tensorboard_(tensorboardDir.empty() ? nullptr
                                          : std::make_unique<exports::TensorBoardEventWriter>(tensorboardDir)),
      writer_(std::make_unique<store::RunStoreWriter>(storePath)), events_(events) {}

RunRecorder::RunRecorder() : events_(nullptr) {}

double RunRecorder::now() { return io::wallSeconds(); }

void RunRecorder::emit(const std::string& line) {
  if (!events_) return;
  *events_ << line;
  events_->flush();  // a remote GUI reads the stream live
}

void RunRecorder::run(const store::RunInfo& r) {
  if (!writer_) return;
  writer_->writeRun(r);
  writer_->flush();
  emit(store::EventEncoder::encode(r));
}

void RunRecorder::phase(const store::PhaseInfo& p) {
  if (!writer_) return;
  writer_->writePhase(p);
  emit(store::EventEncoder::encode(p));
}

void RunRecorder::metrics(const std::vector<store::MetricPoint>& points) {
  if (!writer_) return;
  writer_->writeMetrics(points);
  for (const auto& p : points) {
    emit(store::EventEncoder::encode(p));
    if (tensorboard_) tensorboard_->scalar(p);
  }
}

std::int64_t RunRecorder::document(const store::DocumentRecord& d) {
  if (!writer_) return 0;
  store::DocumentRecord copy = d;
  copy.id = writer_->writeDocument(d);
  emit(store::EventEncoder::encode(copy));
  return copy.id;
}

void RunRecorder::example(const store::ExampleRecord& e) {
  if (!writer_) return;
  writer_->writeExample(e);
  emit(store::EventEncoder::encode(e));
}

void RunRecorder::rollout(const store::RolloutRecord& r) {
  if (!writer_) return;
  writer_->writeRollout(r);
  emit(store::EventEncoder::encode(r));
}

void RunRecorder::difficulty(const store::DifficultyRecord& d) {
  if (!writer_) return;
  writer_->writeDifficulty(d);
  emit(store::EventEncoder::encode(d));
}

void RunRecorder::rolloutBehavior(const store::RolloutBehaviorRecord& b) {
  if (!writer_) return;
  writer_->writeRolloutBehavior(b);
  emit(store::EventEncoder::encode(b));
}

void RunRecorder::event(const std::string& kind, const nlohmann::json& payload) {
  if (!writer_) return;
  store::EventRecord e;
  e.kind = kind;
  e.payload = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  e.time = now();
  writer_->writeEvent(e);
  emit(store::EventEncoder::encode(e));
}

void RunRecorder::flush() {
  if (writer_) writer_->flush();
}

}  // namespace longrl::train
