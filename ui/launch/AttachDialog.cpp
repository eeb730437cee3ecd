#include "ui/launch/AttachDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/launch/AttachTarget.h"

namespace longrl::ui {

AttachDialog::AttachDialog(const QString& mirrorRoot, QWidget* parent)
    : QDialog(parent), mirrorRoot_(mirrorRoot), target_(new QLineEdit(this)), sshOptions_(new QLineEdit(this)),
      remoteLongrl_(new QLineEdit(QStringLiteral("longrl"), this)), mirror_(new QLineEdit(this)),
      port_(new QSpinBox(this)), error_(new QLabel(this)) {
  setWindowTitle(tr("Attach to run"));
  setMinimumWidth(fontMetrics().averageCharWidth() * 64);
  target_->setPlaceholderText(tr("gpu-box:/data/runs/my-run, or a run directory here"));
  sshOptions_->setPlaceholderText(tr("e.g. -i ~/.ssh/gpu -o ProxyJump=bastion"));
  mirror_->setPlaceholderText(tr("where its copy goes here"));
  port_->setRange(0, 65535);
  port_->setSpecialValueText(tr("ssh's default"));
  auto* form = new QFormLayout;
  form->addRow(tr("Run"), target_);
  form->addRow(tr("ssh port"), port_);
  form->addRow(tr("ssh options"), sshOptions_);
  form->addRow(tr("Remote longrl"), remoteLongrl_);
  form->addRow(tr("Local mirror"), mirror_);
  QWidget* rows[] = {port_, sshOptions_, remoteLongrl_, mirror_};
  for (int i = 0; i < 4; ++i) remoteRows_[i] = rows[i];
  error_->setWordWrap(true);
  error_->setStyleSheet(QStringLiteral("color: #c62828"));
  auto* help =
      new QLabel(tr("The run goes on by itself: detaching (the runs list's menu) only stops following it."), this);
  help->setWordWrap(true);
  help->setStyleSheet(QStringLiteral("color: gray"));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Attach"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* l = new QVBoxLayout(this);
  l->addLayout(form);
  l->addWidget(error_);
  l->addWidget(help);
  l->addWidget(buttons);
  connect(target_, &QLineEdit::textChanged, this, &AttachDialog::updateState);
  updateState();
}

LaunchSpec AttachDialog::spec(QString* error) const {
  LaunchSpec s;
  const QString why = AttachTarget::parse(target_->text(), s);
  if (error) *error = why;
  if (s.kind != LaunchSpec::Kind::Ssh) return s;
  s.port = port_->value();
  s.sshOptions = sshOptions_->text().trimmed();
  s.remoteLongrl =
      remoteLongrl_->text().trimmed().isEmpty() ? QStringLiteral("longrl") : remoteLongrl_->text().trimmed();
  s.localRunDir =
      mirror_->text().trimmed().isEmpty() ? AttachTarget::defaultMirror(s, mirrorRoot_) : mirror_->text().trimmed();
  return s;
}

void AttachDialog::updateState() {
  QString why;
  const LaunchSpec s = spec(&why);
  const bool remote = why.isEmpty() && s.kind == LaunchSpec::Kind::Ssh;
  for (QWidget* w : remoteRows_) w->setEnabled(remote);
  mirror_->setPlaceholderText(remote ? AttachTarget::defaultMirror(s, mirrorRoot_)
                                     : tr("(a local run is read in place)"));
  error_->setText(target_->text().trimmed().isEmpty() ? QString() : why);
  if (auto* b = findChild<QDialogButtonBox*>()) b->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

}  // namespace longrl::ui
