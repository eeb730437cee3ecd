#include "core/store/RunStoreReader.h"

#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/store/RecordSql.h"
#include "core/store/RolloutBehaviorSql.h"
#include "core/store/StoreError.h"
#include "core/store/TextSearchFunction.h"
#include "core/store/ZFlag.h"

namespace longrl::store {
namespace {

using Metrics = RecordSql<MetricPoint>;
using Rollouts = RecordSql<RolloutRecord>;

// A column a rollout query may sort or filter by, as SQL; throws for any other (it is pasted into
// the SQL, so nothing else may get through).
std::string rolloutColumn(const std::string& column, bool behaviors, const std::string& path, const char* what) {
  if (Rollouts::isSortable(column)) return column;
  if (RolloutBehaviorSql::isColumn(column)) return RolloutBehaviorSql::value(column, behaviors);
  throw StoreError(path + ": cannot " + what + " rollouts by '" + column + "'");
}

std::string rolloutOrder(const RolloutQuery& q, bool behaviors, const std::string& path) {
  const std::string dir = q.descending ? " DESC" : "";
  return " ORDER BY " + rolloutColumn(q.order_by, behaviors, path, "sort") + dir + ", id" + dir;
}

// WHERE clause of a rollout query; parameters ?1..?4 and ?7.. are bound by bindFilters
// (?5/?6 are LIMIT/OFFSET, ?11 the behaviour classifier, ranges from ?12 on). `behaviors`: the store
// has the rollout_behaviors table.
std::string rolloutWhere(const RolloutQuery& q, const std::string& path, bool behaviors) {
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
    const std::string column = rolloutColumn(r.column, behaviors, path, "filter");
    if (r.min) add(column + " >= ?" + std::to_string(12 + 2 * i));
    if (r.max) add(column + " <= ?" + std::to_string(13 + 2 * i));
  }
  // Last: SQLite tests the terms in this order, so only rows that pass every other filter get
  // their response decompressed.
  if (q.response_contains)
    add(std::string(TextSearchFunction::kName) + "(response, zflags & " + std::to_string(zflag::kResponse) +
        ", ?10, id)");
  return w;
}

// `withOrder`: the statement also holds rolloutOrder (which may name ?11).
void bindFilters(Statement& s, const RolloutQuery& q, bool withOrder) {
  if (q.step) s.bind(1, *q.step);
  if (q.phase) s.bind(2, *q.phase);
  if (q.example_id) s.bind(3, *q.example_id);
  if (q.judge_verdict) s.bind(4, *q.judge_verdict);
  if (q.data_source) s.bind(7, *q.data_source);
  if (q.truncated) s.bind(8, std::int64_t(*q.truncated ? 1 : 0));
  if (q.text) s.bind(9, *q.text);
  if (q.response_contains) s.bind(10, *q.response_contains);
  if (RolloutBehaviorSql::uses(q, withOrder)) s.bind(RolloutBehaviorSql::kClassifierParameter, q.behavior_classifier);
  for (std::size_t i = 0; i < q.ranges.size(); ++i) {
    if (q.ranges[i].min) s.bind(int(12 + 2 * i), *q.ranges[i].min);
    if (q.ranges[i].max) s.bind(int(13 + 2 * i), *q.ranges[i].max);
  }
}

}  // namespace

template <class R> std::vector<R> RunStoreReader::readAll(Statement& s) {
  std::vector<R> out;
  while (s.step()) out.push_back(RecordSql<R>::read(s, path()));
  return out;
}

RunStoreReader::RunStoreReader(const std::string& path) : store_(path, RunStore::Access::Read) {}

std::vector<MetricPoint> RunStoreReader::metricsAfter(std::int64_t rowid, std::size_t limit) {
  auto q = db().query(Metrics::select() + " WHERE id > ?1 ORDER BY id LIMIT ?2");
  q->bind(1, rowid);
  q->bind(2, static_cast<std::int64_t>(limit));
  std::vector<MetricPoint> out;
  while (q->step()) out.push_back(Metrics::read(*q, path()));
  return out;
}

std::vector<MetricPoint> RunStoreReader::metricSeries(const std::string& name) {
  auto q = db().query(Metrics::select() + " WHERE name = ?1 ORDER BY step");
  q->bind(1, name);
  std::vector<MetricPoint> out;
  while (q->step()) out.push_back(Metrics::read(*q, path()));
  return out;
}

std::optional<MetricPoint> RunStoreReader::lastMetric(const std::string& name) {
  auto q = db().query(Metrics::select() + " WHERE name = ?1 ORDER BY step DESC LIMIT 1");
  q->bind(1, name);
  if (!q->step()) return std::nullopt;
  return Metrics::read(*q, path());
}

void RunStoreReader::forEachMetric(const std::function<void(const MetricPoint&)>& visit) {
  auto q = db().query(Metrics::select() + " ORDER BY step, name");
  while (q->step()) visit(Metrics::read(*q, path()));
}

std::int64_t RunStoreReader::lastStep() { return db().scalar("SELECT max(step) FROM metrics", -1); }

