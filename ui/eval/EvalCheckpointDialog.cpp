#include "ui/eval/EvalCheckpointDialog.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include "core/config/RunConfig.h"
#include "ui/ScreenFit.h"
#include "ui/checkpoints/EvalResults.h"
#include "ui/eval/EvalProcess.h"
#include "ui/eval/EvalTableModel.h"
#include "ui/eval/RunCheckpoints.h"

namespace longrl::ui {

namespace {
constexpr int kStepRole = Qt::UserRole + 1;

QSpinBox* spin(const char* name, int min, int max, int value, QWidget* parent) {
  auto* s = new QSpinBox(parent);
  s->setObjectName(QString::fromLatin1(name));
  s->setRange(min, max);
  s->setValue(value);
  return s;
}
}  // namespace

EvalCheckpointDialog::EvalCheckpointDialog(const QString& runDir, const QString& program, QWidget* parent)
    : QDialog(parent), model_(new EvalTableModel(this)), process_(new EvalProcess(program, this)), runDir_(runDir) {
  setWindowTitle(tr("Evaluate checkpoint — %1").arg(QFileInfo(runDir).fileName()));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(buildForm());

  auto* runRow = new QHBoxLayout;
  evaluate_ = new QPushButton(tr("Evaluate"), this);
  evaluate_->setObjectName(QStringLiteral("evaluate"));
  stop_ = new QPushButton(tr("Stop"), this);
  stop_->setObjectName(QStringLiteral("stop"));
  progress_ = new QProgressBar(this);
  progress_->setObjectName(QStringLiteral("progress"));
  progress_->setRange(0, 1);
  progress_->setValue(0);
  runRow->addWidget(evaluate_);
  runRow->addWidget(stop_);
  runRow->addWidget(progress_, 1);
  layout->addLayout(runRow);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("status"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);

  table_ = new QTableView(this);
  table_->setObjectName(QStringLiteral("table"));
  table_->setModel(model_);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(EvalTableModel::Name, QHeaderView::Stretch);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  layout->addWidget(table_, 1);
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("summary"));
  summary_->setWordWrap(true);
  // Room for the explanation's three lines: the table takes the rest, never the text.
  summary_->setMinimumHeight(summary_->fontMetrics().lineSpacing() * 3 + 4);
  layout->addWidget(summary_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);

  setCheckpoints(RunCheckpoints::list(runDir));
  prefillFromRunConfig(runDir);

  connect(evaluate_, &QPushButton::clicked, this, &EvalCheckpointDialog::startEvaluation);
  connect(stop_, &QPushButton::clicked, process_, &EvalProcess::stop);
  connect(process_, &EvalProcess::progress, this, [this](const QString& pass, int done, int total) {
    progress_->setRange(0, total);
    progress_->setValue(done);
    status_->setText(pass == QLatin1String("greedy") ? tr("Generating the greedy answers…")
                                                     : tr("Generating %1 samples per example…").arg(k_->value()));
  });
  connect(process_, &EvalProcess::finished, this, &EvalCheckpointDialog::showReport);
  connect(process_, &EvalProcess::failed, this, &EvalCheckpointDialog::showFailure);
  setRunning(false);
  ScreenFit::resize(this, QSize(760, 560));
}

void EvalCheckpointDialog::setCheckpoints(const QList<RunCheckpoints::Entry>& checkpoints) {
  checkpoint_->clear();
  for (const auto& c : checkpoints) {
    checkpoint_->addItem(tr("step %1").arg(c.step), c.dir);
    checkpoint_->setItemData(checkpoint_->count() - 1, c.step, kStepRole);
  }
  checkpoint_->setCurrentIndex(checkpoint_->count() - 1);  // the latest
  const QString none = tr("This run has no complete checkpoint yet.");
  if (checkpoint_->count() == 0) status_->setText(none);
  else if (status_->text() == none) status_->clear();  // a config's problem stays
  setRunning(process_->isRunning());
}

void EvalCheckpointDialog::setRemote(const LaunchSpec& spec, const QList<RunCheckpoints::Entry>& checkpoints) {
  remote_ = true;
  process_->setSsh(spec);
  setWindowTitle(tr("Evaluate checkpoint — %1 on %2").arg(QFileInfo(runDir_).fileName(), spec.location()));
  setCheckpoints(checkpoints);
  browse_->setEnabled(false);
  browse_->setToolTip(tr("The data file is a path on %1").arg(spec.location()));
  dataFile_->setPlaceholderText(tr("a JSONL dataset's path on %1").arg(spec.location()));
}

