#include "viewers/document/DocumentTraceView.h"

#include <QHelpEvent>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTextBlock>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <memory>

#include "core/grounding/GroundingAligner.h"
#include "viewers/document/ElidedText.h"
#include "viewers/document/ResponseParts.h"
#include "viewers/document/Utf16Offsets.h"

namespace longrl::viewers {
namespace {

QPlainTextEdit* makeEdit(QWidget* parent) {
  auto* e = new QPlainTextEdit(parent);
  e->setReadOnly(true);
  e->setUndoRedoEnabled(false);
  e->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
  e->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  // Two lines at least, not the scroll bars' minimum: three panes stacked must fit a small screen.
  e->setMinimumHeight(e->fontMetrics().lineSpacing() * 2 + 10);
  return e;
}

QWidget* titled(QLabel* title, QWidget* body, QWidget* parent) {
  auto* w = new QWidget(parent);
  auto* l = new QVBoxLayout(w);
  l->setContentsMargins(0, 0, 0, 0);
  l->setSpacing(2);
  title->setTextFormat(Qt::RichText);
  title->setWordWrap(true);
  l->addWidget(title);
  l->addWidget(body, 1);
  return w;
}

// Grounding runs on a worker: aligner + byte -> UTF-16 conversion, all on copies.
std::vector<DocumentTraceView::Link> alignTexts(const std::shared_ptr<const DocumentTraceView::Content>& c) {
  const std::string_view doc(c->document), resp(c->response);
  const auto parts = ResponseParts::split(resp);
  const auto spans = grounding::GroundingAligner().align(doc, resp);
  std::vector<std::size_t> docOffsets, thinkOffsets, answerOffsets;
  struct Clipped {
    std::size_t db, de, tb, te;
    bool answer;
    double score;
  };
  std::vector<Clipped> kept;
  for (const auto& s : spans) {
    // A span is shown in the pane holding its start; clipped to that pane's range.
    const bool answer = parts.closed && s.traceBegin >= parts.answerBegin;
    const std::size_t lo = answer ? parts.answerBegin : parts.thinkBegin;
    const std::size_t hi = answer ? parts.answerEnd : parts.thinkEnd;
    const std::size_t tb = std::max(s.traceBegin, lo), te = std::min(s.traceEnd, hi);
    if (te <= tb) continue;
    kept.push_back({s.docBegin, s.docEnd, tb - lo, te - lo, answer, s.score});
  }
  for (const auto& k : kept) {
    docOffsets.insert(docOffsets.end(), {k.db, k.de});
    (k.answer ? answerOffsets : thinkOffsets).insert((k.answer ? answerOffsets : thinkOffsets).end(), {k.tb, k.te});
  }
  const auto d16 = Utf16Offsets::fromUtf8(doc, docOffsets);
  const auto t16 =
      Utf16Offsets::fromUtf8(resp.substr(parts.thinkBegin, parts.thinkEnd - parts.thinkBegin), thinkOffsets);
  const auto a16 =
      Utf16Offsets::fromUtf8(resp.substr(parts.answerBegin, parts.answerEnd - parts.answerBegin), answerOffsets);
  std::vector<DocumentTraceView::Link> out;
  std::size_t ti = 0, ai = 0;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    DocumentTraceView::Link l;
    l.docBegin = d16[2 * i];
    l.docEnd = d16[2 * i + 1];
    l.inAnswer = kept[i].answer;
    const auto& v = l.inAnswer ? a16 : t16;
    std::size_t& at = l.inAnswer ? ai : ti;
    l.traceBegin = v[at];
    l.traceEnd = v[at + 1];
    at += 2;
    l.score = kept[i].score;
    out.push_back(l);
  }
  return out;
}

}  // namespace

DocumentTraceView::DocumentTraceView(QWidget* parent)
    : QWidget(parent), docHeader_(new QLabel(this)), traceHeader_(new QLabel(this)), status_(new QLabel(this)),
      thinkTitle_(new QLabel(this)), document_(makeEdit(this)), thinking_(makeEdit(this)), answer_(makeEdit(this)),
      split_(new QSplitter(Qt::Horizontal, this)) {
  auto* traceSplit = new QSplitter(Qt::Vertical, this);
  auto* answerTitle =
      new QLabel(tr("<b>Answer</b> <span style='color:gray'>(after the last &lt;/think&gt;)</span>"), this);
  traceSplit->addWidget(titled(thinkTitle_, thinking_, this));
  traceSplit->addWidget(titled(answerTitle, answer_, this));
  traceSplit->setStretchFactor(0, 4);
  traceSplit->setStretchFactor(1, 1);
  split_->addWidget(titled(docHeader_, document_, this));
  split_->addWidget(titled(traceHeader_, traceSplit, this));
  split_->setChildrenCollapsible(false);
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(split_, 1);
  status_->setStyleSheet(QStringLiteral("color: gray"));
  status_->setWordWrap(true);
  l->addWidget(status_);
  answer_->setPlaceholderText(tr("(no </think>: the response has no answer, so its reward is 0)"));

  for (auto* e : {thinking_, answer_, document_}) e->viewport()->installEventFilter(this);
  connect(&watcher_, &QFutureWatcher<std::vector<Link>>::finished, this, &DocumentTraceView::applyAlignment);
  connect(thinking_, &QPlainTextEdit::cursorPositionChanged, this, [this] {
    if (!syncing_) followTrace(false, thinking_->textCursor().position());
  });
  connect(answer_, &QPlainTextEdit::cursorPositionChanged, this, [this] {
    if (!syncing_) followTrace(true, answer_->textCursor().position());
  });
  connect(document_, &QPlainTextEdit::cursorPositionChanged, this, [this] {
    if (!syncing_) followDocument(document_->textCursor().position());
  });
  clear(tr("Select a rollout to see its document and reasoning trace."));
}

