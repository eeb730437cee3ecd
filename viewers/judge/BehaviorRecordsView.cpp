#include "viewers/judge/BehaviorRecordsView.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

#include <map>

#include "core/behavior/BehaviorStoreRow.h"
#include "viewers/rollouts/RolloutCells.h"

namespace longrl::viewers {
namespace {

QString describe(const ShownBehavior& b) {
  const auto& r = b.record;
  const QString head = QObject::tr("<b>%1</b> classifier <span style='color:gray'>(revision %2)</span>: ")
                           .arg(QString::fromStdString(r.classifier).toHtmlEscaped())
                           .arg(b.revision);
  if (!b.problem.isEmpty())
    return head +
           QObject::tr("<span style='color:#c62828'>cannot read the record: %1</span>").arg(b.problem.toHtmlEscaped());
  if (r.failed())
    return head + QObject::tr(
                      "<span style='color:#c62828'><b>failed:</b> %1</span> (no counts: metrics leave this "
                      "rollout out)")
                      .arg(QString::fromStdString(r.error).toHtmlEscaped());
  QString s = head + QObject::tr("%1 sub-goal · %2 backtracking · %3 verification step(s)")
                         .arg(r.subgoal)
                         .arg(r.backtracking)
                         .arg(r.verification);
  if (r.steps > 0) s += QObject::tr(" of %1").arg(r.steps);
  if (r.groundingShare)
    s += QObject::tr(" · grounding share %1 over %2 passage(s)")
             .arg(RolloutCells::number(*r.groundingShare, 2))
             .arg(r.passages);
  return s;
}

}  // namespace

BehaviorRecordsView::BehaviorRecordsView(QWidget* parent)
    : QWidget(parent), summary_(new QLabel(this)),
      replyTitle_(new QLabel(tr("<span style='color:gray'>The behaviour judge's raw reply:</span>"), this)),
      reply_(new QPlainTextEdit(this)) {
  summary_->setTextFormat(Qt::RichText);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary_->setWordWrap(true);
  reply_->setReadOnly(true);
  reply_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  reply_->setFixedHeight(reply_->fontMetrics().lineSpacing() * 5 + 12);
  reply_->setToolTip(tr("The behaviour judge's reply as received: check its counts against what it wrote"));
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(summary_);
  l->addWidget(replyTitle_);
  l->addWidget(reply_);
  clear();
}

std::vector<ShownBehavior> BehaviorRecordsView::latest(const std::vector<store::RolloutBehaviorRecord>& rows) {
  std::map<std::string, const store::RolloutBehaviorRecord*> newest;
  for (const auto& r : rows) {
    auto& at = newest[r.classifier];
    if (!at || r.revision > at->revision) at = &r;
  }
  std::vector<ShownBehavior> out;
  for (const auto& [name, row] : newest) {
    ShownBehavior b;
    b.revision = row->revision;
    try {
      b.record = behavior::fromStoreRow(*row);
    } catch (const std::exception& e) {
      b.problem = QString::fromStdString(e.what());
    }
    b.record.classifier = name;
    // "rule" (always there) before "judge".
    out.insert(name == "rule" ? out.begin() : out.end(), std::move(b));
  }
  return out;
}

void BehaviorRecordsView::setRecords(const std::vector<ShownBehavior>& records) {
  QStringList lines;
  QString reply;
  bool judged = false;
  for (const auto& b : records) {
    lines << describe(b);
    if (b.record.classifier == "judge") {
      judged = true;
      reply = b.record.rawReply.empty() ? tr("(no reply recorded)") : QString::fromStdString(b.record.rawReply);
    }
  }
  summary_->setText(lines.isEmpty() ? tr("<span style='color:gray'>no behaviour records for this rollout</span>")
                                    : lines.join(QStringLiteral("<br>")));
  reply_->setPlainText(reply);
  reply_->setVisible(judged);
  replyTitle_->setVisible(judged);
}

void BehaviorRecordsView::clear() {
  summary_->clear();
  reply_->clear();
  reply_->hide();
  replyTitle_->hide();
}

QString BehaviorRecordsView::summaryText() const { return summary_->text(); }
QString BehaviorRecordsView::rawReplyText() const { return reply_->toPlainText(); }
bool BehaviorRecordsView::showsRawReply() const { return !reply_->isHidden(); }

}  // namespace longrl::viewers
