#pragma once
#include <QAbstractTableModel>
#include <QThread>
#include <QTimer>

#include <list>
#include <memory>
#include <set>
#include <unordered_map>

#include "core/store/RolloutQuery.h"
#include "viewers/rollouts/RolloutChunk.h"
#include "viewers/rollouts/RolloutFetcher.h"

namespace longrl::viewers {

// All rollouts of a run (or those a RolloutQuery selects) as a table, for runs with hundreds of
// thousands of them. The row count and the rows come from a worker thread (RolloutFetcher):
// data() of a row not loaded yet returns a placeholder and wishes for its chunk; the wishes of one
// event-loop pass are sent as one batch; rows arrive as dataChanged. Only what the view asks for
// (the visible rows) is read, chunks are kept in an LRU cache, and every request is tagged with
// the query's generation so results of an old filter or sort are dropped. Never blocks the UI.
class RolloutTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    Id,
    Step,
    Phase,
    Example,
    Source,
    Group,
    Sample,
    Reward,
    Rule,
    Judge,
    Advantage,
    Length,
    Think,
    Truncated,
    Entropy,
    Subgoal,  // behaviour columns (RolloutBehaviorCells): the classifier's latest record
    Backtracking,
    Verification,
    Grounding,
    Answer,
    ColumnCount
  };
  enum Role { RolloutIdRole = Qt::UserRole + 1, ExampleIdRole, LoadedRole };
  static constexpr int kDefaultChunkSize = 256;
  static constexpr int kDefaultCacheChunks = 64;

  explicit RolloutTableModel(QObject* parent = nullptr, int chunkSize = kDefaultChunkSize,
                             int cacheChunks = kDefaultCacheChunks);
  ~RolloutTableModel() override;

  // The run's store file (run.sqlite); an empty path shows nothing.
  void setStorePath(const QString& storePath);
  QString storePath() const { return path_; }
  // Filters and sort (limit/offset/with_text are managed by the model).
  void setQuery(const store::RolloutQuery& query);
  const store::RolloutQuery& query() const { return query_; }
  // Re-counts (a live run grows): rows appended at the end when sorted by ascending id, else a reset.
  void refresh();

  // The behaviour classifier whose records the behaviour columns show (and filter and sort by).
  QString behaviorClassifier() const { return QString::fromStdString(query_.behavior_classifier); }

  // The column a RolloutQuery can sort by, or "" for columns that cannot be sorted.
  static const char* sortKey(int column);
  // The loaded record of a row (short columns only), nullptr while it is not loaded.
  const store::RolloutRecord* record(int row) const;
  bool counted() const { return counted_; }
  quint64 generation() const { return state_->generation.load(); }
  const RolloutFetchState& fetchState() const { return *state_; }
  int droppedResults() const { return dropped_; }  // arrived for an older generation
  int cachedChunks() const { return int(cache_.size()); }
  bool isCached(int chunk) const { return cache_.count(chunk) != 0; }
  QString lastError() const { return lastError_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

 Q_SIGNALS:
  void rowCountKnown(qint64 rows);
  void chunkLoaded(int chunk);
  void problem(const QString& message);
  void behaviorClassifiersFound(const QStringList& classifiers);

 private:
  struct Cached {
    RolloutChunkPtr chunk;
    std::list<int>::iterator lru;
  };
  void startWorker();
  void stopWorker();
  void wish(int chunk) const;
  void sendWishes();
  void onCounted(quint64 generation, qint64 rows, bool refresh);
  void onFetched(const RolloutChunkPtr& chunk);
  void onSkipped(quint64 generation, int chunk);
  void onFailed(quint64 generation, int chunk, const QString& message);
  void dropCache();
  QVariant cell(const RolloutChunk& chunk, std::size_t row, int column, int role) const;

  QString path_;
  store::RolloutQuery query_;
  int chunkSize_, cacheChunks_;
  std::shared_ptr<RolloutFetchState> state_;
  QThread thread_;
  RolloutFetcher* fetcher_ = nullptr;
  qint64 rows_ = 0;
  bool counted_ = false;
  int dropped_ = 0;
  quint64 nextTicket_ = 1;
  QString lastError_;
  // Mutable: data() is const but records what the view wants and touches the LRU order.
  mutable std::unordered_map<int, Cached> cache_;
  mutable std::list<int> lru_;  // most recently used first
  mutable std::set<int> wished_, pending_;
  mutable QTimer wishTimer_;
};

}  // namespace longrl::viewers