QWidget* EvalCheckpointDialog::buildForm() {
  auto* box = new QWidget(this);
  auto* form = new QFormLayout(box);
  form->setContentsMargins(0, 0, 0, 0);
  checkpoint_ = new QComboBox(box);
  checkpoint_->setObjectName(QStringLiteral("checkpoint"));
  form->addRow(tr("Checkpoint"), checkpoint_);
  auto* dataRow = new QHBoxLayout;
  dataFile_ = new QLineEdit(box);
  dataFile_->setObjectName(QStringLiteral("dataFile"));
  dataFile_->setPlaceholderText(tr("a JSONL dataset (verl or plain form)"));
  browse_ = new QPushButton(tr("Browse…"), box);
  connect(browse_, &QPushButton::clicked, this, &EvalCheckpointDialog::chooseDataFile);
  dataRow->addWidget(dataFile_, 1);
  dataRow->addWidget(browse_);
  form->addRow(tr("Data file"), dataRow);
  auto* sampling = new QHBoxLayout;
  k_ = spin("k", 1, 1024, 4, box);
  k_->setToolTip(tr("Samples per example at temperature 0.7, top-p 0.95 (mean@k, pass@k); 1: greedy only"));
  maxNewTokens_ = spin("maxNewTokens", 1, 1 << 20, 256, box);
  limit_ = spin("limit", 0, 1 << 30, 0, box);
  limit_->setSpecialValueText(tr("all"));
  sampling->addWidget(new QLabel(tr("k"), box));
  sampling->addWidget(k_);
  sampling->addWidget(new QLabel(tr("Max new tokens"), box));
  sampling->addWidget(maxNewTokens_);
  sampling->addWidget(new QLabel(tr("Examples"), box));
  sampling->addWidget(limit_);
  sampling->addStretch(1);
  form->addRow(tr("Sampling"), sampling);

  judge_ = new QGroupBox(tr("LLM judge (score = max of rule and judge, as in training)"), box);
  judge_->setObjectName(QStringLiteral("judge"));
  judge_->setCheckable(true);
  judge_->setChecked(false);
  auto* jform = new QFormLayout(judge_);
  judgeUrl_ = new QLineEdit(judge_);
  judgeUrl_->setObjectName(QStringLiteral("judgeUrl"));
  judgeUrl_->setPlaceholderText(QStringLiteral("http://127.0.0.1:8000/v1"));
  judgeModel_ = new QLineEdit(judge_);
  judgeModel_->setObjectName(QStringLiteral("judgeModel"));
  judgeApiKey_ = new QLineEdit(judge_);
  judgeApiKey_->setObjectName(QStringLiteral("judgeApiKey"));
  judgeApiKey_->setEchoMode(QLineEdit::Password);
  judgeApiKey_->setPlaceholderText(tr("none"));
  jform->addRow(tr("URL"), judgeUrl_);
  jform->addRow(tr("Model"), judgeModel_);
  jform->addRow(tr("API key"), judgeApiKey_);
  form->addRow(judge_);
  return box;
}

void EvalCheckpointDialog::prefillFromRunConfig(const QString& runDir) {
  const QString path = QDir(runDir).filePath(QStringLiteral("config.json"));
  if (!QFileInfo::exists(path)) return;
  try {
    const auto cfg = config::RunConfig::loadFile(path.toStdString());
    if (!cfg.dataset.val.empty()) dataFile_->setText(QString::fromStdString(cfg.dataset.val.front()));
    const auto& j = cfg.reward.judge;
    if (j.enabled) {
      judge_->setChecked(true);
      judgeUrl_->setText(QString::fromStdString(j.baseUrl));
      judgeModel_->setText(QString::fromStdString(j.model));
      if (!j.apiKeyEnv.empty() && qEnvironmentVariableIsSet(j.apiKeyEnv.c_str())) {
        judgeApiKeyEnv_ = QString::fromStdString(j.apiKeyEnv);
        judgeApiKey_->setPlaceholderText(tr("from $%1").arg(judgeApiKeyEnv_));
      }
    }
  } catch (const std::exception& e) {
    status_->setText(tr("%1: %2 (fill in the fields by hand)").arg(path, QString::fromUtf8(e.what())));
  }
}

