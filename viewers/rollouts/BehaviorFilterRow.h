#pragma once
#include <QTimer>
#include <QWidget>

#include <array>

#include "core/store/RolloutQuery.h"

class QComboBox;
class QLineEdit;
class QToolButton;

namespace longrl::viewers {

// The behaviour filters of the rollout table, one row: whose records (the classifier, each
// rollout's latest revision), rollouts with at least one sub-goal / backtracking / verification
// step (any of the three toggles, all must hold), and a range of grounding share. Emits changed()
// (the range after a short pause in typing); addTo() writes them into a query's ranges.
class BehaviorFilterRow : public QWidget {
  Q_OBJECT
 public:
  explicit BehaviorFilterRow(QWidget* parent = nullptr);

  void addTo(store::RolloutQuery& query) const;
  // The classifiers the store has records of ("rule" first); keeps the current one when listed.
  void setClassifiers(const QStringList& classifiers);
  void reset();  // no signal

  QComboBox* classifierBox() const { return classifier_; }
  // Checkable "has at least one step of" toggles, in behavior::kBehaviorKinds order.
  QToolButton* hasButton(int kind) const { return has_.at(std::size_t(kind)); }
  QLineEdit* groundingMinEdit() const { return min_; }
  QLineEdit* groundingMaxEdit() const { return max_; }

 Q_SIGNALS:
  void changed();

 private:
  QComboBox* classifier_;
  std::array<QToolButton*, 3> has_{};
  QLineEdit* min_;
  QLineEdit* max_;
  QTimer typing_;
};

}  // namespace longrl::viewers
