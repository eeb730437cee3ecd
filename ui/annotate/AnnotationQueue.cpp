#include "ui/annotate/AnnotationQueue.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "core/io/WallClock.h"
#include "ui/annotate/AnnotationQueueModel.h"
#include "ui/annotate/AnnotationStore.h"
#include "viewers/document/ElidedText.h"

namespace longrl::ui {

AnnotationQueue::AnnotationQueue(QWidget* parent, const QString& author)
    : QWidget(parent), author_(author.isEmpty() ? qEnvironmentVariable("USER", QStringLiteral("studio")) : author),
      model_(new AnnotationQueueModel(this)), view_(new QTableView(this)), counts_(new QLabel(this)),
      question_(new QLabel(this)), status_(new QLabel(this)), note_(new QLineEdit(this)),
      store_(new AnnotationStore(author_)) {
  store_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, store_, &QObject::deleteLater);
  thread_.setObjectName(QStringLiteral("annotation-store"));
  thread_.start();

  view_->setModel(model_);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->verticalHeader()->hide();
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->setAlternatingRowColors(true);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6);
  const int digit = view_->fontMetrics().horizontalAdvance(QLatin1Char('0'));
  const int widths[] = {7, 14, 4, 11, 8, 7, 7};
  for (int c = 0; c < AnnotationQueueModel::Note; ++c) view_->setColumnWidth(c, widths[c] * digit + 16);
  view_->installEventFilter(this);
  note_->installEventFilter(this);
  note_->setPlaceholderText(tr("note (optional): why is it hard?"));

  auto* side = new QVBoxLayout;
  question_->setWordWrap(true);
  question_->setTextFormat(Qt::RichText);
  question_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  question_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  side->addWidget(question_);
  auto* row = new QHBoxLayout;
  static const char* kTitles[3] = {QT_TR_NOOP("1  Hard"), QT_TR_NOOP("2  Not hard"), QT_TR_NOOP("3  Unsure")};
  for (int i = 0; i < 3; ++i) {
    buttons_[i] = new QPushButton(tr(kTitles[i]), this);
    buttons_[i]->setCheckable(true);
    buttons_[i]->setFocusPolicy(Qt::NoFocus);  // keys stay with the list
    connect(buttons_[i], &QPushButton::clicked, this, [this, i] { chooseLabel(i); });
    row->addWidget(buttons_[i]);
  }
  side->addLayout(row);
  side->addWidget(note_);
  auto* actions = new QHBoxLayout;
  auto* submitButton = new QPushButton(tr("Submit  ⏎"), this);
  auto* undoButton = new QPushButton(tr("Undo  Ctrl+Z"), this);
  for (auto* b : {submitButton, undoButton}) b->setFocusPolicy(Qt::NoFocus);
  connect(submitButton, &QPushButton::clicked, this, &AnnotationQueue::submit);
  connect(undoButton, &QPushButton::clicked, this, &AnnotationQueue::undo);
  actions->addWidget(submitButton);
  actions->addWidget(undoButton);
  side->addLayout(actions);
  auto* help = new QLabel(tr("↑/↓ move · 1/2/3 label · Enter submit and go to the next · Ctrl+Z undo. Labels "
                             "are saved to the run store; the trainer adds examples marked hard to the next "
                             "phase's retrospective pool."),
                          this);
  help->setWordWrap(true);
  help->setStyleSheet(QStringLiteral("color: gray"));
  side->addWidget(help);
  side->addWidget(status_);
  side->addStretch(1);

  auto* body = new QHBoxLayout;
  body->addWidget(view_, 3);
  body->addLayout(side, 2);
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  counts_->setTextFormat(Qt::RichText);
  // Wrapped, as the status below: one long line would widen the window past a small screen.
  counts_->setWordWrap(true);
  status_->setWordWrap(true);
  l->addWidget(makeWaitBanner());
  l->addWidget(counts_);
  l->addWidget(makeSyncRow());
  l->addLayout(body, 1);

  connect(model_, &AnnotationQueueModel::countsChanged, this, &AnnotationQueue::updateCounts);
  connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AnnotationQueue::onCurrentChanged);
  connect(store_, &AnnotationStore::loaded, this, [this](const AnnotationItems& items, const QString& error) {
    lastError_ = error;
    status_->setText(error.isEmpty()
                         ? QString()
                         : QStringLiteral("<span style='color:#c62828'>%1</span>").arg(error.toHtmlEscaped()));
    model_->setItems(items);
    if (model_->rowCount() > 0) view_->setCurrentIndex(model_->index(0, 0));
    else onCurrentChanged();
    Q_EMIT loaded();
  });
  connect(store_, &AnnotationStore::written, this, [this](const QString& exampleId, const QString& error) {
    --inFlight_;
    if (!error.isEmpty()) {
      lastError_ = error;
      status_->setText(tr("<span style='color:#c62828'>Not saved (%1): %2</span>")
                           .arg(exampleId.toHtmlEscaped(), error.toHtmlEscaped()));
    } else if (inFlight_ == 0) {
      status_->setText(tr("<span style='color:gray'>saved</span>"));
    }
    Q_EMIT writeFinished(exampleId, error);
  });
  connect(store_, &AnnotationStore::deliveryLoaded, model_, &AnnotationQueueModel::setDelivery);
  connect(store_, &AnnotationStore::continued, this, [this](int phase, const QString& error) {
    if (!error.isEmpty()) {
      continue_->setEnabled(true);
      status_->setText(tr("<span style='color:#c62828'>Continue not saved: %1</span>").arg(error.toHtmlEscaped()));
    }
    Q_EMIT continueFinished(phase, error);
  });
  updateCounts();
  onCurrentChanged();
}