DocumentTraceView::~DocumentTraceView() { watcher_.waitForFinished(); }

void DocumentTraceView::clear(const QString& message) {
  ++generation_;
  links_.clear();
  marks_.clear();
  kept_.clear();
  showThinkingTitle({});
  active_ = -1;
  syncing_ = true;
  document_->clear();
  thinking_->clear();
  answer_->clear();
  syncing_ = false;
  paintHighlights();
  docTitle_ = tr("<b>Document</b>");
  keptSummary_.clear();
  showDocumentTitle();
  docHeader_->setToolTip(QString());
  traceHeader_->setText(tr("<b>Trace</b>"));
  status_->setText(message);
}

void DocumentTraceView::setContent(const Content& content) {
  ++generation_;
  links_.clear();
  active_ = -1;
  const auto parts = ResponseParts::split(content.response);
  const std::string_view resp(content.response);
  syncing_ = true;
  document_->setPlainText(QString::fromUtf8(content.document.data(), qsizetype(content.document.size())));
  const auto think = resp.substr(parts.thinkBegin, parts.thinkEnd - parts.thinkBegin);
  const auto answer = resp.substr(parts.answerBegin, parts.answerEnd - parts.answerBegin);
  thinking_->setPlainText(QString::fromUtf8(think.data(), qsizetype(think.size())));
  answer_->setPlainText(QString::fromUtf8(answer.data(), qsizetype(answer.size())));
  syncing_ = false;
  marks_ = BehaviorMarks::map(resp, content.behaviorSpans);
  kept_ = KeptSpanMarks::map(content.document, content.keptSpans);
  keptSummary_ = content.keptSpans.empty() ? QString() : content.keptSummary;
  showThinkingTitle(content.behaviorClassifier);
  paintHighlights();
  const QString title = content.title.isEmpty()
                            ? tr("Document")
                            : ElidedText::middle(content.title, docHeader_->fontMetrics(), 28).toHtmlEscaped();
  docHeader_->setToolTip(content.title);
  docTitle_ = tr("<b>%1</b> <span style='color:gray'>%2 characters</span>")
                  .arg(title)
                  .arg(QLocale().toString(document_->document()->characterCount()));
  showDocumentTitle();
  QString trace = tr("<b>Question</b> %1").arg(content.question.toHtmlEscaped());
  if (!content.groundTruth.isEmpty())
    trace +=
        tr("<br><b>Ground truth</b> <span style='color:#2e7d32'>%1</span>").arg(content.groundTruth.toHtmlEscaped());
  traceHeader_->setText(trace);
  if (content.document.empty() || content.response.empty()) {
    status_->setText(
        tr("Nothing to align (%1 is empty).").arg(content.document.empty() ? tr("the document") : tr("the response")));
    return;
  }
  status_->setText(tr("Finding grounded passages…"));
  watchedGeneration_ = generation_;
  auto copy = std::make_shared<const Content>(content);
  watcher_.setFuture(QtConcurrent::run([copy] { return alignTexts(copy); }));
}

void DocumentTraceView::setKeptSpans(std::string_view document, const std::vector<cprs::KeptSpan>& spans,
                                     const QString& summary) {
  kept_ = KeptSpanMarks::map(document, spans);
  keptSummary_ = summary;
  showDocumentTitle();
  paintHighlights();
}

void DocumentTraceView::showDocumentTitle() {
  docHeader_->setText(
      keptSummary_.isEmpty()
          ? docTitle_
          : tr("%1 <span style='color:#2e7d32'>— compressed: %2</span>").arg(docTitle_, keptSummary_.toHtmlEscaped()));
}

QString DocumentTraceView::documentTitle() const { return docHeader_->text(); }

void DocumentTraceView::applyAlignment() {
  if (watchedGeneration_ != generation_) return;  // the content changed meanwhile
  links_ = watcher_.result();
  active_ = -1;
  paintHighlights();
  status_->setText(links_.empty()
                       ? tr("No grounded passages: the trace quotes nothing from the document.")
                       : tr("%n grounded passage(s), highlighted on both sides. Click one in the trace to find it "
                            "in the document (and the other way round).",
                            nullptr, int(links_.size())));
  Q_EMIT alignmentReady(int(links_.size()));
}

