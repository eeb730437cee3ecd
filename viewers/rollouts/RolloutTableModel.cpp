#include "viewers/rollouts/RolloutTableModel.h"

#include <QBrush>
#include <QColor>

#include <cmath>

#include "viewers/rollouts/RolloutBehaviorCells.h"
#include "viewers/rollouts/RolloutCells.h"

namespace longrl::viewers {

RolloutTableModel::RolloutTableModel(QObject* parent, int chunkSize, int cacheChunks)
    : QAbstractTableModel(parent), chunkSize_(std::max(1, chunkSize)), cacheChunks_(std::max(2, cacheChunks)),
      state_(std::make_shared<RolloutFetchState>()) {
  qRegisterMetaType<longrl::viewers::RolloutChunkPtr>("longrl::viewers::RolloutChunkPtr");
  wishTimer_.setSingleShot(true);
  wishTimer_.setInterval(0);  // one batch per event-loop pass: the rows of one repaint
  connect(&wishTimer_, &QTimer::timeout, this, &RolloutTableModel::sendWishes);
}

RolloutTableModel::~RolloutTableModel() { stopWorker(); }

void RolloutTableModel::startWorker() {
  fetcher_ = new RolloutFetcher(path_, state_);
  fetcher_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, fetcher_, &QObject::deleteLater);
  connect(fetcher_, &RolloutFetcher::counted, this, &RolloutTableModel::onCounted);
  connect(fetcher_, &RolloutFetcher::fetched, this, &RolloutTableModel::onFetched);
  connect(fetcher_, &RolloutFetcher::skipped, this, &RolloutTableModel::onSkipped);
  connect(fetcher_, &RolloutFetcher::failed, this, &RolloutTableModel::onFailed);
  connect(fetcher_, &RolloutFetcher::behaviorClassifiers, this, &RolloutTableModel::behaviorClassifiersFound);
  thread_.setObjectName(QStringLiteral("rollout-fetcher"));
  thread_.start();
}

void RolloutTableModel::stopWorker() {
  if (!fetcher_) return;
  ++state_->generation;  // whatever is queued is skipped
  thread_.quit();
  thread_.wait();
  fetcher_ = nullptr;  // deleted by deleteLater when the thread finished
}

void RolloutTableModel::setStorePath(const QString& storePath) {
  stopWorker();
  path_ = storePath;
  if (!path_.isEmpty()) startWorker();
  setQuery(query_);
}

void RolloutTableModel::dropCache() {
  cache_.clear();
  lru_.clear();
  wished_.clear();
  pending_.clear();
}

void RolloutTableModel::setQuery(const store::RolloutQuery& query) {
  const quint64 gen = ++state_->generation;
  beginResetModel();
  query_ = query;
  rows_ = 0;
  counted_ = false;
  dropCache();
  endResetModel();
  if (!fetcher_) return;
  const auto q = query_;
  QMetaObject::invokeMethod(
      fetcher_, [f = fetcher_, gen, q] { f->count(gen, q, false); }, Qt::QueuedConnection);
}

void RolloutTableModel::refresh() {
  if (!fetcher_) return;
  const quint64 gen = state_->generation.load();
  const auto q = query_;
  QMetaObject::invokeMethod(
      fetcher_, [f = fetcher_, gen, q] { f->count(gen, q, true); }, Qt::QueuedConnection);
}

void RolloutTableModel::onCounted(quint64 generation, qint64 rows, bool refresh) {
  if (generation != state_->generation.load()) {
    ++dropped_;
    return;
  }
  lastError_.clear();
  const bool appendOnly = refresh && counted_ && rows > rows_ && query_.order_by == "id" && !query_.descending;
  if (appendOnly) {
    // The last chunk may have been partial: forget it so that it is read again.
    const int last = int((rows_ - 1) / chunkSize_);
    if (auto it = cache_.find(last); it != cache_.end()) {
      lru_.erase(it->second.lru);
      cache_.erase(it);
    }
    beginInsertRows({}, int(rows_), int(rows - 1));
    rows_ = rows;
    endInsertRows();
  } else if (!counted_ || rows != rows_) {
    beginResetModel();
    dropCache();
    rows_ = rows;
    endResetModel();
  }
  counted_ = true;
  Q_EMIT rowCountKnown(rows_);
}

void RolloutTableModel::wish(int chunk) const {
  if (pending_.count(chunk) || !fetcher_) return;
  wished_.insert(chunk);
  if (!wishTimer_.isActive()) wishTimer_.start();
}

void RolloutTableModel::sendWishes() {
  if (wished_.empty() || !fetcher_) return;
  // Everything asked for before this batch is superseded: the view repaints what it still shows.
  const quint64 floor = nextTicket_;
  state_->ticketFloor.store(floor);
  const quint64 gen = state_->generation.load();
  for (int chunk : wished_) {
    pending_.insert(chunk);
    const quint64 ticket = nextTicket_++;
    const int size = chunkSize_;
    QMetaObject::invokeMethod(
        fetcher_, [f = fetcher_, gen, ticket, chunk, size] { f->fetch(gen, ticket, chunk, size); },
        Qt::QueuedConnection);
  }
  wished_.clear();
}

