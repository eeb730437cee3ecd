#pragma once
#include <QAbstractTableModel>

#include "core/eval/EvalReport.h"

namespace longrl::ui {

// The papers' table of one `longrl eval` report: a row per data source, then the average row
// (bold); columns data source, scorer, n, greedy, mean@k, pass@k (the last two only for k > 1).
// Accuracies show in percent with one decimal, as `longrl eval` prints them; Qt::UserRole gives
// the share in [0, 1] (null when absent), the tooltip the rule-only number beside it.
class EvalTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Scorer, Examples, Greedy, MeanAtK, PassAtK };

  explicit EvalTableModel(QObject* parent = nullptr);

  void setReport(const eval::EvalReport& report);
  void clear();
  const eval::EvalReport& report() const { return report_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  const eval::EvalRow& rowAt(int row) const;

  eval::EvalReport report_;
  bool empty_ = true;
};

}  // namespace longrl::ui
