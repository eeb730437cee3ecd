#include "viewers/rollouts/RolloutBehaviorCells.h"

#include <QColor>

#include <cmath>

#include "viewers/rollouts/RolloutCells.h"
#include "viewers/rollouts/RolloutTableModel.h"

namespace longrl::viewers {
namespace {

using C = RolloutTableModel::Column;

// A judge that failed for this rollout stores zero counts with its error (BehaviorRecord::error,
// inside the JSON, which the table does not read): the table cannot tell, so counts show as read.
QVariant display(const store::RolloutBehaviorRecord& b, int column) {
  switch (column) {
    case C::Subgoal:
      return qint64(b.subgoal);
    case C::Backtracking:
      return qint64(b.backtracking);
    case C::Verification:
      return qint64(b.verification);
    case C::Grounding:
      return RolloutCells::number(b.grounding_share, 2);
    default:
      return {};
  }
}

}  // namespace

bool RolloutBehaviorCells::isBehaviorColumn(int column) { return column >= C::Subgoal && column <= C::Grounding; }

QVariant RolloutBehaviorCells::value(const std::optional<store::RolloutBehaviorRecord>& b, int column, int role) {
  if (role == Qt::TextAlignmentRole) return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
  if (!b) return role == Qt::DisplayRole ? QVariant(QStringLiteral("–")) : QVariant();
  if (role == Qt::ForegroundRole) {
    // Zero counts fade, so the steps that show a behaviour stand out in a long column.
    const QVariant v = display(*b, column);
    return v.typeId() == QMetaType::LongLong && v.toLongLong() == 0 ? QVariant(QColor(Qt::gray)) : QVariant();
  }
  if (role == Qt::ToolTipRole)
    return QStringLiteral(
               "%1 classifier, revision %2: %3 sub-goal, %4 backtracking, %5 verification step(s); "
               "grounding share %6 over %7 passage(s)")
        .arg(QString::fromStdString(b->classifier))
        .arg(b->revision)
        .arg(b->subgoal)
        .arg(b->backtracking)
        .arg(b->verification)
        .arg(RolloutCells::number(b->grounding_share, 2))
        .arg(b->passages);
  if (role != Qt::DisplayRole) return {};
  return display(*b, column);
}

QString RolloutBehaviorCells::tooltip(int column, const QString& classifier) {
  QString what;
  switch (column) {
    case C::Subgoal:
      what = QStringLiteral("sub-goal steps");
      break;
    case C::Backtracking:
      what = QStringLiteral("backtracking steps");
      break;
    case C::Verification:
      what = QStringLiteral("verification steps");
      break;
    default:
      what = QStringLiteral("share of the reasoning inside passages aligned to the document");
      break;
  }
  return QStringLiteral("%1, by the %2 classifier (each rollout's latest revision); – without a record")
      .arg(what, classifier);
}

QString RolloutBehaviorCells::summary(double subgoal, double backtracking, double verification, double grounding,
                                      int decimals) {
  return QStringLiteral("%1 · %2 · %3 · %4")
      .arg(QString::number(subgoal, 'f', decimals), QString::number(backtracking, 'f', decimals),
           QString::number(verification, 'f', decimals), RolloutCells::number(grounding, 2));
}

QString RolloutBehaviorCells::summaryTooltip(const QString& classifier, const QString& what) {
  return QStringLiteral(
             "%1 sub-goal · backtracking · verification steps · grounding share, by the %2 classifier "
             "(latest revision)")
      .arg(what, classifier);
}

}  // namespace longrl::viewers
