#include "core/store/StoreStreamer.h"

#include "core/store/EventEncoder.h"
#include "core/store/SqliteDb.h"

namespace longrl::store {

StoreStreamer::StoreStreamer(const std::string& storePath) : reader_(storePath) {}

bool StoreStreamer::runEnded() const { return !status_.empty() && status_ != "running" && status_ != "pending"; }

std::size_t StoreStreamer::poll(std::ostream& out) {
  // One read transaction: every query of this poll sees the same commit, so an example never
  // arrives before the document it names, nor a rollout before its example.
  reader_.db().exec("BEGIN");
  try {
    std::size_t n = pollRunAndPhases(out);
    n += pollDocumentsAndExamples(out);
    n += pollLabelsAndDifficulty(out);
    n += pollAppended(out);
    reader_.db().exec("COMMIT");
    return n;
  } catch (...) {
    reader_.db().exec("ROLLBACK");
    throw;
  }
}

std::string StoreStreamer::digest(const std::string& sql) {
  auto q = reader_.db().query(sql);
  std::string key;
  if (q->step())
    for (int c = 0; c < 3; ++c) key += (q->isNull(c) ? std::string("-") : std::to_string(q->real(c))) + ";";
  return key;
}

std::size_t StoreStreamer::pollRunAndPhases(std::ostream& out) {
  std::size_t n = 0;
  const auto runs = reader_.runs();
  if (!runs.empty()) {
    const auto& r = runs.back();
    const std::string key = r.name + '\n' + r.status + '\n' + std::to_string(r.updated_time);
    if (key != runKey_) {
      runKey_ = key;
      status_ = r.status;
      out << EventEncoder::encode(r);
      ++n;
    }
  }
  const auto phases = reader_.phases();
  std::string key;
  for (const auto& p : phases) key += EventEncoder::encode(p);
  if (key != phasesKey_) {
    phasesKey_ = key;
    out << key;
    n += phases.size();
  }
  return n;
}

std::size_t StoreStreamer::pollDocumentsAndExamples(std::ostream& out) {
  std::size_t n = 0;
  const std::int64_t maxDoc = reader_.db().scalar("SELECT coalesce(max(id), 0) FROM documents");
  for (std::int64_t id = lastDocument_ + 1; id <= maxDoc; ++id)
    if (auto d = reader_.document(id)) {
      out << EventEncoder::encode(*d);
      ++n;
    }
  lastDocument_ = std::max(lastDocument_, maxDoc);
  const std::int64_t examples = reader_.db().scalar("SELECT count(*) FROM examples");
  if (examples == exampleCount_) return n;
  exampleCount_ = examples;
  for (const auto& e : reader_.examples())
    if (examplesSent_.insert(e.id).second) {
      out << EventEncoder::encode(e);
      ++n;
    }
  return n;
}

std::size_t StoreStreamer::pollLabelsAndDifficulty(std::ostream& out) {
  std::size_t n = 0;
  const std::string difficulty = digest("SELECT count(*), total(attempts), total(mean_reward) FROM difficulty");
  if (difficulty != difficultyKey_) {
    difficultyKey_ = difficulty;
    for (const auto& d : reader_.difficulty()) {
      out << EventEncoder::encode(d);
      ++n;
    }
  }
  const std::string labels = digest("SELECT count(*), max(time), total(length(label) + length(note)) FROM annotations");
  if (labels != annotationsKey_) {
    annotationsKey_ = labels;
    for (const auto& a : reader_.annotations()) {
      out << EventEncoder::encode(a);
      ++n;
    }
  }
  return n;
}

std::size_t StoreStreamer::pollAppended(std::ostream& out) {
  std::size_t n = 0;
  for (auto batch = reader_.metricsAfter(lastMetric_); !batch.empty(); batch = reader_.metricsAfter(lastMetric_)) {
    for (const auto& m : batch) out << EventEncoder::encode(m);
    lastMetric_ = batch.back().rowid;
    n += batch.size();
  }
  for (auto batch = reader_.rolloutsAfter(lastRollout_); !batch.empty(); batch = reader_.rolloutsAfter(lastRollout_)) {
    for (const auto& r : batch) out << EventEncoder::encode(r);
    lastRollout_ = batch.back().id;
    n += batch.size();
  }
  for (auto batch = reader_.rolloutBehaviorsAfter(lastBehavior_); !batch.empty();
       batch = reader_.rolloutBehaviorsAfter(lastBehavior_)) {
    for (const auto& b : batch) out << EventEncoder::encode(b.second);
    lastBehavior_ = batch.back().first;
    n += batch.size();
  }
  for (auto batch = reader_.eventsAfter(lastEvent_); !batch.empty(); batch = reader_.eventsAfter(lastEvent_)) {
    for (const auto& e : batch) out << EventEncoder::encode(e);
    lastEvent_ = batch.back().rowid;
    n += batch.size();
  }
  return n;
}

}  // namespace longrl::store
