#include "ui/checkpoints/CheckpointsPanel.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/checkpoints/CheckpointInfo.h"
#include "ui/checkpoints/CheckpointsModel.h"
#include "ui/checkpoints/EvalAccuracyChart.h"
#include "ui/checkpoints/EvalResults.h"
#include "ui/checkpoints/ServeBar.h"
#include "ui/eval/EvalCheckpointDialog.h"
#include "ui/launch/LaunchSpecFile.h"

namespace longrl::ui {

CheckpointsPanel::CheckpointsPanel(QWidget* parent) : QWidget(parent), model_(new CheckpointsModel(this)) {
  setObjectName(QStringLiteral("CheckpointsPanel"));
  auto* layout = new QVBoxLayout(this);
  notice_ = new QLabel(this);
  notice_->setObjectName(QStringLiteral("notice"));
  notice_->setWordWrap(true);
  notice_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(notice_);
  problemsLabel_ = new QLabel(this);
  problemsLabel_->setObjectName(QStringLiteral("problems"));
  problemsLabel_->setWordWrap(true);
  problemsLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problemsLabel_->setStyleSheet(QStringLiteral("color: #b00"));
  layout->addWidget(problemsLabel_);
  serveBar_ = new ServeBar(program_, this);
  layout->addWidget(serveBar_);

  content_ = new QWidget(this);
  auto* contentLayout = new QVBoxLayout(content_);
  contentLayout->setContentsMargins(0, 0, 0, 0);
  contentLayout->addWidget(buildActions());
  view_ = new QTableView(content_);
  view_->setObjectName(QStringLiteral("checkpoints"));
  view_->setModel(model_);
  view_->verticalHeader()->hide();
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setWordWrap(false);
  view_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  chart_ = new EvalAccuracyChart(content_);
  auto* split = new QSplitter(Qt::Vertical, content_);
  split->addWidget(view_);
  split->addWidget(chart_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  contentLayout->addWidget(split, 1);
  layout->addWidget(content_, 1);
  layout->addStretch(0);  // takes the space only while the content is hidden: the notice stays on top

  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CheckpointsPanel::updateActions);
  connect(serveBar_, &ServeBar::stateChanged, this, &CheckpointsPanel::updateActions);
  refreshSoon_.setSingleShot(true);
  refreshSoon_.setInterval(500);
  connect(&refreshSoon_, &QTimer::timeout, this, &CheckpointsPanel::refresh);
  connect(&watcher_, &QFileSystemWatcher::directoryChanged, this, [this] { refreshSoon_.start(); });
  setRunDir({});
}

CheckpointsPanel::~CheckpointsPanel() = default;

QWidget* CheckpointsPanel::buildActions() {
  auto* box = new QWidget(content_);
  auto* row = new QHBoxLayout(box);
  row->setContentsMargins(0, 0, 0, 0);
  auto button = [box, row](const QString& text, const char* name, const QString& tip) {
    auto* b = new QPushButton(text, box);
    b->setObjectName(QString::fromLatin1(name));
    b->setToolTip(tip);
    row->addWidget(b);
    return b;
  };
  evaluate_ = button(tr("Evaluate…"), "evaluate", tr("Run `longrl eval` on the selected checkpoint"));
  ask_ = button(tr("Ask in Document QA"), "ask", tr("Ask questions of a document with the selected checkpoint"));
  serve_ = button(tr("Serve"), "serve",
                  tr("Start `longrl serve` on the selected checkpoint: an OpenAI-compatible endpoint on 127.0.0.1"));
  row->addStretch(1);
  auto* refresh = button(tr("Refresh"), "refresh", tr("Read the checkpoints and evaluations again"));
  connect(evaluate_, &QPushButton::clicked, this, &CheckpointsPanel::evaluateSelected);
  connect(ask_, &QPushButton::clicked, this, &CheckpointsPanel::askSelectedInDocumentQa);
  connect(serve_, &QPushButton::clicked, this, &CheckpointsPanel::serveSelected);
  connect(refresh, &QPushButton::clicked, this, &CheckpointsPanel::refresh);
  return box;
}

void CheckpointsPanel::setLongrlProgram(const QString& program) {
  program_ = program;
  serveBar_->setProgram(program);
}

void CheckpointsPanel::setRunDir(const QString& runDir) {
  runDir_ = runDir.isEmpty() ? QString() : QFileInfo(runDir).absoluteFilePath();
  std::optional<LaunchSpec> spec;
  if (!runDir_.isEmpty()) spec = LaunchSpecFile::load(runDir_);
  remote_ = spec && spec->kind != LaunchSpec::Kind::Local;
  refresh();
  if (model_->rowCount() > 0) view_->selectRow(model_->rowCount() - 1);  // the latest
  updateActions();
}

void CheckpointsPanel::runClosed(const QString& runDir) {
  const QString dir = QFileInfo(runDir).absoluteFilePath();
  if (serveBar_->servedDir().startsWith(dir + QLatin1Char('/'))) serveBar_->stop();
  if (dir == runDir_) setRunDir({});
}

QString CheckpointsPanel::remoteNotice() const {
  const auto spec = LaunchSpecFile::load(runDir_);
  if (spec && spec->kind == LaunchSpec::Kind::Ssh)
    return tr("Checkpoints of a remote run are on %1:%2/checkpoints; evaluate there with `longrl eval`. "
              "This directory is a mirror of its event stream and holds none.")
        .arg(spec->location(), spec->remoteRunDir);
  return tr("Checkpoints of this run are where its launch template ran it, in %1/checkpoints; evaluate there "
            "with `longrl eval`. This directory is a mirror of its event stream and holds none.")
      .arg(spec ? spec->remoteRunDir : QString());
}

void CheckpointsPanel::refresh() {
  const qint64 selected = selectedStep();
  problems_.clear();
  storeError_.clear();
  QList<CheckpointInfo> checkpoints;
  QMap<qint64, EvalResult> latest;
  if (!runDir_.isEmpty() && !remote_) {
    checkpoints = CheckpointInfo::scan(runDir_, &storeError_);
    const auto loaded = EvalResults::load(runDir_);
    problems_ << loaded.problems;
    latest = EvalResults::latestByStep(loaded.results);
  }
  model_->setCheckpoints(checkpoints, latest);
  chart_->setResults(latest);  // evaluated checkpoints since deleted (checkpoint.keep) still chart
  if (selected >= 0) selectStep(selected);
  if (runDir_.isEmpty()) notice_->setText(tr("Select a run in the Runs list to see its checkpoints."));
  else if (remote_) notice_->setText(remoteNotice());
  else if (checkpoints.isEmpty())
    notice_->setText(tr("No complete checkpoint in %1/checkpoints yet. The trainer saves one every "
                        "checkpoint.every_steps steps, at the end of each phase and when it is stopped.")
                         .arg(runDir_));
  else notice_->clear();
  notice_->setVisible(!notice_->text().isEmpty());
  content_->setVisible(!runDir_.isEmpty() && !remote_);
  showProblems();
  watchRunDir();
  updateActions();
  Q_EMIT refreshed();
}

void CheckpointsPanel::showProblems() {
  QStringList lines;
  if (!storeError_.isEmpty()) lines << tr("Phases unknown: %1").arg(storeError_);
  const QString prefix = runDir_ + QLatin1Char('/');  // the paths, shorter: RUN_DIR/evals/... as evals/...
  for (QString p : problems_) lines << tr("Skipped %1").arg(p.startsWith(prefix) ? p.mid(prefix.size()) : p);
  problemsLabel_->setText(lines.join(QLatin1Char('\n')));
  problemsLabel_->setVisible(!lines.isEmpty());
}

// The run directory (a checkpoints/ or evals/ appearing), checkpoints/ (one completed: renamed from
// .tmp-step-N) and evals/ (a result saved).
void CheckpointsPanel::watchRunDir() {
  if (!watcher_.directories().isEmpty()) watcher_.removePaths(watcher_.directories());
  if (runDir_.isEmpty() || remote_) return;
  QStringList dirs{runDir_};
  for (const QString& sub : {QStringLiteral("checkpoints"), QString::fromLatin1(EvalResults::kDirName)})
    if (QFileInfo(QDir(runDir_).filePath(sub)).isDir()) dirs << QDir(runDir_).filePath(sub);
  watcher_.addPaths(dirs);
}

qint64 CheckpointsPanel::selectedStep() const {
  const auto rows = view_->selectionModel()->selectedRows();
  return rows.isEmpty() ? -1 : model_->checkpointAt(rows.first().row()).step;
}

bool CheckpointsPanel::selectStep(qint64 step) {
  const int row = model_->rowOfStep(step);
  if (row < 0) return false;
  view_->selectRow(row);
  return true;
}

QString CheckpointsPanel::selectedDir() const {
  const auto rows = view_->selectionModel()->selectedRows();
  return rows.isEmpty() ? QString() : model_->checkpointAt(rows.first().row()).dir;
}

void CheckpointsPanel::updateActions() {
  const bool selected = selectedStep() >= 0;
  evaluate_->setEnabled(selected);
  ask_->setEnabled(selected);
  serve_->setEnabled(selected && serveBar_->servedDir() != selectedDir());
}

EvalCheckpointDialog* CheckpointsPanel::evaluateSelected() {
  const qint64 step = selectedStep();
  if (step < 0) return nullptr;
  auto* dialog = new EvalCheckpointDialog(runDir_, program_, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->selectStep(step);
  connect(dialog, &EvalCheckpointDialog::resultSaved, this, &CheckpointsPanel::refresh);
  dialog->show();
  return dialog;
}

void CheckpointsPanel::askSelectedInDocumentQa() {
  const QString dir = selectedDir();
  if (!dir.isEmpty()) Q_EMIT askInDocumentQa(dir);
}

void CheckpointsPanel::serveSelected() {
  const qint64 step = selectedStep();
  if (step < 0) return;
  serveBar_->serve(selectedDir(), tr("step %1 of %2").arg(step).arg(QFileInfo(runDir_).fileName()));
}

QString CheckpointsPanel::noticeText() const { return notice_->text(); }

}  // namespace longrl::ui
