#pragma once
#include <QAbstractTableModel>

#include <map>

#include "ui/annotate/AnnotationItem.h"

namespace longrl::ui {

// The examples to label, hardest first (lowest mean group reward, then most attempts), as the
// run store's difficulty table says; with each one's current label and note.
class AnnotationQueueModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Example, Source, Phase, MeanReward, Attempts, Label, Trainer, Note, ColumnCount };
  static const char* const kLabels[3];  // "hard", "not_hard", "unsure" (keys 1, 2, 3)

  explicit AnnotationQueueModel(QObject* parent = nullptr);

  // Sorts by difficulty before showing.
  void setItems(AnnotationItems items);
  const AnnotationItem& item(int row) const { return items_.at(std::size_t(row)); }
  int rowOf(const std::string& exampleId) const;
  // `remote`: the label still has to reach the run (shown as queued until setDelivery says so).
  void setLabel(int row, const std::string& label, const std::string& note, bool remote = false);
  void setDelivery(const DeliveryMap& delivered);
  // Labelled examples per label; "" counts the unlabelled ones.
  std::map<std::string, int> counts() const;
  static QString labelText(const std::string& label);
  static QString deliveryTip(AnnotationItem::Delivery delivery);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 Q_SIGNALS:
  void countsChanged();

 private:
  AnnotationItems items_;
};

}  // namespace longrl::ui