std::vector<std::string> RunStoreReader::metricNames() {
  auto q = db().query("SELECT DISTINCT name FROM metrics ORDER BY name");
  std::vector<std::string> out;
  while (q->step()) out.push_back(q->text(0));
  return out;
}

std::vector<RolloutRecord> RunStoreReader::rolloutsAfter(std::int64_t rowid, std::size_t limit) {
  auto q = db().query(Rollouts::select() + " WHERE id > ?1 ORDER BY id LIMIT ?2");
  q->bind(1, rowid);
  q->bind(2, static_cast<std::int64_t>(limit));
  std::vector<RolloutRecord> out;
  while (q->step()) out.push_back(Rollouts::read(*q, path()));
  return out;
}

std::optional<RolloutRecord> RunStoreReader::rollout(std::int64_t id) {
  auto q = db().query(Rollouts::select() + " WHERE id = ?1");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return Rollouts::read(*q, path());
}

std::vector<RolloutRecord> RunStoreReader::rollouts(const RolloutQuery& query) {
  const bool behaviors = db().tableExists(RolloutBehaviorRecord::kTable);
  // id breaks ties so that pages do not overlap.
  const std::string sql = (query.with_text ? Rollouts::select() : Rollouts::selectShort()) +
                          rolloutWhere(query, path(), behaviors) + rolloutOrder(query, behaviors, path()) +
                          " LIMIT ?5 OFFSET ?6";
  auto q = db().query(sql);
  bindFilters(*q, query, true);
  q->bind(5, query.limit);
  q->bind(6, query.offset);
  std::vector<RolloutRecord> out;
  while (q->step()) out.push_back(Rollouts::read(*q, path()));
  return out;
}

std::int64_t RunStoreReader::rolloutCount(const RolloutQuery& query) {
  auto q = db().query("SELECT count(*) FROM rollouts" +
                      rolloutWhere(query, path(), db().tableExists(RolloutBehaviorRecord::kTable)));
  bindFilters(*q, query, false);
  return q->step() ? q->int64(0) : 0;
}

std::string RunStoreReader::rolloutIdsSql(const RolloutQuery& query) {
  const bool behaviors = db().tableExists(RolloutBehaviorRecord::kTable);
  return "SELECT id FROM rollouts" + rolloutWhere(query, path(), behaviors) + rolloutOrder(query, behaviors, path());
}

std::vector<std::int64_t> RunStoreReader::rolloutIds(const RolloutQuery& query) {
  auto q = db().query(rolloutIdsSql(query));
  bindFilters(*q, query, true);
  std::vector<std::int64_t> out;
  while (q->step()) out.push_back(q->int64(0));
  return out;
}

std::vector<std::string> RunStoreReader::rolloutIdsPlan(const RolloutQuery& query) {
  // EXPLAIN QUERY PLAN rows are (id, parent, notused, detail).
  auto q = db().query("EXPLAIN QUERY PLAN " + rolloutIdsSql(query));
  bindFilters(*q, query, true);
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
  auto q = db().query((withText ? Rollouts::select() : Rollouts::selectShort()) +
                      " WHERE id IN (SELECT value FROM json_each(?1))");
  q->bind(1, list);
  std::unordered_map<std::int64_t, RolloutRecord> found;
  while (q->step()) {
    auto r = Rollouts::read(*q, path());
    const auto id = r.id;
    found.emplace(id, std::move(r));
  }
  std::vector<RolloutRecord> out;
  out.reserve(ids.size());
  for (auto id : ids)
    if (auto it = found.find(id); it != found.end()) out.push_back(std::move(it->second));
  return out;
}

std::vector<std::optional<RolloutBehaviorRecord>> RunStoreReader::latestBehaviors(const std::vector<std::int64_t>& ids,
                                                                                  const std::string& classifier,
                                                                                  bool withRecord) {
  using Rows = RecordSql<RolloutBehaviorRecord>;
  std::vector<std::optional<RolloutBehaviorRecord>> out(ids.size());
  if (ids.empty() || !db().tableExists(RolloutBehaviorRecord::kTable)) return out;
  std::string columns;
  for (const auto& c : Rows::columns())
    columns += (columns.empty() ? "" : ", ") + (c.name == "record" && !withRecord ? "''" : "b." + c.name);
  // The rollout's id after the record's columns, where read() does not look.
  auto q = db().query("SELECT " + columns +
                      ", r.id FROM rollouts r JOIN rollout_behaviors b ON b.rowid = (SELECT rowid FROM "
                      "rollout_behaviors WHERE step = r.step AND example_id = r.example_id AND group_idx = "
                      "r.group_idx AND sample_idx = r.sample_idx AND classifier = ?2 ORDER BY revision DESC LIMIT 1) "
                      "WHERE r.id IN (SELECT value FROM json_each(?1))");
  std::string list = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) list += (i ? "," : "") + std::to_string(ids[i]);
  q->bind(1, list + "]");
  q->bind(2, classifier);
  const int idColumn = int(Rows::columns().size());
  std::unordered_map<std::int64_t, RolloutBehaviorRecord> found;
  while (q->step()) found.emplace(q->int64(idColumn), Rows::read(*q, path()));
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (auto it = found.find(ids[i]); it != found.end()) out[i] = it->second;
  return out;
}