QWidget* AnnotationQueue::makeWaitBanner() {
  waitBanner_ = new QWidget(this);
  waitBanner_->setObjectName(QStringLiteral("annotationWaitBanner"));
  waitBanner_->setStyleSheet(QStringLiteral("#annotationWaitBanner { background: #fff3e0; border-radius: 4px; }"));
  auto* row = new QHBoxLayout(waitBanner_);
  waitText_ = new QLabel(waitBanner_);
  waitText_->setWordWrap(true);
  continue_ = new QPushButton(tr("Continue"), waitBanner_);
  continue_->setToolTip(tr("Labels made so far go first; then the trainer chooses the next phase's hard examples."));
  connect(continue_, &QPushButton::clicked, this, &AnnotationQueue::continueTrainer);
  row->addWidget(waitText_, 1);
  row->addWidget(continue_);
  waitClock_ = new QTimer(this);
  waitClock_->setInterval(1000);
  connect(waitClock_, &QTimer::timeout, this, &AnnotationQueue::showWaitText);
  waitBanner_->hide();
  return waitBanner_;
}

QWidget* AnnotationQueue::makeSyncRow() {
  syncRow_ = new QWidget(this);
  auto* row = new QHBoxLayout(syncRow_);
  row->setContentsMargins(0, 0, 0, 0);
  syncText_ = new QLabel(syncRow_);
  syncText_->setWordWrap(true);
  syncText_->setTextFormat(Qt::RichText);
  auto* retry = new QPushButton(tr("Retry now"), syncRow_);
  retry->setObjectName(QStringLiteral("retrySync"));
  retry->setFocusPolicy(Qt::NoFocus);
  connect(retry, &QPushButton::clicked, this, &AnnotationQueue::retrySyncRequested);
  row->addWidget(syncText_, 1);
  row->addWidget(retry);
  syncRow_->hide();
  return syncRow_;
}

void AnnotationQueue::setAnnotationWait(int phase, double deadline) {
  // The phase just measured its examples: show them (the list is otherwise read on demand).
  if (phase >= 0 && phase != waitPhase_) reload();
  waitPhase_ = phase;
  waitDeadline_ = deadline;
  waitBanner_->setVisible(phase >= 0);
  continue_->setEnabled(phase >= 0);
  if (phase >= 0) waitClock_->start();
  else waitClock_->stop();
  showWaitText();
}

void AnnotationQueue::showWaitText() {
  if (waitPhase_ < 0) return;
  const double left = waitDeadline_ - io::wallSeconds();
  const int s = std::max(0, int(left));
  waitText_->setText(tr("The trainer is waiting for labels before phase %1 chooses its hard examples "
                        "(goes on by itself in %2:%3).")
                         .arg(waitPhase_ + 1)
                         .arg(s / 60)
                         .arg(s % 60, 2, 10, QLatin1Char('0')));
}

