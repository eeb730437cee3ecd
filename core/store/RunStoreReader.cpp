#include "core/store/RunStoreReader.h"

#include <cmath>
#include <limits>

#include "core/store/RolloutColumns.h"
#include "core/store/StoreError.h"
#include "core/store/TextCodec.h"

namespace longrl::store {
namespace {

double realOrNan(const Statement& s, int col) {
  return s.isNull(col) ? std::numeric_limits<double>::quiet_NaN() : s.real(col);
}

MetricPoint readMetric(const Statement& s) {
  MetricPoint m;
  m.rowid = s.int64(0);
  m.step = s.int64(1);
  m.phase = int(s.int64(2));
  m.name = s.text(3);
  m.value = realOrNan(s, 4);
  m.wall_time = s.real(5);
  return m;
}

constexpr const char* kMetricColumns = "SELECT id, step, phase, name, value, wall_time FROM metrics ";

// WHERE clause of a rollout query; parameters ?1..?4 are bound by bindFilters.
std::string rolloutWhere(const RolloutQuery& q) {
  std::string w;
  auto add = [&w](const char* cond) { w += (w.empty() ? " WHERE " : " AND ") + std::string(cond); };
  if (q.step) add("step = ?1");
  if (q.phase) add("phase = ?2");
  if (q.example_id) add("example_id = ?3");
  if (q.judge_verdict) add("judge_verdict = ?4");
  return w;
}

void bindFilters(Statement& s, const RolloutQuery& q) {
  if (q.step) s.bind(1, *q.step);
  if (q.phase) s.bind(2, *q.phase);
  if (q.example_id) s.bind(3, *q.example_id);
  if (q.judge_verdict) s.bind(4, *q.judge_verdict);
}

}  // namespace

RunStoreReader::RunStoreReader(const std::string& path) : store_(path, RunStore::Access::Read) {}

std::vector<MetricPoint> RunStoreReader::metricsAfter(std::int64_t rowid, std::size_t limit) {
  auto q = db().query(std::string(kMetricColumns) + "WHERE id > ?1 ORDER BY id LIMIT ?2");
  q->bind(1, rowid);
  q->bind(2, static_cast<std::int64_t>(limit));
  std::vector<MetricPoint> out;
  while (q->step()) out.push_back(readMetric(*q));
  return out;
}

std::vector<MetricPoint> RunStoreReader::metricSeries(const std::string& name) {
  auto q = db().query(std::string(kMetricColumns) + "WHERE name = ?1 ORDER BY step");
  q->bind(1, name);
  std::vector<MetricPoint> out;
  while (q->step()) out.push_back(readMetric(*q));
  return out;
}

std::optional<MetricPoint> RunStoreReader::lastMetric(const std::string& name) {
  auto q = db().query(std::string(kMetricColumns) + "WHERE name = ?1 ORDER BY step DESC LIMIT 1");
  q->bind(1, name);
  if (!q->step()) return std::nullopt;
  return readMetric(*q);
}

void RunStoreReader::forEachMetric(const std::function<void(const MetricPoint&)>& visit) {
  auto q = db().query(std::string(kMetricColumns) + "ORDER BY step, name");
  while (q->step()) visit(readMetric(*q));
}

std::int64_t RunStoreReader::lastStep() { return db().scalar("SELECT max(step) FROM metrics", -1); }

std::vector<std::string> RunStoreReader::metricNames() {
  auto q = db().query("SELECT DISTINCT name FROM metrics ORDER BY name");
  std::vector<std::string> out;
  while (q->step()) out.push_back(q->text(0));
  return out;
}

RolloutRecord RunStoreReader::readRollout(Statement& s) {
  RolloutRecord r;
  r.id = s.int64(0);
  const int z = int(s.int64(22));
  const std::string where = path() + ": rollout " + std::to_string(r.id);
  auto unpack = [&](int col, int bit, const char* column) {
    const auto b = s.bytes(col);
    return TextCodec::unpack(b.data(), b.size(), (z & bit) != 0, where + " " + column);
  };
  r.step = s.int64(1);
  r.phase = int(s.int64(2));
  r.example_id = s.text(3);
  r.group_idx = int(s.int64(4));
  r.sample_idx = int(s.int64(5));
  r.prompt_tokens = s.int64(6);
  r.response = unpack(7, zflag::kResponse, "response");
  r.think_len = s.int64(8);
  r.answer = s.text(9);
  r.rule_score = realOrNan(s, 10);
  r.judge_verdict = s.text(11);
  r.judge_raw = unpack(12, zflag::kJudgeRaw, "judge_raw");
  r.judge_prompt = unpack(13, zflag::kJudgePrompt, "judge_prompt");
  r.judge_error = s.text(14);
  r.reward = realOrNan(s, 15);
  r.advantage = realOrNan(s, 16);
  r.length = s.int64(17);
  r.truncated = s.int64(18) != 0;
  r.mean_entropy = realOrNan(s, 19);
  if (!s.isNull(20)) r.trajectory = unpack(20, zflag::kTrajectory, "trajectory");
  r.wall_time = s.real(21);
  return r;
}

std::vector<RolloutRecord> RunStoreReader::rolloutsAfter(std::int64_t rowid, std::size_t limit) {
  auto q = db().query(std::string("SELECT ") + kRolloutColumns + " FROM rollouts WHERE id > ?1 ORDER BY id LIMIT ?2");
  q->bind(1, rowid);
  q->bind(2, static_cast<std::int64_t>(limit));
  std::vector<RolloutRecord> out;
  while (q->step()) out.push_back(readRollout(*q));
  return out;
}

std::optional<RolloutRecord> RunStoreReader::rollout(std::int64_t id) {
  auto q = db().query(std::string("SELECT ") + kRolloutColumns + " FROM rollouts WHERE id = ?1");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return readRollout(*q);
}

std::vector<RolloutRecord> RunStoreReader::rollouts(const RolloutQuery& query) {
  static const char* kSortable[] = {"id", "step", "reward", "advantage", "rule_score", "length", "mean_entropy"};
  bool known = false;
  for (const char* c : kSortable) known = known || query.order_by == c;
  if (!known) throw StoreError(path() + ": cannot sort rollouts by '" + query.order_by + "'");
  // id breaks ties so that pages do not overlap.
  const std::string sql = std::string("SELECT ") + kRolloutColumns + " FROM rollouts" + rolloutWhere(query) +
                          " ORDER BY " + query.order_by + (query.descending ? " DESC" : "") +
                          ", id LIMIT ?5 OFFSET ?6";
  auto q = db().query(sql);
  bindFilters(*q, query);
  q->bind(5, query.limit);
  q->bind(6, query.offset);
  std::vector<RolloutRecord> out;
  while (q->step()) out.push_back(readRollout(*q));
  return out;
}

std::int64_t RunStoreReader::rolloutCount(const RolloutQuery& query) {
  auto q = db().query("SELECT count(*) FROM rollouts" + rolloutWhere(query));
  bindFilters(*q, query);
  return q->step() ? q->int64(0) : 0;
}

std::vector<EventRecord> RunStoreReader::eventsAfter(std::int64_t rowid, std::size_t limit) {
  auto q = db().query("SELECT id, kind, payload, time FROM events WHERE id > ?1 ORDER BY id LIMIT ?2");
  q->bind(1, rowid);
  q->bind(2, static_cast<std::int64_t>(limit));
  std::vector<EventRecord> out;
  while (q->step()) out.push_back({q->int64(0), q->text(1), q->text(2), q->real(3)});
  return out;
}

std::vector<RunInfo> RunStoreReader::runs() {
  auto q = db().query("SELECT name, status, config_json, host, created_time, updated_time FROM runs ORDER BY id");
  std::vector<RunInfo> out;
  while (q->step()) out.push_back({q->text(0), q->text(1), q->text(2), q->text(3), q->real(4), q->real(5)});
  return out;
}

std::vector<PhaseInfo> RunStoreReader::phases() {
  auto q = db().query(
      "SELECT idx, name, min_input_tokens, max_input_tokens, max_output_tokens, start_step, end_step, status, "
      "start_time, end_time FROM phases ORDER BY idx");
  std::vector<PhaseInfo> out;
  while (q->step())
    out.push_back({int(q->int64(0)), q->text(1), q->int64(2), q->int64(3), q->int64(4), q->int64(5), q->int64(6),
                   q->text(7), q->real(8), q->real(9)});
  return out;
}

std::vector<AnnotationRecord> RunStoreReader::annotations() {
  auto q = db().query("SELECT example_id, label, note, author, time FROM annotations ORDER BY time, id");
  std::vector<AnnotationRecord> out;
  while (q->step()) out.push_back({q->text(0), q->text(1), q->text(2), q->text(3), q->real(4)});
  return out;
}

std::vector<DifficultyRecord> RunStoreReader::difficulty(std::optional<int> phase) {
  auto q = db().query(
      "SELECT example_id, phase, mean_reward, attempts FROM difficulty WHERE ?1 IS NULL OR phase = ?1 "
      "ORDER BY phase, example_id");
  if (phase) q->bind(1, *phase);
  std::vector<DifficultyRecord> out;
  while (q->step()) out.push_back({q->text(0), int(q->int64(1)), realOrNan(*q, 2), q->int64(3)});
  return out;
}

std::optional<DocumentRecord> RunStoreReader::document(std::int64_t id) {
  auto q = db().query("SELECT id, sha256, title, text, zflags FROM documents WHERE id = ?1");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  DocumentRecord d;
  d.id = q->int64(0);
  d.sha256 = q->text(1);
  d.title = q->text(2);
  const auto b = q->bytes(3);
  d.text = TextCodec::unpack(b.data(), b.size(), (q->int64(4) & zflag::kResponse) != 0,
                             path() + ": document " + std::to_string(d.id));
  return d;
}

std::optional<ExampleRecord> RunStoreReader::example(const std::string& id) {
  auto q = db().query(
      "SELECT id, data_source, question, ground_truth, doc_id, input_tokens FROM examples WHERE id = ?1");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return ExampleRecord{q->text(0), q->text(1), q->text(2), q->text(3), q->int64(4), q->int64(5)};
}

std::vector<ExampleRecord> RunStoreReader::examples() {
  auto q = db().query(
      "SELECT id, data_source, question, ground_truth, doc_id, input_tokens FROM examples ORDER BY rowid");
  std::vector<ExampleRecord> out;
  while (q->step()) out.push_back({q->text(0), q->text(1), q->text(2), q->text(3), q->int64(4), q->int64(5)});
  return out;
}

}  // namespace longrl::store
