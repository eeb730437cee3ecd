#include "ui/launch/LaunchTargetWidget.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/launch/FieldErrors.h"
#include "ui/launch/ShellWords.h"

namespace longrl::ui {

using Kind = LaunchSpec::Kind;

LaunchTargetWidget::LaunchTargetWidget(FieldErrors& errors, QWidget* parent) : QWidget(parent), errors_(errors) {
  form_ = new QFormLayout(this);
  form_->setContentsMargins(0, 0, 0, 0);
  target_ = new QComboBox(this);
  target_->setObjectName(QStringLiteral("launch.target"));
  target_->addItem(tr("This machine"), int(Kind::Local));
  target_->addItem(tr("SSH host"), int(Kind::Ssh));
  target_->addItem(tr("Launch template (srun, …)"), int(Kind::Template));
  form_->addRow(tr("Run on"), target_);
  runDir_ = addLine(tr("Run directory"), QStringLiteral("launch.run_dir"),
                    tr("local: the run, or the mirror of a remote run"));
  trainer_ = addLine(tr("longrl program"), QStringLiteral("launch.trainer"));
  trainer_->setText(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("longrl")));
  host_ = addLine(tr("Host"), QStringLiteral("launch.host"), tr("user@gpu-box"));
  port_ = new QSpinBox(this);
  port_->setRange(0, 65535);
  port_->setSpecialValueText(tr("default"));
  form_->addRow(tr("Port"), port_);
  sshOptions_ =
      addLine(tr("ssh options"), QStringLiteral("launch.ssh_options"), tr("-i ~/.ssh/key -o ProxyJump=bastion"));
  template_ = addLine(tr("Template"), QStringLiteral("launch.template"), tr("srun -N 1 --gpus-per-node 8 {command}"));
  template_->setToolTip(
      tr("{command} is the whole `longrl train ...` line; {longrl} {config} {run_dir} {nproc} are single values.\n"
         "One task starting the ranks: srun -N 1 --gpus-per-node 8 {command} with Processes 8.\n"
         "One task per rank: srun -N 2 --ntasks-per-node 8 --gpus-per-task 1 {command} with Processes 1; the tasks "
         "find rank 0's host and a port in Slurm's variables (MASTER_ADDR/MASTER_PORT, when exported, win)."));
  remoteLongrl_ = addLine(tr("Remote longrl"), QStringLiteral("launch.remote_longrl"));
  remoteLongrl_->setText(QStringLiteral("longrl"));
  remoteRunDir_ = addLine(tr("Remote run directory"), QStringLiteral("launch.remote_run_dir"),
                          tr("/data/runs/my-run (~/ only over ssh)"));
  nproc_ = new QSpinBox(this);
  nproc_->setObjectName(QStringLiteral("launch.nproc"));
  nproc_->setRange(1, 1024);
  form_->addRow(tr("Processes (--nproc)"), nproc_);
  form_->addRow(errors_.add(QStringLiteral("launch.nproc"), this));

  connect(target_, &QComboBox::currentIndexChanged, this, [this] {
    updateVisibleRows();
    Q_EMIT edited();
  });
  connect(port_, &QSpinBox::valueChanged, this, &LaunchTargetWidget::edited);
  connect(nproc_, &QSpinBox::valueChanged, this, &LaunchTargetWidget::edited);
  updateVisibleRows();
}

QLineEdit* LaunchTargetWidget::addLine(const QString& label, const QString& path, const QString& placeholder) {
  auto* edit = new QLineEdit(this);
  edit->setObjectName(path);
  edit->setPlaceholderText(placeholder);
  auto* box = new QWidget(this);
  auto* v = new QVBoxLayout(box);
  v->setContentsMargins(0, 0, 0, 0);
  v->setSpacing(1);
  v->addWidget(edit);
  v->addWidget(errors_.add(path, box));
  form_->addRow(label, box);
  connect(edit, &QLineEdit::textChanged, this, &LaunchTargetWidget::edited);
  return edit;
}

void LaunchTargetWidget::updateVisibleRows() {
  const auto kind = Kind(target_->currentData().toInt());
  auto show = [this](QWidget* w, bool on) {
    QWidget* row = w->parentWidget() == this ? w : w->parentWidget();
    form_->setRowVisible(row, on);
  };
  show(trainer_, kind == Kind::Local);
  show(host_, kind == Kind::Ssh);
  form_->setRowVisible(port_, kind == Kind::Ssh);
  show(sshOptions_, kind == Kind::Ssh);
  show(template_, kind == Kind::Template);
  show(remoteLongrl_, kind != Kind::Local);
  show(remoteRunDir_, kind != Kind::Local);
}

