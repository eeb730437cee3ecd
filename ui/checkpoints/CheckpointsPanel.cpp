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
#include "ui/docqa/LocalModelServer.h"
#include "ui/eval/EvalCheckpointDialog.h"
#include "ui/launch/LaunchSpecFile.h"

namespace longrl::ui {

CheckpointsPanel::CheckpointsPanel(QWidget* parent)
    : QWidget(parent), lister_(new RemoteCheckpoints(this)), model_(new CheckpointsModel(this)) {
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
  connect(serveBar_, &ServeBar::stateChanged, this, &CheckpointsPanel::onServeStateChanged);
  connect(lister_, &RemoteCheckpoints::listed, this, &CheckpointsPanel::onListed);
  connect(lister_, &RemoteCheckpoints::failed, this, [this](const QString& why) {
    listError_ = why;
    fill();
  });
  relist_.setInterval(60 * 1000);  // a running remote trainer saves every checkpoint.every_steps
  connect(&relist_, &QTimer::timeout, this, [this] {
    if (isVisible()) refresh();
  });
  refreshSoon_.setSingleShot(true);
  refreshSoon_.setInterval(500);
  // Over ssh only the mirror is watched (evaluations saved there): no new listing for that.
  connect(&refreshSoon_, &QTimer::timeout, this, [this] { source_ == Source::Ssh ? fill() : refresh(); });
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
  listing_.reset();
  listError_.clear();
  askPending_.clear();
  chooseSource();
  refresh();
  if (model_->rowCount() > 0) view_->selectRow(model_->rowCount() - 1);  // the latest
  updateActions();
}

void CheckpointsPanel::chooseSource() {
  spec_.reset();
  scanDir_ = runDir_;
  source_ = runDir_.isEmpty() ? Source::None : Source::Local;
  if (runDir_.isEmpty()) return;
  const auto spec = LaunchSpecFile::load(runDir_);
  if (!spec || spec->kind == LaunchSpec::Kind::Local) return;
  spec_ = spec;
  if (spec->kind == LaunchSpec::Kind::Ssh) source_ = Source::Ssh;
  else if (QFileInfo(QDir(spec->remoteRunDir).filePath(QStringLiteral("checkpoints"))).isDir())
    scanDir_ = QFileInfo(spec->remoteRunDir).absoluteFilePath();  // a filesystem shared with the cluster
  else source_ = Source::Unreachable;
  if (source_ == Source::Ssh) relist_.start();
  else relist_.stop();
}

void CheckpointsPanel::runClosed(const QString& runDir) {
  const QString dir = QFileInfo(runDir).absoluteFilePath();
  if (servedRun_ == dir) serveBar_->stop();
  if (dir == runDir_) setRunDir({});
}

// Re-reads where the checkpoints are: the directory at once; an ssh host's listing is asked for
// and shows when it comes (onListed), the previous one meanwhile.
void CheckpointsPanel::refresh() {
  if (source_ == Source::Ssh) lister_->list(*spec_);
  fill();
}

void CheckpointsPanel::onListed(const RemoteCheckpoints::Listing& listing) {
  listing_ = listing;
  listError_.clear();
  listedAt_ = QDateTime::currentDateTime();
  const bool first = model_->rowCount() == 0;
  fill();
  if (first && model_->rowCount() > 0 && selectedStep() < 0) view_->selectRow(model_->rowCount() - 1);
}

void CheckpointsPanel::fill() {
  const qint64 selected = selectedStep();
  problems_.clear();
  storeError_.clear();
  QList<CheckpointInfo> checkpoints;
  QList<EvalResult> evals;  // saved here, and where the checkpoints are
  QStringList evalDirs{runDir_};
  if (scanDir_ != runDir_) evalDirs << scanDir_;
  for (const QString& dir : evalDirs) {
    if (dir.isEmpty()) continue;
    const auto loaded = EvalResults::load(dir);
    problems_ << loaded.problems;
    evals << loaded.results;
  }
  if (source_ == Source::Local) checkpoints = CheckpointInfo::scan(scanDir_, &storeError_);
  if (source_ == Source::Ssh && listing_) {
    checkpoints = listing_->checkpoints;
    evals << listing_->evals;
    problems_ << listing_->problems;
    storeError_ = listing_->storeError;
  }
  const auto latest = EvalResults::latestByStep(evals);
  model_->setCheckpoints(checkpoints, latest);
  chart_->setResults(latest);  // evaluated checkpoints since deleted (checkpoint.keep) still chart
  if (selected >= 0) selectStep(selected);
  notice_->setText(notice(checkpoints.isEmpty()));
  notice_->setVisible(!notice_->text().isEmpty());
  content_->setVisible(source_ == Source::Local || (source_ == Source::Ssh && listing_));
  showProblems();
  watchRunDir();
  updateActions();
  Q_EMIT refreshed();
}

QString CheckpointsPanel::notice(bool empty) const {
  switch (source_) {
    case Source::None:
      return tr("Select a run in the Runs list to see its checkpoints.");
    case Source::Ssh:
      return sshNotice(empty);
    case Source::Unreachable:
      return unreachableNotice();
    case Source::Local:
      break;
  }
  if (!empty) return scanDir_ == runDir_ ? QString() : tr("Checkpoints of the template run in %1.").arg(scanDir_);
  return tr("No complete checkpoint in %1/checkpoints yet. The trainer saves one every "
            "checkpoint.every_steps steps, at the end of each phase and when it is stopped.")
      .arg(scanDir_);
}

QString CheckpointsPanel::sshNotice(bool empty) const {
  const QString where = spec_->location() + QLatin1Char(':') + spec_->remoteRunDir + QStringLiteral("/checkpoints");
  if (!listError_.isEmpty()) return tr("Could not list the checkpoints on %1: %2").arg(where, listError_);
  if (!listing_) return tr("Listing the checkpoints on %1…").arg(where);
  if (empty) return tr("No complete checkpoint on %1 yet.").arg(where);
  return tr("Checkpoints on %1, listed over ssh at %2. Evaluate and Serve run there.")
      .arg(where, listedAt_.toString(QStringLiteral("HH:mm:ss")));
}

QString CheckpointsPanel::unreachableNotice() const {
  return tr("Checkpoints of this run are where its launch template ran it, in %1/checkpoints, which this "
            "machine does not see; evaluate there with `longrl eval`. This directory is a mirror of its "
            "event stream and holds none.")
      .arg(spec_ ? spec_->remoteRunDir : QString());
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
  if (source_ == Source::None) return;
  QStringList dirs;
  for (const QString& dir : QStringList{runDir_, scanDir_}) {
    if (dirs.contains(dir)) continue;
    dirs << dir;
    for (const QString& sub : {QStringLiteral("checkpoints"), QString::fromLatin1(EvalResults::kDirName)})
      if (QFileInfo(QDir(dir).filePath(sub)).isDir()) dirs << QDir(dir).filePath(sub);
  }
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
  if (source_ == Source::Ssh) {
    QList<RunCheckpoints::Entry> entries;
    for (int row = 0; row < model_->rowCount(); ++row)
      entries << RunCheckpoints::Entry{model_->checkpointAt(row).step, model_->checkpointAt(row).dir};
    dialog->setRemote(*spec_, entries);
  }
  dialog->selectStep(step);
  connect(dialog, &EvalCheckpointDialog::resultSaved, this, &CheckpointsPanel::fill);
  dialog->show();
  return dialog;
}

void CheckpointsPanel::askSelectedInDocumentQa() {
  const QString dir = selectedDir();
  if (dir.isEmpty()) return;
  if (source_ != Source::Ssh) {
    Q_EMIT askInDocumentQa(dir);
    return;
  }
  askPending_ = dir;  // asked once served (onServeStateChanged)
  serveSelected();
  onServeStateChanged();
}

void CheckpointsPanel::onServeStateChanged() {
  LocalModelServer* server = serveBar_->server();
  if (!askPending_.isEmpty() && server->isRemote() && server->modelDir() == askPending_) {
    if (server->state() == LocalModelServer::State::Ready) {
      askPending_.clear();
      Q_EMIT askEndpointInDocumentQa(server->baseUrl(), server->modelName());
    } else if (server->state() != LocalModelServer::State::Starting) {
      askPending_.clear();  // it failed or stopped: the serve bar says why
    }
  }
  updateActions();
}

void CheckpointsPanel::serveSelected() {
  const qint64 step = selectedStep();
  if (step < 0) return;
  const auto ssh = source_ == Source::Ssh ? spec_ : std::nullopt;
  servedRun_ = runDir_;
  serveBar_->serve(selectedDir(), tr("step %1 of %2").arg(step).arg(QFileInfo(runDir_).fileName()), ssh);
}

QString CheckpointsPanel::noticeText() const { return notice_->text(); }

}  // namespace longrl::ui
