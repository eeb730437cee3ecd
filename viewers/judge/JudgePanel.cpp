#include "viewers/judge/JudgePanel.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QVBoxLayout>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/reward/AnswerExtractor.h"
#include "core/reward/GroundTruth.h"
#include "core/reward/JudgePrompt.h"
#include "core/reward/RewardRouter.h"
#include "viewers/rollouts/RolloutCells.h"

namespace longrl::viewers {
namespace {

QPlainTextEdit* textBox(QWidget* parent, int lines) {
  auto* e = new QPlainTextEdit(parent);
  e->setReadOnly(true);
  e->setUndoRedoEnabled(false);
  e->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  e->setMinimumHeight(e->fontMetrics().lineSpacing() * lines + 10);
  return e;
}

reward::GroundTruth groundTruthOf(const std::string& text) {
  // Examples store the ground truth as text: a JSON list of aliases stays a list.
  if (!text.empty() && text.front() == '[') {
    try {
      return reward::GroundTruth::fromJson(nlohmann::json::parse(text));
    } catch (const std::exception&) {
    }
  }
  return reward::GroundTruth(text);
}

QString esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

// Escaped text broken into lines of about `width` characters (at most `lines`, then "…"). The
// labels do not word-wrap: a wrapped label in a form gets the height of one line.
QString wrapped(const std::string& text, int width = 90, int lines = 6) {
  const QStringList words = QString::fromStdString(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
  QStringList out;
  QString line;
  for (const QString& w : words) {
    if (!line.isEmpty() && line.size() + 1 + w.size() > width) {
      out << line.toHtmlEscaped();
      line.clear();
      if (out.size() == lines) return out.join(QStringLiteral("<br>")) + QStringLiteral(" …");
    }
    line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + w.left(width);
  }
  if (!line.isEmpty()) out << line.toHtmlEscaped();
  return out.join(QStringLiteral("<br>"));
}

}  // namespace

JudgePanel::JudgePanel(QWidget* parent)
    : QWidget(parent), reward_(new QLabel(this)), rule_(new QLabel(this)), extraction_(new QLabel(this)),
      verdict_(new QLabel(this)), final_(new QLabel(this)), prompt_(textBox(this, 6)), reply_(textBox(this, 3)),
      behaviors_(new BehaviorRecordsView(this)) {
  // Fixed heights for the text boxes, the rest scrolls: wrapped labels in a form squeezed by
  // expanding editors lose their second lines.
  prompt_->setFixedHeight(prompt_->fontMetrics().lineSpacing() * 16 + 12);
  reply_->setFixedHeight(reply_->fontMetrics().lineSpacing() * 7 + 12);
  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  for (QLabel* l : {reward_, rule_, extraction_, verdict_, final_}) {
    l->setTextFormat(Qt::RichText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  }
  form->addRow(tr("Final reward"), reward_);
  form->addRow(tr("Rule score"), rule_);
  form->addRow(tr("Answer extraction"), extraction_);
  form->addRow(tr("Judge verdict"), verdict_);
  form->addRow(tr("How the reward was made"), final_);
  form->addRow(tr("Prompt sent to the judge"), prompt_);
  form->addRow(tr("Judge's raw reply"), reply_);
  form->addRow(tr("Reasoning behaviours"), behaviors_);
  auto* body = new QWidget(this);
  auto* inner = new QVBoxLayout(body);
  inner->addLayout(form);
  inner->addStretch(1);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(body);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(scroll);
  clear(tr("Select a rollout to see how it was rewarded."));
}

void JudgePanel::clear(const QString& message) {
  showsError_ = false;
  reward_->setText(QStringLiteral("<span style='color:gray'>%1</span>").arg(message.toHtmlEscaped()));
  for (QLabel* l : {rule_, extraction_, verdict_, final_}) l->clear();
  errorText_.clear();
  prompt_->clear();
  reply_->clear();
  behaviors_->clear();
}

void JudgePanel::setBehaviors(const std::vector<ShownBehavior>& records) { behaviors_->setRecords(records); }

void JudgePanel::setRollout(const store::RolloutRecord& r, const std::optional<store::ExampleRecord>& example) {
  reward_->setText(QStringLiteral("<span style='font-size:15pt; font-weight:600'>%1</span>%2")
                       .arg(RolloutCells::number(r.reward))
                       .arg(r.truncated ? tr(" <span style='color:#c62828'>(truncated)</span>") : QString()));
  rule_->setText(RolloutCells::number(r.rule_score));

  // How the answer was extracted: re-run the rule on the stored response for its method text.
  QString how;
  const auto afterThink = reward::AnswerExtractor::afterThink(r.response);
  if (!afterThink) {
    how = tr("<span style='color:#c62828'>no &lt;/think&gt; in the response: no answer, reward 0</span>");
  } else if (example) {
    try {
      const auto rule =
          reward::RewardRouter().score(example->data_source, r.response, groundTruthOf(example->ground_truth));
      how = tr("%1 <span style='color:gray'>(%2)</span>")
                .arg(wrapped(rule.outcome.method), esc(reward::kindName(rule.kind)));
    } catch (const std::exception& e) {
      how = tr("<span style='color:gray'>cannot recompute: %1</span>").arg(wrapped(e.what()));
    }
  }
  how += tr("<br>extracted answer: <b>%1</b>").arg(r.answer.empty() ? tr("(none)") : wrapped(r.answer, 80, 3));
  if (example)
    how += tr("<br>ground truth: <b>%1</b>").arg(wrapped(groundTruthOf(example->ground_truth).display(), 80, 3));
  extraction_->setText(how);

  showsError_ = r.judge_verdict == "error" || !r.judge_error.empty();
  const auto color = RolloutCells::verdictColor(showsError_ ? "error" : r.judge_verdict);
  // The error goes in the verdict's own label: a separate word-wrapped row in the form would not
  // get its height for the wrapped text.
  errorText_.clear();
  if (showsError_)
    errorText_ =
        tr("<span style='color:#c62828'><b>The judge failed:</b><br>%1<br>This is not a \"no\": the judge score "
           "is missing and the reward is the rule score alone.</span>")
            .arg(r.judge_error.empty() ? tr("(no message recorded)") : wrapped(r.judge_error));
  verdict_->setToolTip(QString::fromStdString(r.judge_error));
  if (r.judge_verdict.empty() && !showsError_) {
    verdict_->setText(
        tr("<span style='color:gray'>not asked<br>(the rule score was already 1, the kind is not "
           "judgeable,<br>or no judge is configured)</span>"));
  } else {
    const QString name = showsError_ ? tr("ERROR") : QString::fromStdString(r.judge_verdict).toUpper();
    verdict_->setText(
        QStringLiteral("<span style='color:white; background-color:%1; font-weight:600'>&nbsp;%2&nbsp;</span>%3")
            .arg(color.value<QColor>().name(), name,
                 errorText_.isEmpty() ? QString() : QStringLiteral("<br>") + errorText_));
  }

  QString formula;
  const double judge = r.judge_verdict == "yes" ? 1.0 : 0.0;
  const double base = showsError_ || r.judge_verdict.empty() ? r.rule_score : std::max(r.rule_score, judge);
  if (r.judge_verdict.empty() || showsError_) formula = tr("rule %1").arg(RolloutCells::number(r.rule_score));
  else
    formula = tr("max(rule %1, judge %2) = %3")
                  .arg(RolloutCells::number(r.rule_score), RolloutCells::number(judge, 0), RolloutCells::number(base));
  const double adjust = r.reward - base;
  if (std::isfinite(adjust) && std::abs(adjust) > 1e-9)
    formula += tr("<br>%1 %2 → %3")
                   .arg(adjust < 0 ? tr("penalty") : tr("adjustment"),
                        RolloutCells::number(adjust) + (r.truncated ? tr(" (overlong)") : QString()),
                        RolloutCells::number(r.reward));
  formula +=
      tr("<br><span style='color:gray'>advantage %1 within its group</span>").arg(RolloutCells::number(r.advantage));
  final_->setText(formula);

  // The exact prompt: the store keeps what was sent; the fixed system message is shown with it
  // when the stored text does not include it.
  const std::string& system = reward::JudgePrompt::systemMessage();
  QString prompt;
  if (r.judge_prompt.empty()) prompt = tr("(no judge call)");
  else if (r.judge_prompt.find(system.substr(0, 40)) != std::string::npos)
    prompt = QString::fromStdString(r.judge_prompt);
  else
    prompt = QStringLiteral("[system]\n%1\n\n[user]\n%2")
                 .arg(QString::fromStdString(system), QString::fromStdString(r.judge_prompt));
  prompt_->setPlainText(prompt);
  reply_->setPlainText(r.judge_raw.empty() ? (r.judge_prompt.empty() ? QString() : tr("(no reply)"))
                                           : QString::fromStdString(r.judge_raw));
}

QString JudgePanel::verdictText() const { return verdict_->text(); }
QString JudgePanel::ruleText() const { return rule_->text() + QLatin1Char('\n') + extraction_->text(); }
QString JudgePanel::finalText() const { return final_->text(); }
QString JudgePanel::promptText() const { return prompt_->toPlainText(); }
QString JudgePanel::replyText() const { return reply_->toPlainText(); }
QString JudgePanel::errorText() const { return errorText_; }

}  // namespace longrl::viewers
