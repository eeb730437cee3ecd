#pragma once
#include <QTimer>
#include <QWidget>

#include "core/store/RolloutQuery.h"

class QComboBox;
class QLineEdit;

namespace longrl::viewers {

class BehaviorFilterRow;

// The filters of the rollout table: step, phase, data source, judge verdict, truncated, a range
// on one numeric column (reward, rule score, advantage, length, entropy) and a text search, either
// in the short fields (answer, example, question, judge error) or in the full responses; and by
// reasoning behaviour (BehaviorFilterRow).
// Emits changed() (text fields after a short pause in typing); query() builds the filters.
class RolloutFilterBar : public QWidget {
  Q_OBJECT
 public:
  explicit RolloutFilterBar(QWidget* parent = nullptr);

  // Filters only: the sort and paging fields are left at their defaults.
  store::RolloutQuery query() const;
  void setSources(const QStringList& sources);
  void setPhases(int count);
  void reset();

  QLineEdit* searchEdit() const { return search_; }
  // 0: answer, example, question, judge error (RolloutQuery::text); 1: full responses
  // (RolloutQuery::response_contains, decompressed inside SQLite).
  QComboBox* searchScopeBox() const { return searchScope_; }
  QLineEdit* stepEdit() const { return step_; }
  QComboBox* verdictBox() const { return verdict_; }
  QComboBox* sourceBox() const { return source_; }
  QComboBox* rangeColumnBox() const { return rangeColumn_; }
  QLineEdit* minEdit() const { return min_; }
  QLineEdit* maxEdit() const { return max_; }
  QComboBox* truncatedBox() const { return truncated_; }
  BehaviorFilterRow* behaviors() const { return behaviors_; }

 Q_SIGNALS:
  void changed();

 private:
  void showSearchScope();  // the search box's placeholder names where it looks

  QLineEdit* step_;
  QComboBox* phase_;
  QComboBox* source_;
  QComboBox* verdict_;
  QComboBox* truncated_;
  QComboBox* rangeColumn_;
  QLineEdit* min_;
  QLineEdit* max_;
  QLineEdit* search_;
  QComboBox* searchScope_;
  BehaviorFilterRow* behaviors_;
  QTimer typing_;
};

}  // namespace longrl::viewers
