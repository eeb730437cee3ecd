#include "ui/RunsModel.h"

#include <QApplication>
#include <QColor>
#include <QDateTime>
#include <QStyle>

#include <algorithm>
#include <cmath>

#include "viewers/data/RunSession.h"

namespace longrl::ui {

using viewers::RunSession;

RunsModel::RunsModel(QObject* parent) : QAbstractTableModel(parent), silenceTimer_(new QTimer(this)) {
  silenceTimer_->setInterval(30000);
  connect(silenceTimer_, &QTimer::timeout, this, [this] {
    if (!runs_.isEmpty()) Q_EMIT dataChanged(index(0, Status), index(static_cast<int>(runs_.size()) - 1, Status));
  });
  silenceTimer_->start();
}

QString RunsModel::statusText(const QString& status, double lastWrite, double now) {
  if (status != QLatin1String("running") || lastWrite <= 0 || now - lastWrite < kSilentAfterSeconds) return status;
  const double s = now - lastWrite;
  const QString ago = s < 3600        ? tr("%1 min").arg(static_cast<int>(s / 60))
                      : s < 2 * 86400 ? tr("%1 h").arg(static_cast<int>(s / 3600))
                                      : tr("%1 days").arg(static_cast<int>(s / 86400));
  return tr("running · silent %1").arg(ago);
}

QString RunsModel::alertsText(const std::vector<viewers::RunAlert>& alerts) {
  if (alerts.empty()) return {};
  const auto n = static_cast<int>(alerts.size());
  QString text = n == 1 ? tr("⚠ 1 alert:") : tr("⚠ %1 alerts:").arg(n);
  for (int i = std::max(0, n - kAlertsListed); i < n; ++i) text += QStringLiteral("\n") + alerts[i].message;
  if (n > kAlertsListed) text += QStringLiteral("\n") + tr("(%1 earlier in Messages)").arg(n - kAlertsListed);
  return text;
}

void RunsModel::addRun(RunSession* run) {
  if (runs_.contains(run)) return;
  beginInsertRows(QModelIndex(), static_cast<int>(runs_.size()), static_cast<int>(runs_.size()));
  runs_.append(run);
  endInsertRows();
  connect(run, &RunSession::statusChanged, this, [this, run] {
    const int row = static_cast<int>(runs_.indexOf(run));
    if (row >= 0) Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
  });
  connect(run, &RunSession::alertRaised, this, [this, run] {
    const int row = static_cast<int>(runs_.indexOf(run));
    if (row >= 0) Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
  });
  connect(run, &QObject::destroyed, this, [this, run] { removeRun(run); });
}

void RunsModel::removeRun(RunSession* run) {
  const int row = static_cast<int>(runs_.indexOf(run));
  if (row < 0) return;
  beginRemoveRows(QModelIndex(), row, row);
  runs_.removeAt(row);
  notes_.remove(run);
  endRemoveRows();
  disconnect(run, nullptr, this, nullptr);
}

void RunsModel::setNotes(RunSession* run, const RunNotes& notes) {
  const int row = static_cast<int>(runs_.indexOf(run));
  if (row < 0) return;
  notes_.insert(run, notes);
  Q_EMIT dataChanged(index(row, Name), index(row, Name));
}

bool RunsModel::anyRemote() const {
  return std::any_of(runs_.begin(), runs_.end(),
                     [](const RunSession* r) { return r->location() != QLatin1String("local"); });
}

RunSession* RunsModel::runAt(int row) const { return row >= 0 && row < runs_.size() ? runs_[row] : nullptr; }

int RunsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(runs_.size());
}

int RunsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RunsModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const RunSession* run = runs_[index.row()];
  const double now = static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
  const QString status = statusText(run->status(), run->lastWriteTime(), now);
  const bool silent = status != run->status();
  if (role == Qt::ToolTipRole) {
    QString tip = run->runDir();
    if (run->location() != QLatin1String("local")) tip += QStringLiteral("\n") + tr("where: %1").arg(run->location());
    const RunNotes n = notes_.value(runs_[index.row()]);
    if (!n.tags.isEmpty()) tip += QStringLiteral("\n") + tr("tags: %1").arg(n.tags.join(QStringLiteral(", ")));
    if (!n.note.isEmpty()) tip += QStringLiteral("\n") + n.note;
    if (!run->problem().isEmpty()) tip += QStringLiteral("\n") + run->problem();
    if (silent)
      tip += QStringLiteral("\n") +
             tr("The store says running, but nothing was written since %1: the trainer may have "
                "died without recording it. Resume the run to continue it.")
                 .arg(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(run->lastWriteTime() * 1000))
                          .toString(Qt::ISODate));
    if (!run->alerts().empty()) tip += QStringLiteral("\n") + alertsText(run->alerts());
    return tip;
  }
  if (role == Qt::DecorationRole && index.column() == Status && !run->alerts().empty())
    return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
  if (role == Qt::ForegroundRole && index.column() == Status) {
    const QString s = run->status();
    if (silent) return QColor(170, 100, 0);
    if (s == QLatin1String("failed") || !run->problem().isEmpty()) return QColor(190, 30, 30);
    if (s == QLatin1String("running")) return QColor(0, 120, 60);
    return {};
  }
  if (role == Qt::TextAlignmentRole && index.column() >= Phase) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case Name: {
      const QStringList tags = notes_.value(runs_[index.row()]).tags;
      if (tags.isEmpty()) return run->name();
      return run->name() + QStringLiteral("  #") + tags.join(QStringLiteral(" #"));
    }
    case Where:
      return run->location();
    case Status:
      return status;
    case Phase: {
      const int p = run->currentPhase();
      return p < 0 ? QVariant(QStringLiteral("–")) : QVariant(p + 1);
    }
    case Step:
      if (run->lastStep() >= 0) return static_cast<qlonglong>(run->lastStep());
      if (run->lastSftStep() >= 0) return tr("SFT %1").arg(static_cast<qlonglong>(run->lastSftStep()));
      return QStringLiteral("–");
    case Reward: {
      const double r = run->lastValue("critic/score/mean");
      return std::isnan(r) ? QVariant(QStringLiteral("–")) : QVariant(QString::number(r, 'f', 3));
    }
    case Points:
      return static_cast<qulonglong>(run->pointCount());
    default:
      return {};
  }
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Name:
      return tr("Run");
    case Where:
      return tr("Where");
    case Status:
      return tr("Status");
    case Phase:
      return tr("Phase");
    case Step:
      return tr("Step");
    case Reward:
      return tr("Reward");
    case Points:
      return tr("Points");
    default:
      return {};
  }
}

}  // namespace longrl::ui
