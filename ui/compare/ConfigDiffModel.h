#pragma once
#include <QAbstractTableModel>

#include "ui/compare/ConfigDiff.h"

namespace longrl::ui {

// ConfigDiff's rows as a table: key | run A | run B; differing rows in bold, and optionally only those.
class ConfigDiffModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Key, A, B, ColumnCount };
  explicit ConfigDiffModel(QObject* parent = nullptr);

  void setRows(QList<ConfigDiff::Row> rows, const QString& titleA, const QString& titleB);
  void setOnlyDifferences(bool only);
  int differenceCount() const;
  const ConfigDiff::Row& row(int r) const { return shown_.at(r); }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  void refilter();
  QList<ConfigDiff::Row> all_, shown_;
  QString titleA_, titleB_;
  bool only_ = false;
};

}  // namespace longrl::ui
