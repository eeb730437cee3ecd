#include "viewers/rollouts/BehaviorFilterRow.h"

#include <QComboBox>
#include <QDoubleValidator>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QToolButton>

#include "core/behavior/BehaviorKind.h"

namespace longrl::viewers {
namespace {

QLineEdit* shareEdit(QWidget* parent, const QString& placeholder) {
  auto* e = new QLineEdit(parent);
  e->setPlaceholderText(placeholder);
  e->setClearButtonEnabled(true);
  e->setValidator(new QDoubleValidator(0.0, 1.0, 3, e));
  e->setMaximumWidth(e->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 5 + 30);
  return e;
}

}  // namespace

BehaviorFilterRow::BehaviorFilterRow(QWidget* parent)
    : QWidget(parent), classifier_(new QComboBox(this)), min_(shareEdit(this, tr("min"))),
      max_(shareEdit(this, tr("max"))) {
  classifier_->addItem(QStringLiteral("rule"));
  classifier_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  classifier_->setToolTip(
      tr("Whose behaviour records the filters, the sort and the behaviour columns read: "
         "\"rule\" (cue phrases, on every rollout) or \"judge\" (an LLM, on a share of them); "
         "each rollout's latest revision."));
  auto* l = new QHBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(new QLabel(tr("Behaviour"), this));
  l->addWidget(classifier_);
  l->addWidget(new QLabel(tr("has"), this));
  const QString names[] = {tr("sub-goal"), tr("backtracking"), tr("verification")};
  for (std::size_t k = 0; k < has_.size(); ++k) {
    auto* b = new QToolButton(this);
    b->setText(names[k]);
    b->setCheckable(true);
    b->setToolTip(tr("Only rollouts with at least one %1 step").arg(names[k]));
    has_[k] = b;
    l->addWidget(b);
    connect(b, &QToolButton::toggled, this, &BehaviorFilterRow::changed);
  }
  l->addWidget(new QLabel(tr("grounding"), this));
  l->addWidget(min_);
  l->addWidget(new QLabel(QStringLiteral("–"), this));
  l->addWidget(max_);
  l->addStretch(1);
  for (auto* e : {min_, max_})
    e->setToolTip(tr("Share of the reasoning inside passages aligned to the document, 0 to 1"));
  typing_.setSingleShot(true);
  typing_.setInterval(300);
  connect(&typing_, &QTimer::timeout, this, &BehaviorFilterRow::changed);
  for (auto* e : {min_, max_}) {
    connect(e, &QLineEdit::textChanged, &typing_, qOverload<>(&QTimer::start));
    connect(e, &QLineEdit::returnPressed, this, [this] {
      typing_.stop();
      Q_EMIT changed();
    });
  }
  connect(classifier_, qOverload<int>(&QComboBox::currentIndexChanged), this, &BehaviorFilterRow::changed);
}

void BehaviorFilterRow::setClassifiers(const QStringList& classifiers) {
  const QString keep = classifier_->currentText();
  const QSignalBlocker block(classifier_);
  classifier_->clear();
  classifier_->addItems(classifiers.isEmpty() ? QStringList{QStringLiteral("rule")} : classifiers);
  classifier_->setCurrentIndex(std::max(0, classifier_->findText(keep)));
  // Without a second classifier there is nothing to choose.
  classifier_->setEnabled(classifier_->count() > 1);
}

void BehaviorFilterRow::reset() {
  const QSignalBlocker b1(min_), b2(max_), b3(classifier_), b4(has_[0]), b5(has_[1]), b6(has_[2]);
  min_->clear();
  max_->clear();
  classifier_->setCurrentIndex(0);
  for (auto* b : has_) b->setChecked(false);
  typing_.stop();
}

void BehaviorFilterRow::addTo(store::RolloutQuery& q) const {
  q.behavior_classifier = classifier_->currentText().toStdString();
  for (std::size_t k = 0; k < has_.size(); ++k) {
    if (!has_[k]->isChecked()) continue;
    store::RolloutQuery::Range r;
    r.column = "behavior." + std::string(behavior::behaviorName(behavior::kBehaviorKinds[k]));
    r.min = 1;
    q.ranges.push_back(r);
  }
  store::RolloutQuery::Range g;
  g.column = "behavior.grounding_share";
  bool ok = false;
  const double lo = QLocale().toDouble(min_->text(), &ok);
  if (ok) g.min = lo;
  const double hi = QLocale().toDouble(max_->text(), &ok);
  if (ok) g.max = hi;
  if (g.min || g.max) q.ranges.push_back(g);
}

}  // namespace longrl::viewers
