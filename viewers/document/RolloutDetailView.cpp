#include "viewers/document/RolloutDetailView.h"

#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "core/store/RunStoreReader.h"
#include "viewers/document/DocumentTraceView.h"
#include "viewers/document/ElidedText.h"
#include "viewers/document/MemoryStepsView.h"
#include "viewers/judge/JudgePanel.h"
#include "viewers/rollouts/RolloutCells.h"

namespace longrl::viewers {

RolloutDetailView::RolloutDetailView(QWidget* parent)
    : QWidget(parent), summary_(new QLabel(this)), tabs_(new QTabWidget(this)), trace_(new DocumentTraceView(this)),
      judge_(new JudgePanel(this)), memory_(new MemoryStepsView(this)) {
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  summary_->setTextFormat(Qt::RichText);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary_->setWordWrap(true);  // one line of it is wider than a laptop screen's half
  l->addWidget(summary_);
  tabs_->addTab(trace_, tr("Document && trace"));
  tabs_->addTab(judge_, tr("Reward && judge"));
  memory_->hide();  // a tab only for memory-agent rollouts
  tabs_->setDocumentMode(true);
  l->addWidget(tabs_, 1);
  summary_->setText(tr("<span style='color:gray'>No rollout selected.</span>"));
  connect(&watcher_, &QFutureWatcher<Loaded>::finished, this, &RolloutDetailView::onLoaded);
}

RolloutDetailView::~RolloutDetailView() { watcher_.waitForFinished(); }

void RolloutDetailView::setStorePath(const QString& storePath) {
  path_ = storePath;
  shown_ = -1;
  trace_->clear();
  judge_->clear();
}

void RolloutDetailView::showRollout(qint64 rolloutId) { load(rolloutId, {}); }

void RolloutDetailView::showLatestOf(const QString& exampleId) { load(-1, exampleId); }

void RolloutDetailView::load(qint64 rolloutId, const QString& exampleId) {
  if (path_.isEmpty()) return;
  summary_->setText(tr("<span style='color:gray'>loading…</span>"));
  const std::string path = path_.toStdString();
  const std::string example = exampleId.toStdString();
  watcher_.setFuture(QtConcurrent::run([path, rolloutId, example] {
    Loaded out;
    try {
      store::RunStoreReader reader(path);
      if (rolloutId > 0) {
        out.rollout = reader.rollout(rolloutId);
        if (!out.rollout) out.error = QObject::tr("rollout %1 is not in the store").arg(rolloutId);
      } else {
        store::RolloutQuery q;
        q.example_id = example;
        q.order_by = "id";
        q.descending = true;
        q.limit = 1;
        const auto rows = reader.rollouts(q);
        if (rows.empty())
          out.error = QObject::tr("example %1 has no rollouts yet").arg(QString::fromStdString(example));
        else out.rollout = rows.front();
      }
      const std::string ex = out.rollout ? out.rollout->example_id : example;
      out.example = reader.example(ex);
      if (out.example && out.example->doc_id > 0) out.document = reader.document(out.example->doc_id);
      if (out.rollout) out.behaviors = BehaviorRecordsView::latest(reader.rolloutBehaviors(*out.rollout));
    } catch (const std::exception& e) {
      out.error = QString::fromStdString(e.what());
    }
    return out;
  }));
}

void RolloutDetailView::onLoaded() {
  const Loaded d = watcher_.result();
  if (!d.rollout) {
    shown_ = -1;
    summary_->setText(QStringLiteral("<span style='color:#c62828'>%1</span>").arg(d.error.toHtmlEscaped()));
    trace_->clear(d.error);
    judge_->clear(d.error);
    return;
  }
  const auto& r = *d.rollout;
  shown_ = r.id;
  const QString source = d.example ? QString::fromStdString(d.example->data_source) : tr("unknown source");
  const QString example = QString::fromStdString(r.example_id);
  summary_->setToolTip(example);
  summary_->setText(
      tr("<b>Rollout %1</b> · step %2 · phase %3 · <b>%4</b> (%5) · group %6 sample %7 · reward <b>%8</b> · "
         "advantage %9 · %10 tokens%11")
          .arg(r.id)
          .arg(r.step)
          .arg(r.phase)
          .arg(ElidedText::middle(example, summary_->fontMetrics(), 32).toHtmlEscaped(), source.toHtmlEscaped())
          .arg(r.group_idx)
          .arg(r.sample_idx)
          .arg(RolloutCells::number(r.reward), RolloutCells::number(r.advantage))
          .arg(r.length)
          .arg(r.truncated ? tr(" · <span style='color:#c62828'>truncated</span>") : QString()));
  DocumentTraceView::Content c;
  if (d.document) {
    c.title = QString::fromStdString(d.document->title);
    c.document = d.document->text;
  }
  c.response = r.response;
  if (d.example) {
    c.question = QString::fromStdString(d.example->question);
    c.groundTruth = QString::fromStdString(d.example->ground_truth);
  }
  // The steps of the first record with positions: the rule classifier's (the judge gives counts only).
  for (const auto& b : d.behaviors)
    if (!b.record.spans.empty()) {
      c.behaviorSpans = b.record.spans;
      c.behaviorClassifier = QString::fromStdString(b.record.classifier);
      break;
    }
  trace_->setContent(c);
  judge_->setRollout(r, d.example);
  judge_->setBehaviors(d.behaviors);
  const int memoryTab = tabs_->indexOf(memory_);
  if (r.trajectory) {
    memory_->setContent(c.document, *r.trajectory, r.response);
    if (memoryTab < 0) tabs_->insertTab(1, memory_, tr("Memory steps"));
  } else if (memoryTab >= 0) {
    tabs_->removeTab(memoryTab);
    memory_->clear();
  }
  Q_EMIT shown(r.id);
}

}  // namespace longrl::viewers
