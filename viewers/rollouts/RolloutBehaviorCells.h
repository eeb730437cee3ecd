#pragma once
#include <QString>
#include <QVariant>

#include <optional>

#include "core/store/RolloutBehaviorRecord.h"

namespace longrl::viewers {

// How a rollout's behaviour record looks in the behaviour columns of the rollout table
// (RolloutTableModel::Subgoal ... Grounding): counts of steps, the grounding share, "–" without a
// record, and for a failed judge record "error" (its counts mean nothing).
class RolloutBehaviorCells {
 public:
  static bool isBehaviorColumn(int column);
  static QVariant value(const std::optional<store::RolloutBehaviorRecord>& b, int column, int role);
  // The header's tooltip, naming the classifier the figures come from.
  static QString tooltip(int column, const QString& classifier);
  // Sub-goal · backtracking · verification · grounding share in one cell ("2 · 1 · 0 · 0.40"; counts
  // with `decimals` for means), and its tooltip.
  static QString summary(double subgoal, double backtracking, double verification, double grounding, int decimals);
  static QString summaryTooltip(const QString& classifier, const QString& what);
};

}  // namespace longrl::viewers