bool EvalCheckpointDialog::selectStep(qint64 step) {
  const int i = checkpoint_->findText(tr("step %1").arg(step));
  if (i < 0) return false;
  checkpoint_->setCurrentIndex(i);
  return true;
}

EvalRequest EvalCheckpointDialog::request() const {
  EvalRequest r;
  r.modelDir = checkpoint_->currentData().toString();
  r.dataFile = dataFile_->text().trimmed();
  r.k = k_->value();
  r.maxNewTokens = maxNewTokens_->value();
  r.limit = limit_->value();
  if (judge_->isChecked()) {
    r.judgeUrl = judgeUrl_->text().trimmed();
    r.judgeModel = judgeModel_->text().trimmed();
    r.judgeApiKey = judgeApiKey_->text();
    r.judgeApiKeyEnv = judgeApiKeyEnv_;
  }
  return r;
}

void EvalCheckpointDialog::chooseDataFile() {
  const QString f = QFileDialog::getOpenFileName(this, tr("Dataset to evaluate on"), dataFile_->text(),
                                                 tr("JSON lines (*.jsonl *.json);;All files (*)"));
  if (!f.isEmpty()) dataFile_->setText(f);
}

void EvalCheckpointDialog::startEvaluation() {
  model_->clear();
  summary_->clear();
  progress_->setRange(0, 0);  // busy until the first progress line
  status_->setText(tr("Loading %1…").arg(checkpoint_->currentText()));
  started_ = request();
  startedStep_ = checkpoint_->currentData(kStepRole).toLongLong();
  if (process_->start(started_)) setRunning(true);
}

void EvalCheckpointDialog::setRunning(bool running) {
  evaluate_->setEnabled(!running && checkpoint_->count() > 0);
  stop_->setEnabled(running);
  for (QWidget* w : std::initializer_list<QWidget*>{checkpoint_, dataFile_, k_, maxNewTokens_, limit_, judge_})
    w->setEnabled(!running);
}

void EvalCheckpointDialog::showReport() {
  setRunning(false);
  const auto& r = process_->report();
  model_->setReport(r);
  progress_->setRange(0, 1);
  progress_->setValue(1);
  QString saved;
  const QString error = saveResult(&saved);
  status_->setText(
      tr("%1: %2 examples in %3 s; %4")
          .arg(checkpoint_->currentText())
          .arg(r.examples)
          .arg(r.seconds, 0, 'f', 1)
          .arg(error.isEmpty() ? tr("saved as %1").arg(QFileInfo(saved).fileName()) : tr("not saved: %1").arg(error)));
  QString s = tr("Accuracy in %. greedy: one answer per example at temperature 0.");
  if (r.k > 1)
    s += tr(" mean@%1: mean over %1 samples per example at temperature %2, top-p %3; pass@%1: share of examples with a "
            "correct sample.")
             .arg(r.k)
             .arg(r.temperature)
             .arg(r.topP);
  if (r.judge)
    s += tr(" Judge %1: %2 calls (%3 yes, %4 no, %5 errors); correct = rule or judge.")
             .arg(QString::fromStdString(r.judge->model))
             .arg(r.judge->calls)
             .arg(r.judge->yes)
             .arg(r.judge->no)
             .arg(r.judge->errors);
  s += tr(" average: unweighted mean of the rows above.");
  summary_->setText(s);
}

QString EvalCheckpointDialog::saveResult(QString* path) {
  EvalResult result;
  result.step = startedStep_;
  result.checkpointDir = started_.modelDir;
  result.dataFile = remote_ ? started_.dataFile : QFileInfo(started_.dataFile).absoluteFilePath();
  result.k = started_.k;
  result.maxNewTokens = started_.maxNewTokens;
  result.limit = started_.limit;
  result.judgeUrl = started_.judgeUrl;
  result.judgeModel = started_.judgeModel;
  result.evaluatedAt = QDateTime::currentDateTimeUtc();
  result.report = process_->report();
  const QString error = EvalResults::save(runDir_, result, path);
  if (error.isEmpty()) {
    savedResult_ = *path;
    Q_EMIT resultSaved(*path);
  }
  return error;
}

void EvalCheckpointDialog::showFailure(const QString& why) {
  setRunning(process_->isRunning());
  progress_->setRange(0, 1);
  progress_->setValue(0);
  status_->setText(QStringLiteral("<span style='color:#b00'>%1</span>")
                       .arg(why.toHtmlEscaped().replace('\n', QStringLiteral("<br>"))));
}

}  // namespace longrl::ui
