#include "viewers/rollouts/RolloutFilterBar.h"

#include <QComboBox>
#include <QDoubleValidator>
#include <QHBoxLayout>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QToolButton>
#include <QVBoxLayout>

#include "viewers/rollouts/BehaviorFilterRow.h"

namespace longrl::viewers {
namespace {

QComboBox* combo(QWidget* parent, const QStringList& items) {
  auto* c = new QComboBox(parent);
  c->addItems(items);
  c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  // Their longest item where there is room; a few letters (elided) in a narrow pane.
  c->setMinimumContentsLength(3);
  return c;
}

QLineEdit* edit(QWidget* parent, const QString& placeholder, int chars) {
  auto* e = new QLineEdit(parent);
  e->setPlaceholderText(placeholder);
  e->setClearButtonEnabled(true);
  e->setMaximumWidth(e->fontMetrics().horizontalAdvance(QLatin1Char('0')) * chars + 30);
  return e;
}

}  // namespace

RolloutFilterBar::RolloutFilterBar(QWidget* parent)
    : QWidget(parent), step_(edit(this, tr("any"), 6)), phase_(combo(this, {tr("any")})),
      source_(combo(this, {tr("any")})), verdict_(combo(this, {tr("any"), QStringLiteral("yes"), QStringLiteral("no"),
                                                               QStringLiteral("error"), tr("not asked")})),
      truncated_(combo(this, {tr("any"), tr("truncated only"), tr("complete only")})),
      rangeColumn_(
          combo(this, {tr("reward in"), tr("rule score in"), tr("advantage in"), tr("length in"), tr("entropy in")})),
      min_(edit(this, tr("min"), 5)), max_(edit(this, tr("max"), 5)), search_(new QLineEdit(this)),
      searchScope_(combo(this, {tr("in answers, examples, questions"), tr("in full responses")})),
      behaviors_(new BehaviorFilterRow(this)) {
  step_->setValidator(new QIntValidator(0, 1 << 30, step_));
  for (auto* e : {min_, max_}) e->setValidator(new QDoubleValidator(e));
  search_->setClearButtonEnabled(true);
  showSearchScope();
  searchScope_->setToolTip(
      tr("Where the search looks. Full responses are decompressed while searching: "
         "slower on big runs, so narrow the other filters first."));
  // Three short rows (where, how it went, the text search): two long ones made the rollouts pane
  // wider than half a laptop screen, and one row squeezes the search box to nothing.
  auto* rows = new QVBoxLayout(this);
  rows->setContentsMargins(4, 2, 4, 2);
  rows->setSpacing(2);
  auto* l = new QHBoxLayout;
  auto* l2 = new QHBoxLayout;
  auto* l3 = new QHBoxLayout;
  rows->addLayout(l);
  rows->addLayout(l2);
  rows->addWidget(behaviors_);
  rows->addLayout(l3);
  auto label = [this](const QString& t) { return new QLabel(t, this); };
  l->addWidget(label(tr("Step")));
  l->addWidget(step_);
  l->addWidget(label(tr("Phase")));
  l->addWidget(phase_);
  l->addWidget(label(tr("Source")));
  l->addWidget(source_);
  l->addStretch(1);
  l2->addWidget(label(tr("Judge")));
  l2->addWidget(verdict_);
  l2->addWidget(label(tr("Length")));
  l2->addWidget(truncated_);
  l2->addWidget(rangeColumn_);
  l2->addWidget(min_);
  l2->addWidget(label(QStringLiteral("–")));
  l2->addWidget(max_);
  l2->addStretch(1);
  l3->addWidget(search_, 1);
  l3->addWidget(searchScope_);
  auto* clear = new QToolButton(this);
  clear->setText(tr("Reset"));
  clear->setToolTip(tr("Clear all filters"));
  l3->addWidget(clear);
  connect(clear, &QToolButton::clicked, this, &RolloutFilterBar::reset);

  typing_.setSingleShot(true);
  typing_.setInterval(300);  // one query per pause in typing, not per key
  connect(&typing_, &QTimer::timeout, this, &RolloutFilterBar::changed);
  for (auto* e : {step_, min_, max_, search_})
    connect(e, &QLineEdit::textChanged, &typing_, qOverload<>(&QTimer::start));
  for (auto* e : {step_, min_, max_, search_})
    connect(e, &QLineEdit::returnPressed, this, [this] {
      typing_.stop();
      Q_EMIT changed();
    });
  for (auto* c : {phase_, source_, verdict_, truncated_})
    connect(c, qOverload<int>(&QComboBox::currentIndexChanged), this, &RolloutFilterBar::changed);
  connect(searchScope_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    showSearchScope();
    if (!search_->text().trimmed().isEmpty()) Q_EMIT changed();
  });
  connect(behaviors_, &BehaviorFilterRow::changed, this, &RolloutFilterBar::changed);
  connect(rangeColumn_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    if (!min_->text().isEmpty() || !max_->text().isEmpty()) Q_EMIT changed();
  });
}

