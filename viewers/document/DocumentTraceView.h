#pragma once
#include <QFutureWatcher>
#include <QString>
#include <QWidget>

#include <string>
#include <vector>

#include "core/behavior/BehaviorSpan.h"
#include "core/cprs/Compression.h"
#include "viewers/document/BehaviorMarks.h"
#include "viewers/document/KeptSpanMarks.h"

class QLabel;
class QPlainTextEdit;
class QSplitter;

namespace longrl::viewers {

// One rollout next to its document: the document on the left, the reasoning trace on the right
// with the <think> part and the answer in separate panes. Grounded passages (core's
// GroundingAligner) are highlighted on both sides and linked: putting the cursor in (clicking) a
// passage of the trace scrolls the document to its source, and the other way round.
// Plain text only (QPlainTextEdit lays out just the visible blocks), so a 120,000-token document
// opens without a stall; the alignment runs on a worker thread and is applied when ready.
// Reasoning behaviour steps (BehaviorMarks) are marked in the trace beside them, a colour per
// behaviour with a legend over the thinking; hovering a step names its behaviour and cue.
// What a compressor kept of the document (KeptSpanMarks) is shaded green under the grounding, the
// stronger the higher its score; hovering a kept span shows its scores, the header the ratio.
class DocumentTraceView : public QWidget {
  Q_OBJECT
 public:
  struct Content {
    QString title;  // document title
    std::string document;
    std::string response;
    QString question;
    QString groundTruth;
    // Behaviour steps (byte offsets into `response`) and the classifier that found them.
    std::vector<behavior::BehaviorSpan> behaviorSpans;
    QString behaviorClassifier;
    // What the compressor kept (byte offsets into `document`) and its summary; none when the
    // answer saw the whole document.
    std::vector<cprs::KeptSpan> keptSpans;
    QString keptSummary;
  };
  // A grounded passage in widget positions (UTF-16), the trace side in thinking or answer pane.
  struct Link {
    int docBegin = 0, docEnd = 0;
    bool inAnswer = false;
    int traceBegin = 0, traceEnd = 0;
    double score = 0;
  };

  explicit DocumentTraceView(QWidget* parent = nullptr);
  ~DocumentTraceView() override;

  void setContent(const Content& content);
  // Empties the panes and shows `message` (e.g. "loading…", or an error) instead.
  void clear(const QString& message = {});
  // Shades the kept spans of the document the pane holds (`document`: its UTF-8, which the spans'
  // byte offsets index) before an answer is there to setContent(); the summary goes in the header.
  void setKeptSpans(std::string_view document, const std::vector<cprs::KeptSpan>& spans, const QString& summary);

  QPlainTextEdit* documentEdit() const { return document_; }
  QPlainTextEdit* thinkingEdit() const { return thinking_; }
  QPlainTextEdit* answerEdit() const { return answer_; }
  const std::vector<Link>& links() const { return links_; }
  bool alignmentPending() const { return watcher_.isRunning(); }
  int activeLink() const { return active_; }
  const std::vector<BehaviorMark>& behaviorMarks() const { return marks_; }
  const std::vector<KeptMark>& keptMarks() const { return kept_; }
  // What the tooltip says at position `pos` of the document pane; "" off any kept span.
  QString keptTooltipAt(int pos) const { return KeptSpanMarks::tooltipAt(kept_, pos); }
  QString documentTitle() const;  // the document pane's header (rich text)
  // What the tooltip says at position `pos` of the thinking (or answer) pane; "" off any step.
  QString behaviorTooltipAt(bool inAnswer, int pos) const;
  QString thinkingTitle() const;  // with the behaviour legend when there are steps

  // Scrolls the document to the passage linked to position `pos` of the thinking (or answer)
  // pane and marks it; false when `pos` is in no grounded passage.
  bool followTrace(bool inAnswer, int pos);
  // The mirror: scrolls the trace to the passage quoting document position `pos`.
  bool followDocument(int pos);

 Q_SIGNALS:
  void alignmentReady(int passages);

 private:
  void applyAlignment();
  void paintHighlights();
  void activate(int link, bool scrollDocument, bool scrollTrace);
  void showThinkingTitle(const QString& classifier);
  void showDocumentTitle();
  bool eventFilter(QObject* watched, QEvent* event) override;

  QLabel* docHeader_;
  QLabel* traceHeader_;
  QLabel* status_;
  QLabel* thinkTitle_;
  QPlainTextEdit* document_;
  QPlainTextEdit* thinking_;
  QPlainTextEdit* answer_;
  QSplitter* split_;
  QFutureWatcher<std::vector<Link>> watcher_;
  std::vector<Link> links_;
  std::vector<BehaviorMark> marks_;
  std::vector<KeptMark> kept_;
  QString docTitle_, keptSummary_;  // the header's parts
  int active_ = -1;
  quint64 generation_ = 0, watchedGeneration_ = 0;
  bool syncing_ = false;  // moving a cursor ourselves: do not follow it back
};

}  // namespace longrl::viewers
