#pragma once
#include <QAbstractTableModel>
#include <QList>

namespace longrl::viewers {
class RunSession;
}

namespace longrl::ui {

// The runs list: every open run (local directory or mirrored remote run) with its state.
// Rows reference RunSessions owned elsewhere; a destroyed session removes its row.
class RunsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Where, Status, Phase, Step, Reward, Points, ColumnCount };

  explicit RunsModel(QObject* parent = nullptr);

  void addRun(viewers::RunSession* run);
  void removeRun(viewers::RunSession* run);
  viewers::RunSession* runAt(int row) const;
  QList<viewers::RunSession*> runs() const { return runs_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QList<viewers::RunSession*> runs_;
};

}  // namespace longrl::ui