LaunchSpec LaunchTargetWidget::spec() const {
  LaunchSpec s;
  s.kind = Kind(target_->currentData().toInt());
  s.localRunDir = runDir_->text().trimmed();
  s.trainerProgram = trainer_->text().trimmed();
  s.host = host_->text().trimmed();
  s.port = port_->value();
  s.sshOptions = sshOptions_->text();
  s.templ = template_->text();
  s.remoteLongrl = remoteLongrl_->text().trimmed();
  s.remoteRunDir = remoteRunDir_->text().trimmed();
  s.nproc = nproc_->value();
  return s;
}

void LaunchTargetWidget::setSpec(const LaunchSpec& s) {
  target_->setCurrentIndex(target_->findData(int(s.kind)));
  runDir_->setText(s.localRunDir);
  if (!s.trainerProgram.isEmpty()) trainer_->setText(s.trainerProgram);
  host_->setText(s.user.isEmpty() ? s.host : s.user + '@' + s.host);
  port_->setValue(s.port);
  sshOptions_->setText(s.sshOptions);
  template_->setText(s.templ);
  remoteLongrl_->setText(s.remoteLongrl);
  remoteRunDir_->setText(s.remoteRunDir);
  nproc_->setValue(s.nproc);
}

void LaunchTargetWidget::applyTo(config::LaunchConfig& launch) const {
  const LaunchSpec s = spec();
  launch.target = s.kind == Kind::Local ? config::LaunchTarget::Local
                  : s.kind == Kind::Ssh ? config::LaunchTarget::Ssh
                                        : config::LaunchTarget::Template;
  launch.host = s.host.toStdString();
  launch.templ = s.templ.toStdString();
  launch.nproc = s.nproc;
}

void LaunchTargetWidget::setFrom(const config::LaunchConfig& launch) {
  const Kind kind = launch.target == config::LaunchTarget::Local ? Kind::Local
                    : launch.target == config::LaunchTarget::Ssh ? Kind::Ssh
                                                                 : Kind::Template;
  target_->setCurrentIndex(target_->findData(int(kind)));
  host_->setText(QString::fromStdString(launch.host));
  template_->setText(QString::fromStdString(launch.templ));
  nproc_->setValue(int(std::clamp<int64_t>(launch.nproc, 1, 1024)));
}

std::vector<config::ConfigIssue> LaunchTargetWidget::check() const {
  std::vector<config::ConfigIssue> issues;
  const LaunchSpec s = spec();
  auto add = [&issues](const char* path, const QString& message) { issues.push_back({path, message.toStdString()}); };
  if (s.localRunDir.isEmpty()) add("launch.run_dir", tr("choose a directory for the run"));
  else if (QFileInfo(s.localRunDir).isRelative()) add("launch.run_dir", tr("must be an absolute path"));
  else if (QFileInfo::exists(s.localRunDir + QStringLiteral("/run.sqlite")) && s.kind == Kind::Local)
    add("launch.run_dir", tr("already holds a run: open it and use Resume, or pick a new directory"));
  if (s.kind == Kind::Local) {
    const QFileInfo trainer(s.trainerProgram);
    if (s.trainerProgram.isEmpty()) add("launch.trainer", tr("must not be empty"));
    else if (!trainer.isFile() || !trainer.isExecutable())
      add("launch.trainer", tr("not an executable file: %1").arg(s.trainerProgram));
    return issues;
  }
  if (s.remoteLongrl.isEmpty()) add("launch.remote_longrl", tr("must not be empty"));
  if (s.remoteRunDir.isEmpty()) add("launch.remote_run_dir", tr("must not be empty"));
  // The other problems the launch itself would hit (quotes, a host that reads as an option, a
  // template writing into its own mirror); emptiness of host/template is the config's own check.
  QStringList words;
  QString error;
  if (s.kind == Kind::Ssh && !ShellWords::split(s.sshOptions, words, &error)) add("launch.ssh_options", error);
  if (s.kind == Kind::Ssh && s.host.startsWith('-')) add("launch.host", tr("must not start with '-'"));
  if (s.kind == Kind::Template) {
    if (!ShellWords::split(s.templ, words, &error)) add("launch.template", error);
    if (!s.remoteRunDir.isEmpty() && !s.localRunDir.isEmpty() &&
        QFileInfo(s.remoteRunDir).absoluteFilePath() == QFileInfo(s.localRunDir).absoluteFilePath())
      add("launch.remote_run_dir", tr("must differ from the local run directory (it receives the mirror)"));
  }
  return issues;
}

}  // namespace longrl::ui
