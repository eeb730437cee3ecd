#pragma once
#include <QDialog>
#include <QStringList>

class QLineEdit;
class QListView;
class QSortFilterProxyModel;
class QStringListModel;

namespace longrl::viewers {

// A searchable list of every metric the open runs log: type part of a name ("clip", "kl"), pick
// one or more with the keyboard or mouse.
class MetricPicker : public QDialog {
  Q_OBJECT
 public:
  MetricPicker(const QStringList& metrics, QWidget* parent = nullptr);
  QStringList selectedMetrics() const;
  void setFilterText(const QString& text);
  QSortFilterProxyModel* proxy() const { return proxy_; }

 private:
  QLineEdit* filter_;
  QListView* list_;
  QStringListModel* model_;
  QSortFilterProxyModel* proxy_;
};

}  // namespace longrl::viewers