std::vector<std::string> RunStoreReader::behaviorClassifiers() {
  if (!db().tableExists(RolloutBehaviorRecord::kTable)) return {};
  auto q = db().query(
      "SELECT DISTINCT classifier FROM rollout_behaviors WHERE step = (SELECT max(step) FROM rollout_behaviors) "
      "ORDER BY classifier DESC");
  std::vector<std::string> out;
  while (q->step()) out.push_back(q->text(0));
  return out;
}

std::vector<EventRecord> RunStoreReader::eventsAfter(std::int64_t rowid, std::size_t limit) {
  auto q = db().query(RecordSql<EventRecord>::select() + " WHERE id > ?1 ORDER BY id LIMIT ?2");
  q->bind(1, rowid);
  q->bind(2, static_cast<std::int64_t>(limit));
  return readAll<EventRecord>(*q);
}

std::vector<RunInfo> RunStoreReader::runs() {
  auto q = db().query(RecordSql<RunInfo>::select() + " ORDER BY id");
  return readAll<RunInfo>(*q);
}

std::vector<PhaseInfo> RunStoreReader::phases() {
  auto q = db().query(RecordSql<PhaseInfo>::select() + " ORDER BY idx");
  return readAll<PhaseInfo>(*q);
}

std::vector<AnnotationRecord> RunStoreReader::annotations() {
  auto q = db().query(RecordSql<AnnotationRecord>::select() + " ORDER BY time, id");
  return readAll<AnnotationRecord>(*q);
}

std::vector<DifficultyRecord> RunStoreReader::difficulty(std::optional<int> phase) {
  auto q =
      db().query(RecordSql<DifficultyRecord>::select() + " WHERE ?1 IS NULL OR phase = ?1 ORDER BY phase, example_id");
  if (phase) q->bind(1, *phase);
  return readAll<DifficultyRecord>(*q);
}

std::vector<RolloutBehaviorRecord> RunStoreReader::rolloutBehaviors(const RolloutRecord& r) {
  if (!db().tableExists(RolloutBehaviorRecord::kTable)) return {};
  auto q = db().query(RecordSql<RolloutBehaviorRecord>::select() +
                      " WHERE step = ?1 AND example_id = ?2 AND group_idx = ?3 AND sample_idx = ?4"
                      " ORDER BY classifier, revision");
  q->bind(1, r.step);
  q->bind(2, r.example_id);
  q->bind(3, std::int64_t(r.group_idx));
  q->bind(4, std::int64_t(r.sample_idx));
  return readAll<RolloutBehaviorRecord>(*q);
}

std::vector<std::pair<std::int64_t, RolloutBehaviorRecord>> RunStoreReader::rolloutBehaviorsAfter(std::int64_t rowid,
                                                                                                  std::size_t limit) {
  using Rows = RecordSql<RolloutBehaviorRecord>;
  if (!db().tableExists(RolloutBehaviorRecord::kTable)) return {};
  // The rowid after the record's columns, where read() does not look.
  static const std::string sql = [] {
    std::string s = Rows::select();
    s.insert(s.find(" FROM "), ", rowid");
    return s + " WHERE rowid > ?1 ORDER BY rowid LIMIT ?2";
  }();
  constexpr int kRowidColumn = int(std::tuple_size_v<decltype(RolloutBehaviorRecord::fields())>);
  auto q = db().query(sql);
  q->bind(1, rowid);
  q->bind(2, static_cast<std::int64_t>(limit));
  std::vector<std::pair<std::int64_t, RolloutBehaviorRecord>> out;
  while (q->step()) out.emplace_back(q->int64(kRowidColumn), Rows::read(*q, path()));
  return out;
}

int RunStoreReader::lastBehaviorRevision(const std::string& classifier) {
  if (!db().tableExists(RolloutBehaviorRecord::kTable)) return -1;
  auto q = db().query("SELECT coalesce(max(revision), -1) FROM rollout_behaviors WHERE classifier = ?1");
  q->bind(1, classifier);
  return q->step() ? static_cast<int>(q->int64(0)) : -1;
}

std::optional<DocumentRecord> RunStoreReader::document(std::int64_t id) {
  auto q = db().query(RecordSql<DocumentRecord>::select() + " WHERE id = ?1");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return RecordSql<DocumentRecord>::read(*q, path());
}

std::optional<ExampleRecord> RunStoreReader::example(const std::string& id) {
  auto q = db().query(RecordSql<ExampleRecord>::select() + " WHERE id = ?1");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return RecordSql<ExampleRecord>::read(*q, path());
}

std::vector<ExampleRecord> RunStoreReader::examples() {
  auto q = db().query(RecordSql<ExampleRecord>::select() + " ORDER BY rowid");
  return readAll<ExampleRecord>(*q);
}

}  // namespace longrl::store
