#include "ui/launch/RunLauncherDialog.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <set>

#include "ui/ScreenFit.h"
#include "ui/launch/JudgeKeyConsent.h"
#include "ui/launch/LaunchTargetWidget.h"
#include "ui/launch/MemoryPlanLine.h"
#include "ui/launch/PhasesModel.h"
#include "ui/launch/PrecisionMemoryGroup.h"

namespace longrl::ui {

using config::ConfigIssue;
using config::RunConfig;

RunLauncherDialog::RunLauncherDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("New training run"));
  setObjectName(QStringLiteral("RunLauncherDialog"));
  auto* columns = new QHBoxLayout;
  auto* left = new QVBoxLayout;
  left->addWidget(buildModelGroup());
  left->addWidget(buildPhasesGroup(), 1);
  left->addWidget(buildJudgeGroup());
  auto* right = new QVBoxLayout;
  right->addWidget(buildGrpoGroup());
  precision_ = new PrecisionMemoryGroup(this);
  connect(precision_, &PrecisionMemoryGroup::edited, this, &RunLauncherDialog::revalidate);
  right->addWidget(precision_);
  right->addWidget(buildLaunchGroup());
  right->addStretch(1);
  columns->addLayout(left, 3);
  columns->addLayout(right, 2);

  plan_ = new MemoryPlanLine(this);
  general_ = FieldErrors::makeLabel(this);
  general_->setObjectName(QStringLiteral("error:general"));
  errors_.setGeneral(general_);
  auto* buttons = new QDialogButtonBox(this);
  start_ = buttons->addButton(tr("Start"), QDialogButtonBox::AcceptRole);
  start_->setObjectName(QStringLiteral("start"));
  buttons->addButton(QDialogButtonBox::Cancel);
  auto* load = buttons->addButton(tr("Load config…"), QDialogButtonBox::ResetRole);
  auto* save = buttons->addButton(tr("Save config…"), QDialogButtonBox::ResetRole);
  connect(load, &QPushButton::clicked, this, &RunLauncherDialog::chooseAndLoad);
  connect(save, &QPushButton::clicked, this, &RunLauncherDialog::chooseAndSave);
  connect(buttons, &QDialogButtonBox::accepted, this, &RunLauncherDialog::tryStart);
  askConsent_ = [this](const QString& question) {
    return QMessageBox::warning(this, tr("Send this variable to the judge?"), question,
                                QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
  };
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  // The form scrolls on a small screen; the memory plan, the error line and the buttons stay in view.
  auto* form = new QWidget;
  form->setLayout(columns);
  auto* scroll = new QScrollArea(this);
  scroll->setObjectName(QStringLiteral("formScroll"));
  scroll->setWidget(form);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* root = new QVBoxLayout(this);
  root->addWidget(scroll, 1);
  root->addWidget(plan_);
  root->addWidget(general_);
  root->addWidget(buttons);

  LaunchSpec spec;
  spec.localRunDir = QDir::home().filePath(QStringLiteral("longrl-runs/run-") +
                                           QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
  spec.trainerProgram = launchSpec().trainerProgram;
  target_->setSpec(spec);
  setConfig(RunConfig{});
  ScreenFit::resize(this, QSize(1080, 760));
}

QWidget* RunLauncherDialog::fieldWithError(QWidget* field, const QString& path) {
  auto* box = new QWidget(field->parentWidget());
  auto* v = new QVBoxLayout(box);
  v->setContentsMargins(0, 0, 0, 0);
  v->setSpacing(1);
  field->setParent(box);
  v->addWidget(field);
  v->addWidget(errors_.add(path, box));
  return box;
}

QLineEdit* RunLauncherDialog::lineEdit(const QString& path) {
  auto* e = new QLineEdit(this);
  e->setObjectName(path);
  connect(e, &QLineEdit::textChanged, this, &RunLauncherDialog::revalidate);
  return e;
}

QLineEdit* RunLauncherDialog::field(const QString& path) const { return findChild<QLineEdit*>(path); }

QWidget* RunLauncherDialog::buildModelGroup() {
  auto* group = new QGroupBox(tr("Model and data"), this);
  auto* form = new QFormLayout(group);
  modelPath_ = lineEdit(QStringLiteral("model.path"));
  modelPath_->setPlaceholderText(tr("directory with config.json, *.safetensors, tokenizer"));
  auto* browse = new QPushButton(tr("Browse…"), group);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString d = QFileDialog::getExistingDirectory(this, tr("Model directory"), modelPath_->text());
    if (!d.isEmpty()) modelPath_->setText(d);
  });
  auto* row = new QWidget(group);
  auto* h = new QHBoxLayout(row);
  h->setContentsMargins(0, 0, 0, 0);
  h->addWidget(modelPath_, 1);
  h->addWidget(browse);
  form->addRow(tr("Model directory"), fieldWithError(row, QStringLiteral("model")));

  datasets_ = new QPlainTextEdit(group);
  datasets_->setObjectName(QStringLiteral("dataset.train"));
  datasets_->setPlaceholderText(tr("training JSONL files, one per line"));
  datasets_->setMaximumHeight(70);
  connect(datasets_, &QPlainTextEdit::textChanged, this, &RunLauncherDialog::revalidate);
  auto* add = new QPushButton(tr("Add files…"), group);
  connect(add, &QPushButton::clicked, this, [this] {
    for (const QString& f :
         QFileDialog::getOpenFileNames(this, tr("Training data"), {}, tr("JSONL (*.jsonl);;All files (*)")))
      datasets_->appendPlainText(f);
  });
  auto* drow = new QWidget(group);
  auto* dh = new QHBoxLayout(drow);
  dh->setContentsMargins(0, 0, 0, 0);
  dh->addWidget(datasets_, 1);
  dh->addWidget(add, 0, Qt::AlignTop);
  form->addRow(tr("Datasets"), fieldWithError(drow, QStringLiteral("dataset")));
  return group;
}

