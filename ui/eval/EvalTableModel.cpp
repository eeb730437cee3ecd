#include "ui/eval/EvalTableModel.h"

#include <QFont>

#include "core/eval/EvalTable.h"

namespace longrl::ui {

EvalTableModel::EvalTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void EvalTableModel::setReport(const eval::EvalReport& report) {
  beginResetModel();
  report_ = report;
  empty_ = false;
  endResetModel();
}

void EvalTableModel::clear() {
  beginResetModel();
  report_ = {};
  empty_ = true;
  endResetModel();
}

int EvalTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || empty_ ? 0 : static_cast<int>(report_.sources.size()) + 1;
}

int EvalTableModel::columnCount(const QModelIndex& parent) const {
  if (parent.isValid()) return 0;
  return report_.k > 1 ? PassAtK + 1 : Greedy + 1;
}

const eval::EvalRow& EvalTableModel::rowAt(int row) const {
  return row < static_cast<int>(report_.sources.size()) ? report_.sources[static_cast<size_t>(row)] : report_.average;
}

namespace {
std::optional<double> pick(const eval::EvalNumbers& n, int column) {
  switch (column) {
    case EvalTableModel::Greedy:
      return n.greedy;
    case EvalTableModel::MeanAtK:
      return n.meanAtK;
    case EvalTableModel::PassAtK:
      return n.passAtK;
  }
  return std::nullopt;
}
QString percent(const std::optional<double>& v) { return QString::fromStdString(eval::EvalTable::percent(v)); }
}  // namespace

QVariant EvalTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
  const eval::EvalRow& r = rowAt(index.row());
  const int c = index.column();
  const bool isAverage = index.row() == static_cast<int>(report_.sources.size());
  switch (role) {
    case Qt::DisplayRole:
      if (c == Name) return QString::fromStdString(r.name);
      if (c == Scorer) return QString::fromStdString(r.scorer);
      if (c == Examples) return QVariant::fromValue<qlonglong>(r.examples);
      return percent(pick(r.acc, c));
    case Qt::UserRole:
      if (c >= Greedy) {
        const auto v = pick(r.acc, c);
        return v ? QVariant(*v) : QVariant();
      }
      return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
      if (c >= Greedy) return tr("%1% by the rule alone").arg(percent(pick(r.rule, c)));
      if (isAverage && c == Name) return tr("unweighted mean of the data-source rows (n: their sum)");
      return {};
    case Qt::TextAlignmentRole:
      return Qt::Alignment(c >= Examples ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter)
          .toInt();
    case Qt::FontRole:
      if (isAverage) {
        QFont f;
        f.setBold(true);
        return f;
      }
      return {};
  }
  return {};
}

QVariant EvalTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) return {};
  const QString k = QString::number(report_.k);
  if (role == Qt::DisplayRole) {
    switch (section) {
      case Name:
        return tr("data source");
      case Scorer:
        return tr("scorer");
      case Examples:
        return tr("n");
      case Greedy:
        return tr("greedy");
      case MeanAtK:
        return tr("mean@%1").arg(k);
      case PassAtK:
        return tr("pass@%1").arg(k);
    }
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case Greedy:
        return tr("% of examples whose one answer at temperature 0 is correct");
      case MeanAtK:
        return tr("mean % of correct answers among each example's %1 samples").arg(k);
      case PassAtK:
        return tr("% of examples with at least one correct answer among its %1 samples").arg(k);
    }
  }
  return {};
}

}  // namespace longrl::ui
