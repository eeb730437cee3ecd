#include "ui/RunsColumnFitter.h"

#include <QEvent>
#include <QHeaderView>
#include <QTableView>

#include <algorithm>

namespace longrl::ui {

RunsColumnFitter::RunsColumnFitter(QTableView* view, int nameColumn)
    : QObject(view), view_(view), nameColumn_(nameColumn) {
  QHeaderView* header = view_->horizontalHeader();
  header->setStretchLastSection(false);
  header->setSectionResizeMode(QHeaderView::ResizeToContents);
  header->setSectionResizeMode(nameColumn_, QHeaderView::Stretch);
  view_->viewport()->installEventFilter(this);
  fit();
}

void RunsColumnFitter::fit() {
  const int ch = view_->fontMetrics().horizontalAdvance(QLatin1Char('0'));
  int others = 0;
  for (int c = 0; c < view_->horizontalHeader()->count(); ++c)
    if (c != nameColumn_ && !view_->isColumnHidden(c)) ++others;
  const int room = view_->viewport()->width() - kNameChars * ch;
  const int cap = others > 0 ? std::clamp(room / others, kMinChars * ch, kMaxChars * ch) : kMaxChars * ch;
  if (view_->horizontalHeader()->maximumSectionSize() != cap) view_->horizontalHeader()->setMaximumSectionSize(cap);
}

bool RunsColumnFitter::eventFilter(QObject* watched, QEvent* event) {
  if (watched == view_->viewport() && event->type() == QEvent::Resize) fit();
  return QObject::eventFilter(watched, event);
}

}  // namespace longrl::ui