QWidget* RunLauncherDialog::buildPhasesGroup() {
  auto* group = new QGroupBox(tr("Curriculum phases (input length grows phase by phase)"), this);
  auto* v = new QVBoxLayout(group);
  phases_ = new PhasesModel(this);
  phasesView_ = new QTableView(group);
  phasesView_->setObjectName(QStringLiteral("phases"));
  phasesView_->setModel(phases_);
  phasesView_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  phasesView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  phasesView_->setMinimumHeight(110);
  connect(phases_, &PhasesModel::phasesEdited, this, &RunLauncherDialog::revalidate);
  auto* add = new QPushButton(tr("Add phase"), group);
  auto* remove = new QPushButton(tr("Remove phase"), group);
  connect(add, &QPushButton::clicked, phases_, &PhasesModel::appendPhase);
  connect(remove, &QPushButton::clicked, this, [this] {
    const QModelIndex current = phasesView_->currentIndex();
    phases_->removePhase(current.isValid() ? current.row() : phases_->rowCount() - 1);
  });
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(add);
  buttons->addWidget(remove);
  buttons->addStretch(1);
  v->addWidget(phasesView_, 1);
  v->addLayout(buttons);
  v->addWidget(errors_.add(QStringLiteral("phases"), group));
  return group;
}

QWidget* RunLauncherDialog::buildGrpoGroup() {
  auto* group = new QGroupBox(tr("GRPO"), this);
  auto* form = new QFormLayout(group);
  auto knob = [&](const QString& label, const char* path, bool integer, auto member) {
    QLineEdit* e = lineEdit(QString::fromLatin1(path));
    e->setAlignment(Qt::AlignRight);
    knobs_.push_back({QString::fromLatin1(path), e, integer,
                      [member](const RunConfig& c) { return double(c.grpo.*member); },
                      [member](RunConfig& c, double v) {
                        c.grpo.*member = static_cast<std::decay_t<decltype(c.grpo.*member)>>(v);
                      }});
    form->addRow(label, fieldWithError(e, QString::fromLatin1(path)));
  };
  using G = config::GrpoConfig;
  knob(tr("Samples per prompt (n)"), "grpo.rollout_n", true, &G::rolloutN);
  knob(tr("Prompts per step"), "grpo.train_batch_size", true, &G::trainBatchSize);
  knob(tr("Mini-batch (prompts)"), "grpo.ppo_mini_batch_size", true, &G::ppoMiniBatchSize);
  knob(tr("Clip ratio low"), "grpo.clip_ratio_low", false, &G::clipRatioLow);
  knob(tr("Clip ratio high"), "grpo.clip_ratio_high", false, &G::clipRatioHigh);
  knob(tr("KL coefficient"), "grpo.kl_coef", false, &G::klCoef);
  knob(tr("Entropy coefficient"), "grpo.entropy_coeff", false, &G::entropyCoeff);
  knob(tr("Learning rate"), "grpo.lr", false, &G::lr);
  knob(tr("Temperature"), "grpo.temperature", false, &G::temperature);
  knob(tr("Top-p"), "grpo.top_p", false, &G::topP);
  form->addRow(errors_.add(QStringLiteral("grpo"), group));  // the knobs the form does not show
  return group;
}