void RolloutFilterBar::setSources(const QStringList& sources) {
  const QString keep = source_->currentText();
  const QSignalBlocker block(source_);
  source_->clear();
  source_->addItem(tr("any"));
  source_->addItems(sources);
  const int at = source_->findText(keep);
  source_->setCurrentIndex(at < 0 ? 0 : at);
}

void RolloutFilterBar::setPhases(int count) {
  const QSignalBlocker block(phase_);
  const int keep = phase_->currentIndex();
  phase_->clear();
  phase_->addItem(tr("any"));
  for (int p = 0; p < count; ++p) phase_->addItem(QString::number(p));
  phase_->setCurrentIndex(keep < phase_->count() ? std::max(0, keep) : 0);
}

void RolloutFilterBar::reset() {
  {
    const QSignalBlocker b1(step_), b2(min_), b3(max_), b4(search_), b5(phase_), b6(source_), b7(verdict_),
        b8(truncated_), b9(rangeColumn_), b10(searchScope_);
    for (auto* e : {step_, min_, max_, search_}) e->clear();
    for (auto* c : {phase_, source_, verdict_, truncated_, rangeColumn_, searchScope_}) c->setCurrentIndex(0);
    behaviors_->reset();
  }
  showSearchScope();
  typing_.stop();
  Q_EMIT changed();
}

void RolloutFilterBar::showSearchScope() {
  search_->setPlaceholderText(searchScope_->currentIndex() == 1 ? tr("search the full response text…")
                                                                : tr("search answer, example, question, judge error…"));
}

store::RolloutQuery RolloutFilterBar::query() const {
  store::RolloutQuery q;
  bool ok = false;
  const qint64 step = step_->text().toLongLong(&ok);
  if (ok) q.step = step;
  if (phase_->currentIndex() > 0) q.phase = phase_->currentIndex() - 1;
  if (source_->currentIndex() > 0) q.data_source = source_->currentText().toStdString();
  switch (verdict_->currentIndex()) {
    case 1:
      q.judge_verdict = "yes";
      break;
    case 2:
      q.judge_verdict = "no";
      break;
    case 3:
      q.judge_verdict = "error";
      break;
    case 4:
      q.judge_verdict = "";
      break;
    default:
      break;
  }
  if (truncated_->currentIndex() > 0) q.truncated = truncated_->currentIndex() == 1;
  static const char* kColumns[] = {"reward", "rule_score", "advantage", "length", "mean_entropy"};
  store::RolloutQuery::Range r;
  r.column = kColumns[std::max(0, rangeColumn_->currentIndex())];
  const double lo = QLocale().toDouble(min_->text(), &ok);
  if (ok) r.min = lo;
  const double hi = QLocale().toDouble(max_->text(), &ok);
  if (ok) r.max = hi;
  if (r.min || r.max) q.ranges.push_back(r);
  behaviors_->addTo(q);
  const QString text = search_->text().trimmed();
  if (!text.isEmpty()) {
    if (searchScope_->currentIndex() == 1) q.response_contains = text.toStdString();
    else q.text = text.toStdString();
  }
  return q;
}

}  // namespace longrl::viewers
