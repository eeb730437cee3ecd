#include "ui/checkpoints/CheckpointsModel.h"

#include <QFileInfo>
#include <QLocale>

#include "core/eval/EvalTable.h"

namespace longrl::ui {

namespace {
QString percent(const std::optional<double>& v) { return QString::fromStdString(eval::EvalTable::percent(v)); }
QVariant share(const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); }
std::optional<double> pick(const eval::EvalNumbers& n, int column) {
  if (column == CheckpointsModel::Greedy) return n.greedy;
  if (column == CheckpointsModel::MeanAtK) return n.meanAtK;
  return n.passAtK;
}
QString evaluationSummary(const EvalResult& r) {
  QString s = QStringLiteral("%1, k %2").arg(QFileInfo(r.dataFile).fileName()).arg(r.k);
  if (!r.judgeModel.isEmpty()) s += QObject::tr(", judge %1").arg(r.judgeModel);
  return s;
}
}  // namespace

CheckpointsModel::CheckpointsModel(QObject* parent) : QAbstractTableModel(parent) {}

void CheckpointsModel::setCheckpoints(const QList<CheckpointInfo>& checkpoints,
                                      const QMap<qint64, EvalResult>& latest) {
  beginResetModel();
  rows_ = checkpoints;
  results_.clear();
  sources_.clear();
  for (const CheckpointInfo& c : rows_) {
    const auto it = latest.find(c.step);
    if (it == latest.end()) continue;
    results_.insert(c.step, *it);
    for (const auto& s : it->report.sources)
      if (!sources_.contains(QString::fromStdString(s.name))) sources_ << QString::fromStdString(s.name);
  }
  sources_.sort();
  endResetModel();
}

void CheckpointsModel::clear() { setCheckpoints({}, {}); }

int CheckpointsModel::rowOfStep(qint64 step) const {
  for (int i = 0; i < rows_.size(); ++i)
    if (rows_[i].step == step) return i;
  return -1;
}

int CheckpointsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(rows_.size()); }

int CheckpointsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : FirstSource + int(sources_.size());
}

const EvalResult* CheckpointsModel::resultAt(int row) const {
  const auto it = results_.find(rows_.at(row).step);
  return it == results_.end() ? nullptr : &*it;
}

const eval::EvalRow* CheckpointsModel::sourceRow(int row, int column) const {
  const EvalResult* r = resultAt(row);
  if (!r || column < FirstSource) return nullptr;
  const std::string name = sources_.at(column - FirstSource).toStdString();
  for (const auto& s : r->report.sources)
    if (s.name == name) return &s;
  return nullptr;
}

QVariant CheckpointsModel::display(int row, int column) const {
  const CheckpointInfo& c = rows_.at(row);
  const EvalResult* r = resultAt(row);
  switch (column) {
    case Step:
      return c.step;
    case Phase:
      return c.phase;
    case Size:
      return QLocale().formattedDataSize(c.bytes);
    case Saved:
      return c.savedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case Evaluation:
      return r ? evaluationSummary(*r) : QString();
    case Greedy:
    case MeanAtK:
    case PassAtK:
      return r ? percent(pick(r->report.average.acc, column)) : QString();
  }
  const eval::EvalRow* s = sourceRow(row, column);
  return s ? percent(s->acc.greedy) : QString();
}

QVariant CheckpointsModel::value(int row, int column) const {
  const CheckpointInfo& c = rows_.at(row);
  const EvalResult* r = resultAt(row);
  switch (column) {
    case Step:
      return c.step;
    case Size:
      return c.bytes;
    case Saved:
      return c.savedAt;
    case Phase:
    case Evaluation:
      return display(row, column);
    case Greedy:
    case MeanAtK:
    case PassAtK:
      return r ? share(pick(r->report.average.acc, column)) : QVariant();
  }
  const eval::EvalRow* s = sourceRow(row, column);
  return s ? QVariant(s->acc.greedy) : QVariant();
}

QVariant CheckpointsModel::toolTip(int row, int column) const {
  const CheckpointInfo& c = rows_.at(row);
  const EvalResult* r = resultAt(row);
  if (column == Step) return c.dir;
  if (column == Size) return tr("%1 bytes").arg(QLocale().toString(c.bytes));
  if (column == Evaluation) {
    if (!r) return tr("Not evaluated yet: Evaluate… runs `longrl eval` on it");
    QString t = tr("Evaluated %1 on %2: %3 examples, k %4")
                    .arg(r->evaluatedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")), r->dataFile)
                    .arg(r->report.examples)
                    .arg(r->k);
    if (!r->judgeModel.isEmpty()) t += tr(", judge %1 at %2").arg(r->judgeModel, r->judgeUrl);
    return t + QStringLiteral("\n") + r->path;
  }
  const eval::EvalRow* s = column >= FirstSource ? sourceRow(row, column) : nullptr;
  if (!s) return {};
  QString t = tr("%1 (%2, n %3): greedy %4%")
                  .arg(QString::fromStdString(s->name), QString::fromStdString(s->scorer))
                  .arg(s->examples)
                  .arg(percent(s->acc.greedy));
  if (s->acc.meanAtK)
    t += tr(", mean@%1 %2%, pass@%1 %3%").arg(r->k).arg(percent(s->acc.meanAtK), percent(s->acc.passAtK));
  return t;
}

QVariant CheckpointsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
  switch (role) {
    case Qt::DisplayRole:
      return display(index.row(), index.column());
    case Qt::UserRole:
      return value(index.row(), index.column());
    case Qt::ToolTipRole:
      return toolTip(index.row(), index.column());
    case Qt::TextAlignmentRole:
      return Qt::Alignment(index.column() == Phase || index.column() == Evaluation ? Qt::AlignLeft | Qt::AlignVCenter
                                                                                   : Qt::AlignRight | Qt::AlignVCenter)
          .toInt();
  }
  return {};
}

QVariant CheckpointsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) return {};
  if (role == Qt::DisplayRole) {
    switch (section) {
      case Step:
        return tr("step");
      case Phase:
        return tr("phase");
      case Size:
        return tr("size");
      case Saved:
        return tr("saved");
      case Evaluation:
        return tr("latest evaluation");
      case Greedy:
        return tr("greedy");
      case MeanAtK:
        return tr("mean@k");
      case PassAtK:
        return tr("pass@k");
    }
    return sources_.at(section - FirstSource);
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case Greedy:
        return tr("average over the data sources: % of examples whose one answer at temperature 0 is correct");
      case MeanAtK:
        return tr("average over the data sources: mean % of correct answers among each example's k samples");
      case PassAtK:
        return tr("average over the data sources: % of examples with a correct answer among its k samples");
      default:
        if (section >= FirstSource) return tr("greedy accuracy (%) on %1").arg(sources_.at(section - FirstSource));
    }
  }
  return {};
}

}  // namespace longrl::ui
