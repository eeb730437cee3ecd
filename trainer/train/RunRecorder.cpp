#include "trainer/train/RunRecorder.h"

#include <chrono>

#include "core/store/EventEncoder.h"

namespace longrl::train {

RunRecorder::RunRecorder(const std::string& storePath, std::ostream* events) : writer_(storePath), events_(events) {}

double RunRecorder::now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void RunRecorder::emit(const std::string& line) {
  if (!events_) return;
  *events_ << line;
  events_->flush();  // a remote GUI reads the stream live
}

void RunRecorder::run(const store::RunInfo& r) {
  writer_.writeRun(r);
  writer_.flush();
  emit(store::EventEncoder::encode(r));
}

void RunRecorder::phase(const store::PhaseInfo& p) {
  writer_.writePhase(p);
  emit(store::EventEncoder::encode(p));
}

void RunRecorder::metrics(const std::vector<store::MetricPoint>& points) {
  writer_.writeMetrics(points);
  for (const auto& p : points) emit(store::EventEncoder::encode(p));
}

std::int64_t RunRecorder::document(const store::DocumentRecord& d) {
  store::DocumentRecord copy = d;
  copy.id = writer_.writeDocument(d);
  emit(store::EventEncoder::encode(copy));
  return copy.id;
}

void RunRecorder::example(const store::ExampleRecord& e) {
  writer_.writeExample(e);
  emit(store::EventEncoder::encode(e));
}

void RunRecorder::rollout(const store::RolloutRecord& r) {
  writer_.writeRollout(r);
  emit(store::EventEncoder::encode(r));
}

void RunRecorder::difficulty(const store::DifficultyRecord& d) {
  writer_.writeDifficulty(d);
  emit(store::EventEncoder::encode(d));
}

void RunRecorder::event(const std::string& kind, const nlohmann::json& payload) {
  store::EventRecord e;
  e.kind = kind;
  e.payload = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  e.time = now();
  writer_.writeEvent(e);
  emit(store::EventEncoder::encode(e));
}

void RunRecorder::flush() { writer_.flush(); }

}  // namespace longrl::train