void DocumentTraceView::paintHighlights() {
  QList<QTextEdit::ExtraSelection> doc, think, answer;
  auto sel = [](QPlainTextEdit* e, int b, int en, const QTextCharFormat& f) {
    QTextEdit::ExtraSelection s;
    s.cursor = QTextCursor(e->document());
    s.cursor.setPosition(b);
    s.cursor.setPosition(en, QTextCursor::KeepAnchor);
    s.format = f;
    return s;
  };
  // The compressor's shading first; a grounded passage over it is an orange underline (a selection
  // is drawn over the ones before it, background included), elsewhere yellow.
  for (const auto& k : kept_) doc.append(sel(document_, k.begin, k.end, KeptSpanMarks::format(k.score)));
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const auto& l = links_[i];
    const bool on = int(i) == active_;
    QTextCharFormat f;
    f.setBackground(on ? QColor(255, 183, 77) : QColor(255, 241, 168));
    if (on) f.setFontUnderline(true);
    QTextCharFormat inDoc = f;
    if (!on && std::any_of(kept_.begin(), kept_.end(),
                           [&](const KeptMark& k) { return k.begin < l.docEnd && l.docBegin < k.end; })) {
      inDoc = QTextCharFormat();
      inDoc.setUnderlineStyle(QTextCharFormat::WaveUnderline);
      inDoc.setUnderlineColor(QColor(230, 81, 0));
    }
    doc.append(sel(document_, l.docBegin, l.docEnd, inDoc));
    (l.inAnswer ? answer : think).append(sel(l.inAnswer ? answer_ : thinking_, l.traceBegin, l.traceEnd, f));
  }
  // After the grounding: a later selection's properties win where they overlap, so a cue's tint
  // shows inside a grounded passage and the passage's yellow stays around it.
  for (const auto& m : marks_) {
    QPlainTextEdit* e = m.inAnswer ? answer_ : thinking_;
    auto& list = m.inAnswer ? answer : think;
    list.append(sel(e, m.begin, m.end, BehaviorMarks::stepFormat(m.kind)));
    if (m.cueEnd > m.cueBegin) list.append(sel(e, m.cueBegin, m.cueEnd, BehaviorMarks::cueFormat(m.kind)));
  }
  document_->setExtraSelections(doc);
  thinking_->setExtraSelections(think);
  answer_->setExtraSelections(answer);
}

void DocumentTraceView::activate(int link, bool scrollDocument, bool scrollTrace) {
  active_ = link;
  paintHighlights();
  const auto& l = links_[std::size_t(link)];
  syncing_ = true;
  auto moveTo = [](QPlainTextEdit* e, int pos) {
    QTextCursor c(e->document());
    c.setPosition(pos);
    e->setTextCursor(c);
    e->centerCursor();
  };
  if (scrollDocument) moveTo(document_, l.docBegin);
  if (scrollTrace) moveTo(l.inAnswer ? answer_ : thinking_, l.traceBegin);
  syncing_ = false;
}

void DocumentTraceView::showThinkingTitle(const QString& classifier) {
  QString t = tr("<b>Thinking</b> <span style='color:gray'>(&lt;think&gt; … &lt;/think&gt;)</span>");
  if (!marks_.empty()) t += QStringLiteral("<br>") + BehaviorMarks::legendHtml(marks_, classifier);
  thinkTitle_->setText(t);
  thinkTitle_->setToolTip(marks_.empty() ? QString()
                                         : tr("Reasoning behaviour steps are underlined in their colour, the cue "
                                              "that decided each on a tint of it; hover a step for its cue."));
}

QString DocumentTraceView::thinkingTitle() const { return thinkTitle_->text(); }

QString DocumentTraceView::behaviorTooltipAt(bool inAnswer, int pos) const {
  return BehaviorMarks::tooltipAt(marks_, inAnswer, pos);
}

bool DocumentTraceView::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() != QEvent::ToolTip) return QWidget::eventFilter(watched, event);
  const bool inDocument = watched == document_->viewport();
  if (inDocument ? kept_.empty() : marks_.empty()) return QWidget::eventFilter(watched, event);
  const bool inAnswer = watched == answer_->viewport();
  QPlainTextEdit* e = inDocument ? document_ : inAnswer ? answer_ : thinking_;
  auto* help = static_cast<QHelpEvent*>(event);
  const int pos = e->cursorForPosition(help->pos()).position();
  const QString tip = inDocument ? keptTooltipAt(pos) : behaviorTooltipAt(inAnswer, pos);
  if (tip.isEmpty()) QToolTip::hideText();
  else QToolTip::showText(help->globalPos(), tip, e->viewport());
  return true;
}

bool DocumentTraceView::followTrace(bool inAnswer, int pos) {
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const auto& l = links_[i];
    if (l.inAnswer == inAnswer && pos >= l.traceBegin && pos <= l.traceEnd) {
      activate(int(i), true, false);
      return true;
    }
  }
  return false;
}

bool DocumentTraceView::followDocument(int pos) {
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const auto& l = links_[i];
    if (pos >= l.docBegin && pos <= l.docEnd) {
      activate(int(i), false, true);
      return true;
    }
  }
  return false;
}

}  // namespace longrl::viewers
