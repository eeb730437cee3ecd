#pragma once
#include <QAbstractTableModel>
#include <QList>
#include <QMap>
#include <QStringList>

#include "ui/checkpoints/CheckpointInfo.h"
#include "ui/checkpoints/EvalResult.h"

namespace longrl::ui {

// The checkpoints of a run, one row each by step: step, phase, size on disk, when saved, the latest
// evaluation (data file, k, judge) and its average accuracy (greedy, mean@k, pass@k), then one
// column per data source with its greedy accuracy (mean@k and pass@k in the tooltip).
// Accuracies show in percent with one decimal as `longrl eval` prints them; Qt::UserRole gives the
// share in [0, 1] (null when absent), the step, the size in bytes and the saved time as values.
class CheckpointsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Step, Phase, Size, Saved, Evaluation, Greedy, MeanAtK, PassAtK, FirstSource };

  explicit CheckpointsModel(QObject* parent = nullptr);

  // `latest`: the latest evaluation of each step (EvalResults::latestByStep); steps without a
  // checkpoint are left out.
  void setCheckpoints(const QList<CheckpointInfo>& checkpoints, const QMap<qint64, EvalResult>& latest);
  void clear();

  const CheckpointInfo& checkpointAt(int row) const { return rows_.at(row); }
  // The row of this step, or -1.
  int rowOfStep(qint64 step) const;
  // The data sources that have a column, in column order (from FirstSource).
  const QStringList& sources() const { return sources_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QVariant display(int row, int column) const;
  QVariant value(int row, int column) const;
  QVariant toolTip(int row, int column) const;
  const EvalResult* resultAt(int row) const;
  const eval::EvalRow* sourceRow(int row, int column) const;

  QList<CheckpointInfo> rows_;
  QMap<qint64, EvalResult> results_;
  QStringList sources_;
};

}  // namespace longrl::ui
