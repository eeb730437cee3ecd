#include "viewers/document/MemoryStepsView.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSlider>
#include <QSplitter>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

#include "viewers/document/Utf16Offsets.h"

namespace longrl::viewers {

namespace {
QPlainTextEdit* readOnlyEdit(QWidget* parent) {
  auto* e = new QPlainTextEdit(parent);
  e->setReadOnly(true);
  e->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  // Two lines at least, not the scroll bars' minimum: the view must fit a small screen.
  e->setMinimumHeight(e->fontMetrics().lineSpacing() * 2 + 10);
  return e;
}
QWidget* titled(const QString& title, QWidget* body, QLabel** labelOut = nullptr) {
  auto* w = new QWidget;
  auto* l = new QVBoxLayout(w);
  l->setContentsMargins(0, 0, 0, 0);
  l->setSpacing(2);
  auto* label = new QLabel(title, w);
  label->setWordWrap(true);  // a reply's problem can be a long sentence
  l->addWidget(label);
  l->addWidget(body, 1);
  if (labelOut) *labelOut = label;
  return w;
}
}  // namespace

MemoryStepsView::MemoryStepsView(QWidget* parent)
    : QWidget(parent), header_(new QLabel(this)), prev_(new QToolButton(this)), next_(new QToolButton(this)),
      slider_(new QSlider(Qt::Horizontal, this)), stepLabel_(new QLabel(this)), document_(readOnlyEdit(this)),
      memory_(readOnlyEdit(this)), plan_(readOnlyEdit(this)), reply_(readOnlyEdit(this)) {
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  header_->setTextFormat(Qt::RichText);
  header_->setWordWrap(true);
  l->addWidget(header_);
  auto* bar = new QHBoxLayout;
  prev_->setArrowType(Qt::LeftArrow);
  prev_->setToolTip(tr("Previous step (Left)"));
  next_->setArrowType(Qt::RightArrow);
  next_->setToolTip(tr("Next step (Right)"));
  slider_->setPageStep(1);
  slider_->setTickPosition(QSlider::TicksBelow);
  bar->addWidget(prev_);
  bar->addWidget(slider_, 1);
  bar->addWidget(next_);
  bar->addWidget(stepLabel_);
  l->addLayout(bar);

  auto* right = new QSplitter(Qt::Vertical, this);
  right->addWidget(titled(tr("Memory after this step"), memory_));
  right->addWidget(titled(tr("Plan"), plan_));
  right->addWidget(titled(tr("Reply"), reply_, &replyLabel_));
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(titled(tr("Document (the section this step read is highlighted)"), document_));
  split->addWidget(right);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  l->addWidget(split, 1);

  connect(slider_, &QSlider::valueChanged, this, &MemoryStepsView::showStep);
  connect(prev_, &QToolButton::clicked, this, [this] { slider_->setValue(slider_->value() - 1); });
  connect(next_, &QToolButton::clicked, this, [this] { slider_->setValue(slider_->value() + 1); });
  setFocusPolicy(Qt::StrongFocus);
  clear();
}

void MemoryStepsView::clear(const QString& message) {
  trajectory_ = {};
  bounds_.clear();
  response_.clear();
  highlighted_ = {0, 0};
  const QSignalBlocker block(slider_);
  slider_->setRange(0, 0);
  slider_->setEnabled(false);
  prev_->setEnabled(false);
  next_->setEnabled(false);
  stepLabel_->clear();
  for (auto* e : {document_, memory_, plan_, reply_}) e->clear();
  header_->setText(message.isEmpty()
                       ? tr("<span style='color:gray'>Not a memory-agent rollout.</span>")
                       : QStringLiteral("<span style='color:#c62828'>%1</span>").arg(message.toHtmlEscaped()));
}

bool MemoryStepsView::setContent(const std::string& document, const std::string& trajectoryJson,
                                 const std::string& response) {
  memory::MemoryTrajectory t;
  try {
    t = memory::MemoryTrajectory::fromJson(trajectoryJson);
  } catch (const std::exception& e) {
    clear(tr("The stored trajectory cannot be read: %1").arg(QString::fromUtf8(e.what())));
    return false;
  }
  clear();
  trajectory_ = std::move(t);
  response_ = QString::fromUtf8(response.data(), static_cast<qsizetype>(response.size()));
  std::vector<std::size_t> bytes;
  for (const auto& s : trajectory_.steps) {
    bytes.push_back(s.begin);
    bytes.push_back(s.end);
  }
  bounds_ = Utf16Offsets::fromUtf8(document, bytes);
  document_->setPlainText(QString::fromUtf8(document.data(), static_cast<qsizetype>(document.size())));
  int malformed = 0, truncated = 0;
  for (const auto& s : trajectory_.steps) {
    malformed += s.problem.empty() ? 0 : 1;
    truncated += s.truncated ? 1 : 0;
  }
  header_->setText(tr("<b>Memory agent</b> · %1 of at most %2 tokens · %3 malformed and %4 truncated "
                      "replies · then the answer from the memory")
                       .arg(steps() == 1 ? tr("1 section") : tr("%1 sections").arg(steps()))
                       .arg(trajectory_.chunkTokens)
                       .arg(malformed)
                       .arg(truncated));
  const QSignalBlocker block(slider_);
  slider_->setRange(0, steps());
  slider_->setEnabled(true);
  slider_->setValue(0);
  showStep(0);
  return true;
}

int MemoryStepsView::step() const { return slider_->value(); }

void MemoryStepsView::showStep(int step) {
  if (step < 0 || step > steps()) return;
  if (slider_->value() != step) {
    slider_->setValue(step);  // comes back here through valueChanged
    return;
  }
  prev_->setEnabled(step > 0);
  next_->setEnabled(step < steps());
  QList<QTextEdit::ExtraSelection> marks;
  if (step < steps()) {
    const auto& s = trajectory_.steps[static_cast<std::size_t>(step)];
    stepLabel_->setText(tr("section %1 of %2").arg(step + 1).arg(steps()));
    memory_->setPlainText(QString::fromStdString(s.memory));
    plan_->setPlainText(QString::fromStdString(s.plan));
    reply_->setPlainText(QString::fromStdString(s.reply));
    QStringList facts;
    if (s.responseTokens > 0) facts << tr("%1 tokens").arg(s.responseTokens);  // unknown for an endpoint
    if (s.truncated) facts << tr("cut by the memory budget");
    QString what = facts.isEmpty() ? tr("Reply") : tr("Reply (%1)").arg(facts.join(QStringLiteral(", ")));
    if (!s.problem.empty())
      what += QStringLiteral(" · <span style='color:#c62828'>%1</span>")
                  .arg(QString::fromStdString(s.problem).toHtmlEscaped());
    replyLabel_->setText(what);
    highlighted_ = {bounds_[2 * static_cast<std::size_t>(step)], bounds_[2 * static_cast<std::size_t>(step) + 1]};
    QTextEdit::ExtraSelection sel;
    sel.cursor = QTextCursor(document_->document());
    sel.cursor.setPosition(highlighted_.first);
    sel.cursor.setPosition(highlighted_.second, QTextCursor::KeepAnchor);
    sel.format.setBackground(QColor(255, 236, 179));
    marks.push_back(sel);
    QTextCursor c(document_->document());
    c.setPosition(highlighted_.first);
    document_->setTextCursor(c);
    document_->centerCursor();
  } else {
    stepLabel_->setText(tr("final answer"));
    const auto& last = trajectory_.steps.empty() ? memory::MemoryStep{} : trajectory_.steps.back();
    memory_->setPlainText(QString::fromStdString(last.memory));
    plan_->setPlainText(QString::fromStdString(last.plan));
    reply_->setPlainText(response_);
    replyLabel_->setText(tr("Answer (from the memory alone, %1 prompt tokens)").arg(trajectory_.finalPromptTokens));
    highlighted_ = {0, 0};
  }
  document_->setExtraSelections(marks);
}

void MemoryStepsView::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Left:
    case Qt::Key_PageUp:
      showStep(step() - 1);
      return;
    case Qt::Key_Right:
    case Qt::Key_PageDown:
      showStep(step() + 1);
      return;
    default:
      QWidget::keyPressEvent(event);
  }
}

}  // namespace longrl::viewers
