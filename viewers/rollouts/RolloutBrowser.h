#pragma once
#include <QWidget>

class QLabel;
class QTableView;

namespace longrl::viewers {

class RolloutFilterBar;
class RolloutTableModel;

// The flat rollout table of a run: filter bar on top, then every rollout that matches, fetched in
// chunks around what is visible (RolloutTableModel). Click a header to sort in SQL.
class RolloutBrowser : public QWidget {
  Q_OBJECT
 public:
  explicit RolloutBrowser(QWidget* parent = nullptr);

  void setStorePath(const QString& storePath);
  void refresh();  // re-count (a live run grows)
  RolloutTableModel* model() const { return model_; }
  RolloutFilterBar* filters() const { return filters_; }
  QTableView* view() const { return view_; }

 Q_SIGNALS:
  void rolloutActivated(qint64 rolloutId);
  void exampleActivated(const QString& exampleId);  // double click

 private:
  void applyFilters();
  void updateStatus();

  RolloutFilterBar* filters_;
  QTableView* view_;
  QLabel* status_;
  RolloutTableModel* model_;
};

}  // namespace longrl::viewers
