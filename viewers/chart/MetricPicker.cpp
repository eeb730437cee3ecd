#include "viewers/chart/MetricPicker.h"

#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QStringListModel>
#include <QVBoxLayout>

namespace longrl::viewers {

MetricPicker::MetricPicker(const QStringList& metrics, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Add charts"));
  auto* layout = new QVBoxLayout(this);
  filter_ = new QLineEdit(this);
  filter_->setPlaceholderText(tr("Filter metrics, e.g. clip, kl, length"));
  filter_->setClearButtonEnabled(true);
  model_ = new QStringListModel(metrics, this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy_->sort(0);
  list_ = new QListView(this);
  list_->setModel(proxy_);
  list_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  layout->addWidget(filter_);
  layout->addWidget(list_, 1);
  layout->addWidget(buttons);
  resize(420, 480);

  connect(filter_, &QLineEdit::textChanged, this, &MetricPicker::setFilterText);
  connect(list_, &QListView::doubleClicked, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void MetricPicker::setFilterText(const QString& text) {
  proxy_->setFilterFixedString(text);
  if (proxy_->rowCount() > 0 && !list_->selectionModel()->hasSelection()) list_->setCurrentIndex(proxy_->index(0, 0));
}

QStringList MetricPicker::selectedMetrics() const {
  QStringList out;
  for (const QModelIndex& index : list_->selectionModel()->selectedIndexes()) out << index.data().toString();
  if (out.isEmpty() && list_->currentIndex().isValid()) out << list_->currentIndex().data().toString();
  return out;
}

}  // namespace longrl::viewers
