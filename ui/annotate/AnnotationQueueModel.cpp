#include "ui/annotate/AnnotationQueueModel.h"

#include <QColor>

#include <algorithm>

namespace longrl::ui {

const char* const AnnotationQueueModel::kLabels[3] = {"hard", "not_hard", "unsure"};

AnnotationQueueModel::AnnotationQueueModel(QObject* parent) : QAbstractTableModel(parent) {}

void AnnotationQueueModel::setItems(AnnotationItems items) {
  // Hardest first; NaN (never scored) last; ties by attempts (more evidence first), then id.
  std::stable_sort(items.begin(), items.end(), [](const AnnotationItem& a, const AnnotationItem& b) {
    const bool an = std::isnan(a.mean_reward), bn = std::isnan(b.mean_reward);
    if (an != bn) return bn;
    if (!an && a.mean_reward != b.mean_reward) return a.mean_reward < b.mean_reward;
    if (a.attempts != b.attempts) return a.attempts > b.attempts;
    return a.example_id < b.example_id;
  });
  beginResetModel();
  items_ = std::move(items);
  endResetModel();
  Q_EMIT countsChanged();
}

int AnnotationQueueModel::rowOf(const std::string& exampleId) const {
  for (std::size_t i = 0; i < items_.size(); ++i)
    if (items_[i].example_id == exampleId) return int(i);
  return -1;
}

void AnnotationQueueModel::setLabel(int row, const std::string& label, const std::string& note, bool remote) {
  if (row < 0 || row >= int(items_.size())) return;
  auto& it = items_[std::size_t(row)];
  it.label = label;
  it.note = note;
  if (remote) it.delivery = AnnotationItem::Delivery::Queued;
  Q_EMIT dataChanged(index(row, Label), index(row, Note));
  Q_EMIT countsChanged();
}

void AnnotationQueueModel::setDelivery(const DeliveryMap& delivered) {
  for (std::size_t row = 0; row < items_.size(); ++row) {
    auto d = delivered.find(items_[row].example_id);
    if (d == delivered.end()) continue;
    const auto want = d->second ? AnnotationItem::Delivery::Delivered : AnnotationItem::Delivery::Queued;
    if (items_[row].delivery == want) continue;
    items_[row].delivery = want;
    Q_EMIT dataChanged(index(int(row), Trainer), index(int(row), Trainer));
  }
}

std::map<std::string, int> AnnotationQueueModel::counts() const {
  std::map<std::string, int> out{{"hard", 0}, {"not_hard", 0}, {"unsure", 0}, {"", 0}};
  for (const auto& i : items_) ++out[i.label];
  return out;
}

QString AnnotationQueueModel::deliveryTip(AnnotationItem::Delivery d) {
  if (d == AnnotationItem::Delivery::Delivered)
    return tr("This label is in the remote run's store: the trainer uses it.");
  if (d == AnnotationItem::Delivery::Queued)
    return tr("Saved here and queued for the remote run; sent when the link allows (see the status below).");
  return tr("A local run: the trainer reads this store itself.");
}

QString AnnotationQueueModel::labelText(const std::string& label) {
  if (label == "hard") return tr("hard");
  if (label == "not_hard") return tr("not hard");
  if (label == "unsure") return tr("unsure");
  return QString::fromStdString(label);
}

int AnnotationQueueModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(items_.size());
}

int AnnotationQueueModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant AnnotationQueueModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const auto& it = items_[std::size_t(index.row())];
  const int c = index.column();
  if (role == Qt::TextAlignmentRole)
    return QVariant::fromValue(Qt::Alignment(
        (c == Phase || c == MeanReward || c == Attempts ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter));
  if (role == Qt::ForegroundRole && c == Label) {
    if (it.label == "hard") return QColor(0xc6, 0x28, 0x28);
    if (it.label == "not_hard") return QColor(0x2e, 0x7d, 0x32);
    if (it.label == "unsure") return QColor(0xef, 0x6c, 0x00);
    return {};
  }
  if (role == Qt::ToolTipRole && c == Example) return QString::fromStdString(it.question);
  if (role == Qt::ToolTipRole && c == Trainer) return deliveryTip(it.delivery);
  if (role == Qt::ForegroundRole && c == Trainer && it.delivery == AnnotationItem::Delivery::Queued)
    return QColor(0xef, 0x6c, 0x00);
  if (role != Qt::DisplayRole) return {};
  switch (c) {
    case Example:
      return QString::fromStdString(it.example_id);
    case Source:
      return QString::fromStdString(it.data_source);
    case Phase:
      return it.phase;
    case MeanReward:
      return std::isnan(it.mean_reward) ? QStringLiteral("—") : QString::number(it.mean_reward, 'f', 3);
    case Attempts:
      return it.attempts;
    case Label:
      return labelText(it.label);
    case Trainer:
      return it.delivery == AnnotationItem::Delivery::Delivered ? tr("✓ there")
             : it.delivery == AnnotationItem::Delivery::Queued  ? tr("queued")
                                                                : QString();
    case Note:
      return QString::fromStdString(it.note);
    default:
      return {};
  }
}

QVariant AnnotationQueueModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* kTitles[] = {"example", "source", "phase", "mean reward", "attempts", "label", "trainer", "note"};
  return section >= 0 && section < ColumnCount ? tr(kTitles[section]) : QVariant();
}

}  // namespace longrl::ui
