#include "ui/compare/ConfigDiffModel.h"

#include <QColor>
#include <QFont>

namespace longrl::ui {

ConfigDiffModel::ConfigDiffModel(QObject* parent) : QAbstractTableModel(parent) {}

void ConfigDiffModel::setRows(QList<ConfigDiff::Row> rows, const QString& titleA, const QString& titleB) {
  all_ = std::move(rows);
  titleA_ = titleA;
  titleB_ = titleB;
  refilter();
  Q_EMIT headerDataChanged(Qt::Horizontal, A, B);
}

void ConfigDiffModel::setOnlyDifferences(bool only) {
  if (only == only_) return;
  only_ = only;
  refilter();
}

void ConfigDiffModel::refilter() {
  beginResetModel();
  shown_.clear();
  for (const auto& r : all_)
    if (!only_ || r.differs()) shown_ << r;
  endResetModel();
}

int ConfigDiffModel::differenceCount() const {
  int n = 0;
  for (const auto& r : all_) n += r.differs();
  return n;
}

int ConfigDiffModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(shown_.size()); }
int ConfigDiffModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ConfigDiffModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const auto& r = shown_[index.row()];
  if (role == Qt::FontRole && r.differs()) {
    QFont f;
    f.setBold(true);
    return f;
  }
  if (role == Qt::ForegroundRole && index.column() != Key && !(index.column() == A ? r.inA : r.inB))
    return QColor(Qt::gray);
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  switch (index.column()) {
    case Key:
      return r.key;
    case A:
      return r.inA ? r.a : tr("(not set)");
    case B:
      return r.inB ? r.b : tr("(not set)");
    default:
      return {};
  }
}

QVariant ConfigDiffModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  if (section == Key) return tr("key");
  if (section == A) return titleA_;
  if (section == B) return titleB_;
  return {};
}

}  // namespace longrl::ui