QWidget* RunLauncherDialog::buildJudgeGroup() {
  auto* group = new QGroupBox(tr("LLM judge (asked when the rule score is below 1)"), this);
  auto* form = new QFormLayout(group);
  judgeEnabled_ = new QCheckBox(tr("Use a judge"), group);
  judgeEnabled_->setObjectName(QStringLiteral("reward.judge.enabled"));
  connect(judgeEnabled_, &QCheckBox::toggled, this, &RunLauncherDialog::revalidate);
  form->addRow(judgeEnabled_);
  judgeUrl_ = lineEdit(QStringLiteral("reward.judge.base_url"));
  judgeUrl_->setPlaceholderText(QStringLiteral("http://judge-host:8000/v1"));
  form->addRow(tr("Endpoint"), fieldWithError(judgeUrl_, QStringLiteral("reward.judge.base_url")));
  judgeModel_ = lineEdit(QStringLiteral("reward.judge.model"));
  form->addRow(tr("Model"), fieldWithError(judgeModel_, QStringLiteral("reward.judge.model")));
  judgeKeyEnv_ = lineEdit(QStringLiteral("reward.judge.api_key_env"));
  judgeKeyEnv_->setPlaceholderText(tr("none: calls without an API key"));
  form->addRow(tr("API key variable"), fieldWithError(judgeKeyEnv_, QStringLiteral("reward.judge.api_key_env")));
  judgeSummary_ = new QLabel(group);
  judgeSummary_->setObjectName(QStringLiteral("judgeSummary"));
  judgeSummary_->setWordWrap(true);
  judgeSummary_->setTextFormat(Qt::PlainText);
  form->addRow(judgeSummary_);
  form->addRow(errors_.add(QStringLiteral("reward"), group));
  return group;
}

QWidget* RunLauncherDialog::buildLaunchGroup() {
  auto* group = new QGroupBox(tr("Launch"), this);
  auto* v = new QVBoxLayout(group);
  target_ = new LaunchTargetWidget(errors_, group);
  connect(target_, &LaunchTargetWidget::edited, this, &RunLauncherDialog::revalidate);
  v->addWidget(target_);
  v->addWidget(errors_.add(QStringLiteral("launch"), group));
  return group;
}

void RunLauncherDialog::setConfig(const RunConfig& config) {
  loading_ = true;
  base_ = config;
  modelPath_->setText(QString::fromStdString(config.model.path));
  QStringList files;
  for (const auto& f : config.dataset.train) files << QString::fromStdString(f);
  datasets_->setPlainText(files.join('\n'));
  phases_->setPhases(config.phases);
  for (const Knob& k : knobs_) k.edit->setText(QString::number(k.get(config), 'g', 10));
  judgeEnabled_->setChecked(config.reward.judge.enabled);
  judgeUrl_->setText(QString::fromStdString(config.reward.judge.baseUrl));
  judgeModel_->setText(QString::fromStdString(config.reward.judge.model));
  judgeKeyEnv_->setText(QString::fromStdString(config.reward.judge.apiKeyEnv));
  consented_.clear();  // a config's allow_any_key_env is not the user's answer
  target_->setFrom(config.launch);
  precision_->setFrom(config);
  loading_ = false;
  revalidate();
}

RunConfig RunLauncherDialog::readForm(std::vector<ConfigIssue>* parseIssues) const {
  RunConfig c = base_;
  c.model.path = modelPath_->text().trimmed().toStdString();
  c.dataset.train.clear();
  for (const QString& line : datasets_->toPlainText().split('\n'))
    if (!line.trimmed().isEmpty()) c.dataset.train.push_back(line.trimmed().toStdString());
  c.phases = phases_->phases();
  for (const Knob& k : knobs_) {
    const QString text = k.edit->text().trimmed();
    bool ok = false;
    const double v = k.integer ? double(text.toLongLong(&ok)) : text.toDouble(&ok);  // C locale: "2e-6"
    if (ok) k.set(c, v);
    else if (parseIssues)
      parseIssues->push_back(
          {k.path.toStdString(),
           (k.integer ? "expected an integer, got '" : "expected a number, got '") + text.toStdString() + "'"});
  }
  c.reward.judge.enabled = judgeEnabled_->isChecked();
  c.reward.judge.baseUrl = judgeUrl_->text().trimmed().toStdString();
  c.reward.judge.model = judgeModel_->text().trimmed().toStdString();
  c.reward.judge.apiKeyEnv = judgeKeyEnv_->text().trimmed().toStdString();
  c.reward.judge.allowAnyKeyEnv =
      !consented_.isEmpty() &&
      consented_ == QString::fromStdString(c.reward.judge.apiKeyEnv + '\n' + c.reward.judge.baseUrl);
  target_->applyTo(c.launch);
  precision_->applyTo(c);
  return c;
}

