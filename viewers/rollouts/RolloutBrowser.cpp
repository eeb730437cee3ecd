#include "viewers/rollouts/RolloutBrowser.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>

#include "viewers/rollouts/BehaviorFilterRow.h"
#include "viewers/rollouts/RolloutFilterBar.h"
#include "viewers/rollouts/RolloutTableModel.h"

namespace longrl::viewers {

RolloutBrowser::RolloutBrowser(QWidget* parent)
    : QWidget(parent), filters_(new RolloutFilterBar(this)), view_(new QTableView(this)), status_(new QLabel(this)),
      model_(new RolloutTableModel(this)) {
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(filters_);
  l->addWidget(view_, 1);
  l->addWidget(status_);
  status_->setStyleSheet(QStringLiteral("color: gray"));
  status_->setWordWrap(true);
  view_->setModel(model_);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setAlternatingRowColors(true);
  view_->setWordWrap(false);
  view_->verticalHeader()->hide();
  // Fixed row heights: the view never measures 200,000 rows.
  view_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6);
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->horizontalHeader()->setSortIndicator(RolloutTableModel::Id, Qt::AscendingOrder);
  view_->setSortingEnabled(true);
  const int digit = view_->fontMetrics().horizontalAdvance(QLatin1Char('0'));
  const int widths[] = {6, 4, 3, 6, 10, 3, 4, 5, 5, 5, 6, 5, 5, 4, 5, 6, 7, 5, 6};
  for (int c = 0; c < RolloutTableModel::Answer; ++c) view_->setColumnWidth(c, widths[c] * digit + 18);
  // Less used columns start hidden; the header's context menu shows or hides any column.
  for (int c : {int(RolloutTableModel::Phase), int(RolloutTableModel::Think), int(RolloutTableModel::Entropy)})
    view_->setColumnHidden(c, true);
  auto* header = view_->horizontalHeader();
  header->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(header, &QHeaderView::customContextMenuRequested, this, [this, header](const QPoint& at) {
    QMenu menu(this);
    for (int c = 0; c < model_->columnCount(); ++c) {
      QAction* a = menu.addAction(model_->headerData(c, Qt::Horizontal).toString());
      a->setCheckable(true);
      a->setChecked(!view_->isColumnHidden(c));
      connect(a, &QAction::toggled, this, [this, c](bool on) { view_->setColumnHidden(c, !on); });
    }
    menu.exec(header->mapToGlobal(at));
  });

  connect(filters_, &RolloutFilterBar::changed, this, &RolloutBrowser::applyFilters);
  connect(model_, &RolloutTableModel::rowCountKnown, this, &RolloutBrowser::updateStatus);
  connect(model_, &RolloutTableModel::behaviorClassifiersFound, filters_->behaviors(),
          &BehaviorFilterRow::setClassifiers);
  connect(model_, &RolloutTableModel::problem, this, [this](const QString& m) {
    status_->setText(QStringLiteral("<span style='color:#c62828'>%1</span>").arg(m.toHtmlEscaped()));
  });
  connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& cur) {
    const qint64 id = cur.data(RolloutTableModel::RolloutIdRole).toLongLong();
    if (id > 0) Q_EMIT rolloutActivated(id);
  });
  connect(view_, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
    const QString ex = i.data(RolloutTableModel::ExampleIdRole).toString();
    if (!ex.isEmpty()) Q_EMIT exampleActivated(ex);
  });
}

void RolloutBrowser::setStorePath(const QString& storePath) {
  model_->setStorePath(storePath);
  applyFilters();
}

void RolloutBrowser::refresh() { model_->refresh(); }

void RolloutBrowser::applyFilters() {
  auto q = filters_->query();
  q.order_by = model_->query().order_by;  // keep the sort the header shows
  q.descending = model_->query().descending;
  status_->setText(tr("counting…"));
  model_->setQuery(q);
}

void RolloutBrowser::updateStatus() {
  status_->setText(tr("%1 rollouts · behaviour columns by the %2 classifier · double-click a row to follow its "
                      "example across steps")
                       .arg(QLocale().toString(model_->rowCount()), model_->behaviorClassifier()));
}

}  // namespace longrl::viewers
