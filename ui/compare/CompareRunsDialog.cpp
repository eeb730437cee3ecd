#include "ui/compare/CompareRunsDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/compare/ConfigDiff.h"
#include "ui/compare/ConfigDiffModel.h"

namespace longrl::ui {

CompareRunsDialog::CompareRunsDialog(const QStringList& runDirs, const QStringList& names, int a, int b,
                                     QWidget* parent)
    : QDialog(parent), dirs_(runDirs), names_(names), a_(new QComboBox(this)), b_(new QComboBox(this)),
      only_(new QCheckBox(tr("only differences"), this)), summary_(new QLabel(this)), view_(new QTableView(this)),
      model_(new ConfigDiffModel(this)) {
  setWindowTitle(b < 0 ? tr("Run config") : tr("Compare run configs"));
  a_->addItems(names);
  b_->addItem(tr("(none)"));
  b_->addItems(names);
  a_->setCurrentIndex(a);
  b_->setCurrentIndex(b + 1);
  only_->setChecked(b >= 0);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Run"), this));
  top->addWidget(a_, 1);
  top->addWidget(new QLabel(tr("against"), this));
  top->addWidget(b_, 1);
  top->addWidget(only_);
  view_->setModel(model_);
  view_->verticalHeader()->hide();
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->setWordWrap(false);
  summary_->setWordWrap(true);
  auto* l = new QVBoxLayout(this);
  l->addLayout(top);
  l->addWidget(summary_);
  l->addWidget(view_, 1);
  connect(a_, &QComboBox::currentIndexChanged, this, &CompareRunsDialog::reload);
  connect(b_, &QComboBox::currentIndexChanged, this, &CompareRunsDialog::reload);
  connect(only_, &QCheckBox::toggled, this, [this](bool on) {
    model_->setOnlyDifferences(on);
    view_->resizeColumnToContents(ConfigDiffModel::Key);
  });
  model_->setOnlyDifferences(only_->isChecked());
  reload();
}

void CompareRunsDialog::reload() {
  const int a = a_->currentIndex(), b = b_->currentIndex() - 1;
  QString errorA, errorB;
  const QJsonValue ca = a >= 0 ? ConfigDiff::readConfig(dirs_.value(a), &errorA) : QJsonValue();
  const QJsonValue cb = b >= 0 ? ConfigDiff::readConfig(dirs_.value(b), &errorB) : QJsonValue();
  model_->setRows(ConfigDiff::compare(ca, b >= 0 ? cb : ca), names_.value(a), b >= 0 ? names_.value(b) : QString());
  view_->setColumnHidden(ConfigDiffModel::B, b < 0);
  only_->setEnabled(b >= 0);  // one run alone: every key, nothing to differ from
  if (b < 0) only_->setChecked(false);
  view_->resizeColumnToContents(ConfigDiffModel::Key);
  QStringList lines;
  for (const QString& e : {errorA, errorB})
    if (!e.isEmpty()) lines << QStringLiteral("<span style='color:#c62828'>%1</span>").arg(e.toHtmlEscaped());
  if (b >= 0 && errorA.isEmpty() && errorB.isEmpty())
    lines << (model_->differenceCount() == 1 ? tr("1 key differs")
                                             : tr("%1 keys differ").arg(model_->differenceCount()));
  summary_->setText(lines.join(QStringLiteral("<br>")));
}

QString CompareRunsDialog::summary() const { return summary_->text(); }

}  // namespace longrl::ui