RunConfig RunLauncherDialog::config() const { return readForm(nullptr); }

QByteArray RunLauncherDialog::configJson() const { return QByteArray::fromStdString(config().toJson().dump(2) + "\n"); }

LaunchSpec RunLauncherDialog::launchSpec() const { return target_->spec(); }

void RunLauncherDialog::setLaunchSpec(const LaunchSpec& spec) { target_->setSpec(spec); }

QString RunLauncherDialog::generalErrorText() const { return general_->text(); }

void RunLauncherDialog::revalidate() {
  if (loading_) return;
  std::vector<ConfigIssue> issues;
  const RunConfig c = readForm(&issues);
  std::set<std::string> skipped;  // fields that did not parse, already reported
  for (const ConfigIssue& i : issues) skipped.insert(i.path);
  // A key variable not named like a key is Start's question, not an error.
  if (JudgeKeyConsent::needed(c.reward.judge)) skipped.insert("reward.judge.api_key_env");
  for (ConfigIssue& i : c.validateForTraining())
    if (!skipped.count(i.path)) issues.push_back(std::move(i));
  // On this machine the files must exist; a remote host's paths cannot be checked from here.
  if (c.launch.target == config::LaunchTarget::Local) {
    if (!c.model.path.empty() && !QFileInfo(QString::fromStdString(c.model.path)).isDir())
      issues.push_back({"model.path", "no such directory: " + c.model.path});
    for (size_t i = 0; i < c.dataset.train.size(); ++i)
      if (!QFileInfo(QString::fromStdString(c.dataset.train[i])).isFile())
        issues.push_back({"dataset.train[" + std::to_string(i) + "]", "no such file: " + c.dataset.train[i]});
  }
  for (ConfigIssue& i : target_->check()) issues.push_back(std::move(i));
  issues_ = std::move(issues);
  errors_.show(issues_);
  start_->setEnabled(issues_.empty());
  judgeSummary_->setText(JudgeKeyConsent::summary(c.reward.judge));
  judgeSummary_->setVisible(!judgeSummary_->text().isEmpty());
  plan_->refresh(c);  // shown whatever the issues: it only reads the model's config.json
}

void RunLauncherDialog::tryStart() {
  revalidate();
  if (!canStart()) return;
  const config::JudgeConfig judge = config().reward.judge;
  if (JudgeKeyConsent::needed(judge) && !judge.allowAnyKeyEnv) {
    if (!askConsent_(JudgeKeyConsent::question(judge))) return;
    consented_ = QString::fromStdString(judge.apiKeyEnv + '\n' + judge.baseUrl);
  }
  accept();
}

bool RunLauncherDialog::loadFile(const QString& path) {
  try {
    setConfig(JudgeKeyConsent::loadFile(path));
    return true;
  } catch (const std::exception& e) {
    general_->setText(tr("config invalid:\n%1").arg(QString::fromUtf8(e.what())));
    general_->show();
    return false;
  }
}

bool RunLauncherDialog::saveFile(const QString& path) {
  std::vector<ConfigIssue> parse;
  const RunConfig c = readForm(&parse);
  if (!parse.empty()) return false;  // shown next to their fields already
  try {
    c.saveFile(path.toStdString());
    return true;
  } catch (const std::exception& e) {
    general_->setText(QString::fromUtf8(e.what()));
    general_->show();
    return false;
  }
}

void RunLauncherDialog::chooseAndLoad() {
  const QString f = QFileDialog::getOpenFileName(this, tr("Load run config"), {}, tr("JSON (*.json);;All files (*)"));
  if (!f.isEmpty()) loadFile(f);
}

void RunLauncherDialog::chooseAndSave() {
  const QString f =
      QFileDialog::getSaveFileName(this, tr("Save run config"), QStringLiteral("run.json"), tr("JSON (*.json)"));
  if (!f.isEmpty()) saveFile(f);
}

}  // namespace longrl::ui