void RolloutTableModel::onFetched(const RolloutChunkPtr& chunk) {
  if (chunk->generation != state_->generation.load()) {
    ++dropped_;
    return;
  }
  pending_.erase(chunk->index);
  lru_.push_front(chunk->index);
  cache_[chunk->index] = Cached{chunk, lru_.begin()};
  while (int(cache_.size()) > cacheChunks_) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
  const int first = chunk->index * chunkSize_;
  const int last = std::min<qint64>(rows_, qint64(first) + chunkSize_) - 1;
  if (last >= first) Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
  Q_EMIT chunkLoaded(chunk->index);
}

void RolloutTableModel::onSkipped(quint64 generation, int chunk) {
  if (generation != state_->generation.load()) return;
  pending_.erase(chunk);
  // Ask the view to repaint those rows: if it still shows them, data() wishes for them again.
  const int first = chunk * chunkSize_;
  const int last = std::min<qint64>(rows_, qint64(first) + chunkSize_) - 1;
  if (last >= first) Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1), {Qt::DisplayRole});
}

void RolloutTableModel::onFailed(quint64 generation, int chunk, const QString& message) {
  if (generation != state_->generation.load()) return;
  if (chunk >= 0) pending_.erase(chunk);
  lastError_ = message;
  Q_EMIT problem(message);
}

const store::RolloutRecord* RolloutTableModel::record(int row) const {
  if (row < 0 || row >= rows_) return nullptr;
  auto it = cache_.find(row / chunkSize_);
  if (it == cache_.end()) return nullptr;
  const auto& rows = it->second.chunk->rows;
  const std::size_t k = std::size_t(row % chunkSize_);
  return k < rows.size() ? &rows[k] : nullptr;
}

int RolloutTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(rows_); }

int RolloutTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RolloutTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const int chunk = index.row() / chunkSize_;
  auto it = cache_.find(chunk);
  if (it == cache_.end()) {
    wish(chunk);
    if (role == LoadedRole) return false;
    if (role == RolloutIdRole) return qint64(-1);
    return role == Qt::DisplayRole ? QVariant(QStringLiteral("…")) : QVariant();
  }
  if (it->second.lru != lru_.begin()) lru_.splice(lru_.begin(), lru_, it->second.lru);
  const auto& c = *it->second.chunk;
  const std::size_t k = std::size_t(index.row() % chunkSize_);
  if (k >= c.rows.size()) return role == Qt::DisplayRole ? QVariant(QStringLiteral("…")) : QVariant();
  const auto& r = c.rows[k];
  switch (role) {
    case LoadedRole:
      return true;
    case RolloutIdRole:
      return qint64(r.id);
    case ExampleIdRole:
      return QString::fromStdString(r.example_id);
    default:
      return cell(c, k, index.column(), role);
  }
}

QVariant RolloutTableModel::cell(const RolloutChunk& c, std::size_t row, int column, int role) const {
  if (RolloutBehaviorCells::isBehaviorColumn(column))
    return RolloutBehaviorCells::value(row < c.behaviors.size() ? c.behaviors[row] : std::nullopt, column, role);
  return RolloutCells::value(c.rows[row], c.sources[row], column, role);
}

QVariant RolloutTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
  if (role == Qt::DisplayRole) return RolloutCells::title(section);
  if (role == Qt::ToolTipRole && RolloutBehaviorCells::isBehaviorColumn(section))
    return RolloutBehaviorCells::tooltip(section, behaviorClassifier());
  if (role == Qt::ToolTipRole) return RolloutCells::tooltip(section);
  return {};
}

const char* RolloutTableModel::sortKey(int column) {
  switch (column) {
    case Id:
      return "id";
    case Step:
      return "step";
    case Phase:
      return "phase";
    case Example:
      return "example_id";
    case Group:
      return "group_idx";
    case Sample:
      return "sample_idx";
    case Reward:
      return "reward";
    case Rule:
      return "rule_score";
    case Judge:
      return "judge_verdict";
    case Advantage:
      return "advantage";
    case Length:
      return "length";
    case Think:
      return "think_len";
    case Truncated:
      return "truncated";
    case Entropy:
      return "mean_entropy";
    case Subgoal:
      return "behavior.subgoal";
    case Backtracking:
      return "behavior.backtracking";
    case Verification:
      return "behavior.verification";
    case Grounding:
      return "behavior.grounding_share";
    default:
      return "";
  }
}

void RolloutTableModel::sort(int column, Qt::SortOrder order) {
  const std::string key = sortKey(column);
  if (key.empty()) return;  // data_source and answer are not sortable in SQL
  if (key == query_.order_by && (order == Qt::DescendingOrder) == query_.descending) return;
  auto q = query_;
  q.order_by = key;
  q.descending = order == Qt::DescendingOrder;
  setQuery(q);
}

}  // namespace longrl::viewers
