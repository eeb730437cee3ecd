#include "core/store/RunStoreReader.h"

#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/store/RolloutColumns.h"
#include "core/store/StoreError.h"
#include "core/store/TextCodec.h"
#include "core/store/TextSearchFunction.h"

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

bool sortableColumn(const std::string& c) {
  static const char* kSortable[] = {"id",          "step",       "phase",     "example_id",    "group_idx",
                                    "sample_idx",  "prompt_tokens", "think_len", "reward",     "advantage",
                                    "rule_score",  "judge_verdict", "length",  "truncated",     "mean_entropy"};
  for (const char* k : kSortable)
    if (c == k) return true;
  return false;
}

// WHERE clause of a rollout query; parameters ?1..?4 and ?7.. are bound by bindFilters
// (?5/?6 are LIMIT/OFFSET, ranges from ?12 on). Range columns are checked against the sortable list: they are
// pasted into the SQL, so nothing else may get through.
std::string rolloutWhere(const RolloutQuery& q, const std::string& path) {
  std::string w;
  auto add = [&w](const std::string& cond) { w += (w.empty() ? " WHERE " : " AND ") + cond; };
  if (q.step) add("step = ?1");
  if (q.phase) add("phase = ?2");
  if (q.example_id) add("example_id = ?3");
  if (q.judge_verdict) add("judge_verdict = ?4");
  if (q.data_source) add("example_id IN (SELECT id FROM examples WHERE data_source = ?7)");
  if (q.truncated) add("truncated = ?8");
  if (q.text)
    add("(instr(lower(answer), lower(?9)) > 0 OR instr(lower(example_id), lower(?9)) > 0 OR "
        "instr(lower(judge_error), lower(?9)) > 0 OR "
        "example_id IN (SELECT id FROM examples WHERE instr(lower(question), lower(?9)) > 0))");
  for (std::size_t i = 0; i < q.ranges.size(); ++i) {
    const auto& r = q.ranges[i];
    if (!sortableColumn(r.column)) throw StoreError(path + ": cannot filter rollouts by '" + r.column + "'");
    if (r.min) add(r.column + " >= ?" + std::to_string(12 + 2 * i));
    if (r.max) add(r.column + " <= ?" + std::to_string(13 + 2 * i));
  }
  // Last: SQLite tests the terms in this order, so only rows that pass every other filter get
  // their response decompressed.
  if (q.response_contains)
    add(std::string(TextSearchFunction::kName) + "(response, zflags & " + std::to_string(zflag::kResponse) +
        ", ?10, id)");
  return w;
}

void bindFilters(Statement& s, const RolloutQuery& q) {
  if (q.step) s.bind(1, *q.step);
  if (q.phase) s.bind(2, *q.phase);
  if (q.example_id) s.bind(3, *q.example_id);
  if (q.judge_verdict) s.bind(4, *q.judge_verdict);
  if (q.data_source) s.bind(7, *q.data_source);
  if (q.truncated) s.bind(8, std::int64_t(*q.truncated ? 1 : 0));
  if (q.text) s.bind(9, *q.text);
  if (q.response_contains) s.bind(10, *q.response_contains);
  for (std::size_t i = 0; i < q.ranges.size(); ++i) {
    if (q.ranges[i].min) s.bind(int(12 + 2 * i), *q.ranges[i].min);
    if (q.ranges[i].max) s.bind(int(13 + 2 * i), *q.ranges[i].max);
  }
}

// kRolloutColumns with the long text columns replaced by empty values (zflags 0 keeps the
// reader from trying to decompress them).
constexpr const char* kShortRolloutColumns =
    "id, step, phase, example_id, group_idx, sample_idx, prompt_tokens, X'', think_len, answer, "
    "rule_score, judge_verdict, X'', X'', judge_error, reward, advantage, length, "
    "truncated, mean_entropy, NULL, wall_time, 0";

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
  if (!sortableColumn(query.order_by)) throw StoreError(path() + ": cannot sort rollouts by '" + query.order_by + "'");
  // id breaks ties so that pages do not overlap.
  const std::string sql = std::string("SELECT ") + (query.with_text ? kRolloutColumns : kShortRolloutColumns) +
                          " FROM rollouts" + rolloutWhere(query, path()) + " ORDER BY " + query.order_by +
                          (query.descending ? " DESC" : "") + ", id" + (query.descending ? " DESC" : "") +
                          " LIMIT ?5 OFFSET ?6";
  auto q = db().query(sql);
  bindFilters(*q, query);
  q->bind(5, query.limit);
  q->bind(6, query.offset);
  std::vector<RolloutRecord> out;
  while (q->step()) out.push_back(readRollout(*q));
  return out;
}

std::int64_t RunStoreReader::rolloutCount(const RolloutQuery& query) {
  auto q = db().query("SELECT count(*) FROM rollouts" + rolloutWhere(query, path()));
  bindFilters(*q, query);
  return q->step() ? q->int64(0) : 0;
}

std::string RunStoreReader::rolloutIdsSql(const RolloutQuery& query) const {
  if (!sortableColumn(query.order_by)) throw StoreError(path() + ": cannot sort rollouts by '" + query.order_by + "'");
  const std::string dir = query.descending ? " DESC" : "";
  return "SELECT id FROM rollouts" + rolloutWhere(query, path()) + " ORDER BY " + query.order_by + dir + ", id" + dir;
}

std::vector<std::int64_t> RunStoreReader::rolloutIds(const RolloutQuery& query) {
  auto q = db().query(rolloutIdsSql(query));
  bindFilters(*q, query);
  std::vector<std::int64_t> out;
  while (q->step()) out.push_back(q->int64(0));
  return out;
}

std::vector<std::string> RunStoreReader::rolloutIdsPlan(const RolloutQuery& query) {
  // EXPLAIN QUERY PLAN rows are (id, parent, notused, detail).
  auto q = db().query("EXPLAIN QUERY PLAN " + rolloutIdsSql(query));
  bindFilters(*q, query);
  std::vector<std::string> out;
  while (q->step()) out.push_back(q->text(3));
  return out;
}

std::vector<RolloutRecord> RunStoreReader::rolloutsByIds(const std::vector<std::int64_t>& ids, bool withText) {
  if (ids.empty()) return {};
  // One cached statement for any list: the ids travel as a JSON array.
  std::string list = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) list += (i ? "," : "") + std::to_string(ids[i]);
  list += "]";
  auto q = db().query(std::string("SELECT ") + (withText ? kRolloutColumns : kShortRolloutColumns) +
                      " FROM rollouts WHERE id IN (SELECT value FROM json_each(?1))");
  q->bind(1, list);
  std::unordered_map<std::int64_t, RolloutRecord> found;
  while (q->step()) {
    auto r = readRollout(*q);
    const auto id = r.id;
    found.emplace(id, std::move(r));
  }
  std::vector<RolloutRecord> out;
  out.reserve(ids.size());
  for (auto id : ids)
    if (auto it = found.find(id); it != found.end()) out.push_back(std::move(it->second));
  return out;
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