void AnnotationQueue::continueTrainer() {
  if (waitPhase_ < 0 || path_.isEmpty()) return;
  continue_->setEnabled(false);
  waitText_->setText(remote_ ? tr("Continue sent after the labels; the trainer goes on when it arrives.")
                             : tr("Continue saved; the trainer goes on within a second."));
  waitClock_->stop();
  QMetaObject::invokeMethod(
      store_, [s = store_, p = path_, phase = waitPhase_, r = remote_] { s->continueAfter(p, phase, r); },
      Qt::QueuedConnection);
}

void AnnotationQueue::setSyncState(qint64 pending, qint64 delivered, const QString& error, int retryInS) {
  syncRow_->setVisible(remote_);
  QString text = pending == 1  ? tr("<b>1 change</b> queued for the remote run")
                 : pending > 0 ? tr("<b>%1 changes</b> queued for the remote run").arg(pending)
                               : tr("every change is in the remote run's store");
  text += tr(" · %1 delivered").arg(delivered);
  if (!error.isEmpty())
    text += tr(" · <span style='color:#c62828'>not reached: %1</span> · retrying in %2 s")
                .arg(error.toHtmlEscaped())
                .arg(retryInS);
  syncText_->setText(text);
  syncRow_->findChild<QPushButton*>(QStringLiteral("retrySync"))->setVisible(!error.isEmpty());
}

QString AnnotationQueue::syncText() const { return syncText_->text(); }

void AnnotationQueue::refreshDelivery() {
  if (path_.isEmpty() || !remote_) return;
  QMetaObject::invokeMethod(
      store_, [s = store_, p = path_] { s->loadDelivery(p); }, Qt::QueuedConnection);
}

AnnotationQueue::~AnnotationQueue() {
  thread_.quit();  // pending writes run first: quit is queued behind them
  thread_.wait();
}

void AnnotationQueue::setStorePath(const QString& storePath, bool remote) {
  path_ = storePath;
  remote_ = remote;
  undo_.clear();
  syncRow_->setVisible(remote);
  if (remote) syncText_->setText(tr("labels are queued for the remote run…"));
  setAnnotationWait(-1, 0);
  reload();
}

void AnnotationQueue::reload() {
  if (path_.isEmpty()) return;
  status_->setText(tr("<span style='color:gray'>loading…</span>"));
  QMetaObject::invokeMethod(
      store_, [s = store_, p = path_] { s->load(p); }, Qt::QueuedConnection);
}

QString AnnotationQueue::countsText() const { return counts_->text(); }

void AnnotationQueue::updateCounts() {
  const auto c = model_->counts();
  counts_->setText(tr("<b>%1</b> examples, hardest first · <span style='color:#c62828'>hard %2</span> · "
                      "<span style='color:#2e7d32'>not hard %3</span> · <span style='color:#ef6c00'>unsure %4</span> · "
                      "unlabelled %5 · <span style='color:gray'>as %6</span>")
                       .arg(model_->rowCount())
                       .arg(c.at("hard"))
                       .arg(c.at("not_hard"))
                       .arg(c.at("unsure"))
                       .arg(c.at(""))
                       .arg(author_.toHtmlEscaped()));
}

void AnnotationQueue::onCurrentChanged() {
  const int row = view_->currentIndex().row();
  if (row < 0 || row >= model_->rowCount()) {
    pending_.clear();
    question_->setText(
        tr("<span style='color:gray'>No examples to label: the run has no difficulty records yet "
           "(they are written when a phase has been sampled).</span>"));
    note_->clear();
    showPending();
    return;
  }
  const auto& it = model_->item(row);
  pending_ = QString::fromStdString(it.label);
  note_->setText(QString::fromStdString(it.note));
  question_->setText(
      tr("<b>%1</b> <span style='color:gray'>%2</span><br><br>%3<br><br><b>Ground truth</b> "
         "<span style='color:#2e7d32'>%4</span><br><b>Mean reward</b> %5 over %6 samples (phase %7)")
          .arg(viewers::ElidedText::middle(QString::fromStdString(it.example_id), question_->fontMetrics(), 32)
                   .toHtmlEscaped(),
               QString::fromStdString(it.data_source).toHtmlEscaped(),
               QString::fromStdString(it.question).toHtmlEscaped(),
               QString::fromStdString(it.ground_truth).toHtmlEscaped(),
               std::isnan(it.mean_reward) ? QStringLiteral("—") : QString::number(it.mean_reward, 'f', 3))
          .arg(it.attempts)
          .arg(it.phase));
  showPending();
  Q_EMIT exampleSelected(QString::fromStdString(it.example_id));
}

