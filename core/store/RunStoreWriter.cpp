#include "core/store/RunStoreWriter.h"

#include <spdlog/spdlog.h>

#include "core/store/RolloutColumns.h"
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

void RunStoreWriter::writeRun(const RunInfo& r) {
  begin();
  auto q = db().query(
      "INSERT INTO runs(name, status, config_json, host, created_time, updated_time) VALUES (?1,?2,?3,?4,?5,?6) "
      "ON CONFLICT(name) DO UPDATE SET status=excluded.status, "
      "config_json=CASE WHEN excluded.config_json='' THEN runs.config_json ELSE excluded.config_json END, "
      "host=excluded.host, "
      "created_time=CASE WHEN excluded.created_time=0 THEN runs.created_time ELSE excluded.created_time END, "
      "updated_time=excluded.updated_time");
  q->bind(1, r.name);
  q->bind(2, r.status);
  q->bind(3, r.config_json);
  q->bind(4, r.host);
  q->bind(5, r.created_time);
  q->bind(6, r.updated_time);
  q->run();
  wrote();
}

void RunStoreWriter::writePhase(const PhaseInfo& p) {
  begin();
  auto q = db().query(
      "INSERT OR REPLACE INTO phases(idx, name, min_input_tokens, max_input_tokens, max_output_tokens, "
      "start_step, end_step, status, start_time, end_time) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  q->bind(1, p.index);
  q->bind(2, p.name);
  q->bind(3, p.min_input_tokens);
  q->bind(4, p.max_input_tokens);
  q->bind(5, p.max_output_tokens);
  q->bind(6, p.start_step);
  q->bind(7, p.end_step);
  q->bind(8, p.status);
  q->bind(9, p.start_time);
  q->bind(10, p.end_time);
  q->run();
  wrote();
}

void RunStoreWriter::writeMetric(const MetricPoint& m) {
  begin();
  // The hottest write: keep the statement instead of looking its SQL up each time.
  if (!metricStmt_)
    metricStmt_ = &db().prepared(
        "INSERT INTO metrics(step, phase, name, value, wall_time) VALUES (?1,?2,?3,?4,?5) "
        "ON CONFLICT(name, step) DO UPDATE SET phase=excluded.phase, value=excluded.value, "
        "wall_time=excluded.wall_time");
  StatementLease q(*metricStmt_);
  q->bind(1, m.step);
  q->bind(2, m.phase);
  q->bind(3, m.name);
  q->bind(4, m.value);  // NaN is stored as NULL and read back as NaN
  q->bind(5, m.wall_time);
  q->run();
  wrote();
}

void RunStoreWriter::writeMetrics(const std::vector<MetricPoint>& points) {
  for (const auto& p : points) writeMetric(p);
}

std::int64_t RunStoreWriter::writeDocument(const DocumentRecord& d) {
  const std::string sha = Sha256::hex(d.text);
  if (!d.sha256.empty() && d.sha256 != sha)
    throw StoreError(path() + ": document '" + d.title + "': sha256 " + d.sha256 +
                     " does not match its text (" + sha + ")");
  begin();
  {
    auto find = db().query("SELECT id FROM documents WHERE sha256=?1");
    find->bind(1, sha);
    if (find->step()) {
      const std::int64_t id = find->int64(0);
      return id;
    }
  }
  const auto packed = TextCodec::pack(d.text, options_.compressThreshold);
  auto q = db().query("INSERT INTO documents(sha256, title, text, text_bytes, zflags) VALUES (?1,?2,?3,?4,?5)");
  q->bind(1, sha);
  q->bind(2, d.title);
  q->bindBlob(3, packed.bytes);
  q->bind(4, static_cast<std::int64_t>(d.text.size()));
  q->bind(5, packed.compressed ? zflag::kResponse : 0);
  q->run();
  const std::int64_t id = db().lastInsertRowid();
  wrote();
  return id;
}

void RunStoreWriter::writeExample(const ExampleRecord& e) {
  begin();
  auto q = db().query(
      "INSERT INTO examples(id, data_source, question, ground_truth, doc_id, input_tokens) VALUES (?1,?2,?3,?4,?5,?6) "
      "ON CONFLICT(id) DO UPDATE SET data_source=excluded.data_source, question=excluded.question, "
      "ground_truth=excluded.ground_truth, doc_id=excluded.doc_id, input_tokens=excluded.input_tokens");
  q->bind(1, e.id);
  q->bind(2, e.data_source);
  q->bind(3, e.question);
  q->bind(4, e.ground_truth);
  q->bind(5, e.doc_id);
  q->bind(6, e.input_tokens);
  q->run();
  wrote();
}

void RunStoreWriter::writeRollout(const RolloutRecord& r) {
  const auto response = TextCodec::pack(r.response, options_.compressThreshold);
  const auto judgeRaw = TextCodec::pack(r.judge_raw, options_.compressThreshold);
  const auto judgePrompt = TextCodec::pack(r.judge_prompt, options_.compressThreshold);
  TextCodec::Packed trajectory;
  if (r.trajectory) trajectory = TextCodec::pack(*r.trajectory, options_.compressThreshold);
  const int zflags = (response.compressed ? zflag::kResponse : 0) | (judgeRaw.compressed ? zflag::kJudgeRaw : 0) |
                     (judgePrompt.compressed ? zflag::kJudgePrompt : 0) |
                     (trajectory.compressed ? zflag::kTrajectory : 0);
  begin();
  auto q = db().query(
      "INSERT INTO rollouts(step, phase, example_id, group_idx, sample_idx, prompt_tokens, response, think_len, "
      "answer, rule_score, judge_verdict, judge_raw, judge_prompt, judge_error, reward, advantage, length, "
      "truncated, mean_entropy, trajectory, wall_time, zflags) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22) "
      "ON CONFLICT(step, example_id, group_idx, sample_idx) DO UPDATE SET phase=excluded.phase, "
      "prompt_tokens=excluded.prompt_tokens, response=excluded.response, think_len=excluded.think_len, "
      "answer=excluded.answer, rule_score=excluded.rule_score, judge_verdict=excluded.judge_verdict, "
      "judge_raw=excluded.judge_raw, judge_prompt=excluded.judge_prompt, judge_error=excluded.judge_error, "
      "reward=excluded.reward, advantage=excluded.advantage, length=excluded.length, "
      "truncated=excluded.truncated, mean_entropy=excluded.mean_entropy, trajectory=excluded.trajectory, "
      "wall_time=excluded.wall_time, zflags=excluded.zflags");
  q->bind(1, r.step);
  q->bind(2, r.phase);
  q->bind(3, r.example_id);
  q->bind(4, r.group_idx);
  q->bind(5, r.sample_idx);
  q->bind(6, r.prompt_tokens);
  q->bindBlob(7, response.bytes);
  q->bind(8, r.think_len);
  q->bind(9, r.answer);
  q->bind(10, r.rule_score);
  q->bind(11, r.judge_verdict);
  q->bindBlob(12, judgeRaw.bytes);
  q->bindBlob(13, judgePrompt.bytes);
  q->bind(14, r.judge_error);
  q->bind(15, r.reward);
  q->bind(16, r.advantage);
  q->bind(17, r.length);
  q->bind(18, r.truncated ? 1 : 0);
  q->bind(19, r.mean_entropy);
  if (r.trajectory)
    q->bindBlob(20, trajectory.bytes);
  else
    q->bindNull(20);
  q->bind(21, r.wall_time);
  q->bind(22, zflags);
  q->run();
  wrote();
}

void RunStoreWriter::writeAnnotation(const AnnotationRecord& a) {
  begin();
  auto q = db().query(
      "INSERT INTO annotations(example_id, label, note, author, time) VALUES (?1,?2,?3,?4,?5) "
      "ON CONFLICT(example_id, author) DO UPDATE SET label=excluded.label, note=excluded.note, time=excluded.time");
  q->bind(1, a.example_id);
  q->bind(2, a.label);
  q->bind(3, a.note);
  q->bind(4, a.author);
  q->bind(5, a.time);
  q->run();
  wrote();
}

void RunStoreWriter::writeDifficulty(const DifficultyRecord& d) {
  begin();
  auto q = db().query(
      "INSERT INTO difficulty(example_id, phase, mean_reward, attempts) VALUES (?1,?2,?3,?4) "
      "ON CONFLICT(example_id, phase) DO UPDATE SET mean_reward=excluded.mean_reward, attempts=excluded.attempts");
  q->bind(1, d.example_id);
  q->bind(2, d.phase);
  q->bind(3, d.mean_reward);
  q->bind(4, d.attempts);
  q->run();
  wrote();
}

void RunStoreWriter::writeEvent(const EventRecord& e) {
  begin();
  auto q = db().query("INSERT INTO events(kind, payload, time) VALUES (?1,?2,?3)");
  q->bind(1, e.kind);
  q->bind(2, e.payload);
  q->bind(3, e.time);
  q->run();
  wrote();
}

}  // namespace longrl::store
