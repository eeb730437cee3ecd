#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/store/AnnotationRecord.h"
#include "core/store/DifficultyRecord.h"
#include "core/store/DocumentRecord.h"
#include "core/store/EventRecord.h"
#include "core/store/ExampleRecord.h"
#include "core/store/MetricPoint.h"
#include "core/store/PhaseInfo.h"
#include "core/store/RolloutBehaviorRecord.h"
#include "core/store/RolloutQuery.h"
#include "core/store/RolloutRecord.h"
#include "core/store/RunInfo.h"
#include "core/store/RunStore.h"

namespace longrl::store {

// A read-only view of a run store. Each call reads a fresh snapshot, so a live view polls
// `...After(lastSeenRowid)` and gets exactly what the writer committed since. One thread per
// reader; open several readers for several threads.
class RunStoreReader {
 public:
  explicit RunStoreReader(const std::string& path);

  // Rows with rowid > `rowid`, in rowid order, at most `limit`.
  std::vector<MetricPoint> metricsAfter(std::int64_t rowid, std::size_t limit = 10000);
  std::vector<RolloutRecord> rolloutsAfter(std::int64_t rowid, std::size_t limit = 1000);
  std::vector<EventRecord> eventsAfter(std::int64_t rowid, std::size_t limit = 1000);

  std::vector<std::string> metricNames();
  // All points of one metric, by step.
  std::vector<MetricPoint> metricSeries(const std::string& name);
  // The point with the highest step of that metric.
  std::optional<MetricPoint> lastMetric(const std::string& name);
  // Every metric point ordered by (step, name), streamed (for exports of large runs).
  void forEachMetric(const std::function<void(const MetricPoint&)>& visit);
  // Highest step of any metric; -1 when there is none.
  std::int64_t lastStep();

  std::vector<RunInfo> runs();
  std::vector<PhaseInfo> phases();
  std::vector<AnnotationRecord> annotations();
  std::vector<DifficultyRecord> difficulty(std::optional<int> phase = std::nullopt);
  std::optional<DocumentRecord> document(std::int64_t id);
  std::optional<ExampleRecord> example(const std::string& id);
  std::vector<ExampleRecord> examples();
  std::optional<RolloutRecord> rollout(std::int64_t id);
  std::vector<RolloutRecord> rollouts(const RolloutQuery& query);
  std::int64_t rolloutCount(const RolloutQuery& query);
  // The ids of every rollout a query selects, in its order (limit and offset ignored): a table
  // view keeps them and reads pages by id, so a sort is paid once, not once per page.
  std::vector<std::int64_t> rolloutIds(const RolloutQuery& query);
  // SQLite's plan for rolloutIds(query), one line per step ("SCAN rollouts USING INDEX ..."):
  // shows whether a sort or filter is served by an index (tests, diagnostics).
  std::vector<std::string> rolloutIdsPlan(const RolloutQuery& query);
  // These rollouts in the order given (unknown ids left out); `withText` as RolloutQuery::with_text.
  std::vector<RolloutRecord> rolloutsByIds(const std::vector<std::int64_t>& ids, bool withText = true);
  // The latest revision of each of these rollouts' behaviour records from `classifier`, in the
  // order given (nullopt for a rollout without one); `withRecord` false leaves `record` (the JSON
  // with the spans) empty.
  std::vector<std::optional<RolloutBehaviorRecord>> latestBehaviors(const std::vector<std::int64_t>& ids,
                                                                    const std::string& classifier,
                                                                    bool withRecord = false);
  // The classifiers with records at the last step that has any ("judge" on a share of rollouts,
  // "rule" on all): a look at one step, not a scan of the table.
  std::vector<std::string> behaviorClassifiers();
  // The behaviour records of one rollout, by classifier then revision (oldest first); none in a
  // file older than schema v5.
  std::vector<RolloutBehaviorRecord> rolloutBehaviors(const RolloutRecord& rollout);
  // Behaviour rows with SQLite rowid > `rowid`, in rowid order, at most `limit`, each with its rowid
  // (the table has no id column); none in a file older than schema v5.
  std::vector<std::pair<std::int64_t, RolloutBehaviorRecord>> rolloutBehaviorsAfter(std::int64_t rowid,
                                                                                    std::size_t limit = 1000);
  // The highest revision any rollout has from `classifier`; -1 when there is none.
  int lastBehaviorRevision(const std::string& classifier);

  const std::string& path() const { return store_.path(); }
  SqliteDb& db() { return store_.db(); }

 private:
  template <class R> std::vector<R> readAll(Statement& s);
  std::string rolloutIdsSql(const RolloutQuery& query);
  RunStore store_;
};

}  // namespace longrl::store