void AnnotationQueue::showPending() {
  for (int i = 0; i < 3; ++i) buttons_[i]->setChecked(pending_ == QLatin1String(AnnotationQueueModel::kLabels[i]));
}

void AnnotationQueue::chooseLabel(int which) {
  if (which < 0 || which > 2 || view_->currentIndex().row() < 0) return;
  pending_ = QString::fromLatin1(AnnotationQueueModel::kLabels[which]);
  showPending();
}

void AnnotationQueue::send(const std::string& exampleId, const std::string& label, const std::string& note) {
  ++inFlight_;
  if (label.empty()) {
    QMetaObject::invokeMethod(
        store_, [s = store_, p = path_, id = QString::fromStdString(exampleId), r = remote_] { s->remove(p, id, r); },
        Qt::QueuedConnection);
    return;
  }
  store::AnnotationRecord a;
  a.example_id = exampleId;
  a.label = label;
  a.note = note;
  a.author = author_.toStdString();
  a.time = io::wallSeconds();
  QMetaObject::invokeMethod(
      store_, [s = store_, p = path_, a, r = remote_] { s->write(p, a, r); }, Qt::QueuedConnection);
}

void AnnotationQueue::submit() {
  const int row = view_->currentIndex().row();
  if (row < 0 || path_.isEmpty()) return;
  if (pending_.isEmpty()) {
    status_->setText(tr("<span style='color:#ef6c00'>Choose a label first: 1 hard, 2 not hard, 3 unsure.</span>"));
    return;
  }
  const auto& it = model_->item(row);
  undo_.push_back({it.example_id, it.label, it.note});
  const std::string label = pending_.toStdString(), note = note_->text().toStdString();
  model_->setLabel(row, label, note, remote_);
  send(it.example_id, label, note);
  moveBy(1);
}

void AnnotationQueue::undo() {
  if (undo_.empty()) return;
  const Undo u = undo_.back();
  undo_.pop_back();
  const int row = model_->rowOf(u.example_id);
  model_->setLabel(row, u.label, u.note, remote_);
  send(u.example_id, u.label, u.note);
  if (row >= 0) view_->setCurrentIndex(model_->index(row, 0));
  onCurrentChanged();
  status_->setText(
      tr("<span style='color:gray'>undone: %1</span>").arg(QString::fromStdString(u.example_id).toHtmlEscaped()));
}

void AnnotationQueue::moveBy(int rows) {
  const int n = model_->rowCount();
  if (n == 0) return;
  const int row = std::clamp(view_->currentIndex().row() + rows, 0, n - 1);
  view_->setCurrentIndex(model_->index(row, 0));
}

bool AnnotationQueue::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() != QEvent::KeyPress) return QWidget::eventFilter(watched, event);
  auto* k = static_cast<QKeyEvent*>(event);
  const bool inNote = watched == note_;
  if (k->key() == Qt::Key_Return || k->key() == Qt::Key_Enter) {
    submit();
    return true;
  }
  if (inNote && (k->key() == Qt::Key_Up || k->key() == Qt::Key_Down)) {
    moveBy(k->key() == Qt::Key_Up ? -1 : 1);
    return true;
  }
  // 1/2/3 in the list; Ctrl+1/2/3 while typing a note (plain digits belong to the note there).
  const auto wanted = inNote ? Qt::ControlModifier : Qt::NoModifier;
  if ((k->modifiers() & ~Qt::KeypadModifier) == wanted && k->key() >= Qt::Key_1 && k->key() <= Qt::Key_3) {
    chooseLabel(k->key() - Qt::Key_1);
    return true;
  }
  if (!inNote && k->matches(QKeySequence::Undo)) {
    undo();
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace longrl::ui
