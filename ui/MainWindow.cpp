#include "ui/MainWindow.h"

#include <QCloseEvent>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTextCursor>
#include <QToolBar>
#include <QUrl>
#include <QUrlQuery>
#include <QVBoxLayout>

#include "ui/RunsColumnFitter.h"
#include "ui/RunsModel.h"
#include "ui/ScreenFit.h"
#include "ui/annotate/AnnotationQueue.h"
#include "ui/annotate/AnnotationSyncThread.h"
#include "ui/checkpoints/CheckpointsPanel.h"
#include "ui/compare/CompareRunsDialog.h"
#include "ui/compare/RunNotes.h"
#include "ui/compare/RunNotesDialog.h"
#include "ui/docqa/DocumentQaPanel.h"
#include "ui/eval/EvalCheckpointDialog.h"
#include "ui/eval/RunCheckpoints.h"
#include "ui/launch/AttachDialog.h"
#include "ui/launch/LaunchSpec.h"
#include "ui/launch/LaunchSpecFile.h"
#include "ui/launch/RunAttachment.h"
#include "ui/launch/RunLauncherDialog.h"
#include "ui/launch/TrainerProcess.h"
#include "ui/rollouts/RolloutsWorkspace.h"
#include "viewers/chart/ChartsPanel.h"
#include "viewers/data/RunSession.h"

namespace longrl::ui {

using viewers::RunSession;

namespace {
// Links in Messages: longrl-chart:<metric>?step=N brings the metric's chart forward.
const QString kChartScheme = QStringLiteral("longrl-chart");
constexpr int kMaxMessages = 5000;
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("longrl studio"));
  setObjectName(QStringLiteral("MainWindow"));
  // 1400x900 where the screen has room; less on a laptop or a HiDPI screen at 200%.
  ScreenFit::resizeCentred(this, QSize(1400, 900));
  buildCentre();
  QDockWidget* runsDock = buildRunsDock();
  QDockWidget* messagesDock = buildMessagesDock();
  buildMenus(runsDock, messagesDock);
  // Docks in proportion to the window, so a small screen keeps room for the centre.
  resizeDocks({runsDock}, {qMin(420, width() * 40 / 100)}, Qt::Horizontal);
  resizeDocks({messagesDock}, {qMin(110, height() * 18 / 100)}, Qt::Vertical);
  statusBar()->showMessage(tr("Open a run directory (File > Open) or start longrl-studio with RUN_DIR arguments."));
}

// The dashboard of charts (all open runs overlaid), the rollouts and the checkpoints of the
// selected run, Document QA.
void MainWindow::buildCentre() {
  centre_ = new QTabWidget(this);
  centre_->setObjectName(QStringLiteral("CentreTabs"));
  centre_->setDocumentMode(true);
  charts_ = new viewers::ChartsPanel(centre_);
  rollouts_ = new RolloutsWorkspace(centre_);
  centre_->addTab(charts_, tr("Charts"));
  centre_->addTab(rollouts_, tr("Rollouts"));
  checkpoints_ = new CheckpointsPanel(centre_);
  checkpoints_->setLongrlProgram(localLongrl());
  centre_->addTab(checkpoints_, tr("Checkpoints"));
  documentQa_ = new DocumentQaPanel(centre_);
  centre_->addTab(documentQa_, tr("Document QA"));
  setCentralWidget(centre_);
  connect(charts_, &viewers::ChartsPanel::message, this, [this](const QString& t) { showMessage(t); });
  connect(checkpoints_, &CheckpointsPanel::askInDocumentQa, this, [this](const QString& dir) {
    documentQa_->setLocalModel(dir);
    centre_->setCurrentWidget(documentQa_);
  });
  connect(checkpoints_, &CheckpointsPanel::askEndpointInDocumentQa, this,
          [this](const QString& url, const QString& model) {
            documentQa_->setEndpoint(url, model);
            centre_->setCurrentWidget(documentQa_);
          });
}

QDockWidget* MainWindow::buildRunsDock() {
  runsModel_ = new RunsModel(this);
  runsView_ = new QTableView(this);
  runsView_->setModel(runsModel_);
  runsView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  runsView_->verticalHeader()->hide();
  runsView_->setAlternatingRowColors(true);
  runsView_->setWordWrap(false);
  fitRunsColumns();
  runsView_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(runsView_, &QWidget::customContextMenuRequested, this, &MainWindow::showRunsMenu);
  connect(runsView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { showInWorkspace(runsModel_->runAt(current.row())); });
  auto* runsDock = new QDockWidget(tr("Runs"), this);
  runsDock->setObjectName(QStringLiteral("RunsDock"));
  runsDock->setWidget(runsView_);
  addDockWidget(Qt::LeftDockWidgetArea, runsDock);
  return runsDock;
}

QDockWidget* MainWindow::buildMessagesDock() {
  messages_ = new QTextBrowser(this);
  messages_->setObjectName(QStringLiteral("Messages"));
  messages_->setOpenLinks(false);  // alert links are handled here (openMessageLink)
  messages_->document()->setMaximumBlockCount(kMaxMessages);
  connect(messages_, &QTextBrowser::anchorClicked, this, &MainWindow::openMessageLink);
  // Two lines at least: the dock may be small on a small screen (the window's minimum height).
  messages_->setMinimumHeight(messages_->fontMetrics().lineSpacing() * 2 + 8);
  auto* messagesDock = new QDockWidget(tr("Messages"), this);
  messagesDock->setObjectName(QStringLiteral("MessagesDock"));
  messagesDock->setWidget(messages_);
  addDockWidget(Qt::BottomDockWidgetArea, messagesDock);
  return messagesDock;
}

void MainWindow::buildMenus(QDockWidget* runsDock, QDockWidget* messagesDock) {
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&New run…"), QKeySequence::New, this, &MainWindow::newRun);
  file->addAction(tr("&Open run directory…"), QKeySequence::Open, this, &MainWindow::chooseRunToOpen);
  file->addAction(tr("&Attach to run…"), this, &MainWindow::chooseRunToAttach);
  file->addAction(tr("&Close run"), this, &MainWindow::closeSelectedRun);
  file->addSeparator();
  file->addAction(tr("&Document QA…"), this, &MainWindow::showDocumentQa);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  auto* view = menuBar()->addMenu(tr("&View"));
  view->addAction(tr("&Add chart…"), charts_, &viewers::ChartsPanel::pickCharts);
  view->addSeparator();
  view->addAction(runsDock->toggleViewAction());
  view->addAction(messagesDock->toggleViewAction());
}

MainWindow::~MainWindow() = default;

RunSession* MainWindow::openRun(const QString& runDir, const QString& location) {
  const QString canonical = QFileInfo(runDir).absoluteFilePath();
  for (RunSession* r : runsModel_->runs())
    if (r->runDir() == canonical) return r;
  if (!QFileInfo(canonical).isDir()) {
    showMessage(tr("Cannot open %1: not a directory").arg(canonical), true);
    return nullptr;
  }
  QString specError;
  const auto spec = LaunchSpecFile::load(canonical, &specError);
  if (!specError.isEmpty()) showMessage(specError, true);
  auto* run = new RunSession(canonical, spec ? spec->location() : location, this);
  runsModel_->addRun(run);
  if (spec && spec->kind != LaunchSpec::Kind::Local) startAnnotationSync(run, *spec);
  QString notesError;
  runsModel_->setNotes(run, RunNotes::load(canonical, &notesError));
  if (!notesError.isEmpty()) showMessage(notesError, true);
  charts_->addRun(run);
  connect(run, &RunSession::alertRaised, this, [this, run](const viewers::RunAlert& a) { showAlert(run, a); });
  connect(run, &RunSession::statusChanged, this, [this, run, last = QString()]() mutable {
    if (run->problem() != last) {
      last = run->problem();
      if (!last.isEmpty()) showMessage(QStringLiteral("%1: %2").arg(run->name(), last), true);
    }
  });
  showMessage(tr("Opened %1").arg(canonical));
  if (runsView_->selectionModel() && !runsView_->selectionModel()->hasSelection()) runsView_->selectRow(0);
  return run;
}

void MainWindow::closeRun(RunSession* run) {
  if (!run) return;
  if (TrainerProcess* t = trainers_.value(run)) {
    if (t->isActive()) {
      showMessage(tr("%1: stop its trainer before closing the run").arg(run->name()), true);
      return;
    }
    trainers_.remove(run);
    delete t;
  }
  if (rollouts_->runDir() == run->runDir()) showInWorkspace(nullptr);
  checkpoints_->runClosed(run->runDir());
  delete syncs_.take(run);
  delete attachments_.take(run);
  charts_->removeRun(run);
  runsModel_->removeRun(run);
  delete run;
}

RunSession* MainWindow::launchRun(const LaunchSpec& spec, const QByteArray& configJson) {
  for (RunSession* r : runsModel_->runs()) {
    TrainerProcess* t = trainers_.value(r);
    if (t && t->isActive() && r->runDir() == QFileInfo(spec.localRunDir).absoluteFilePath()) {
      showMessage(tr("%1: a trainer is already running for this run").arg(r->name()), true);
      return nullptr;
    }
  }
  auto* trainer = new TrainerProcess(spec, configJson, this);
  const QString label = QFileInfo(spec.localRunDir).fileName();
  connect(trainer, &TrainerProcess::message, this,
          [this, label](const QString& text, bool error) { showMessage(label + QStringLiteral(": ") + text, error); });
  trainer->start();  // creates the run directory, or fails with its cause in Messages
  if (spec.kind != LaunchSpec::Kind::Local && QFileInfo(spec.localRunDir).isDir()) {
    const QString error = LaunchSpecFile::save(spec);
    if (!error.isEmpty()) showMessage(tr("%1 (labels will not reach the run after a restart)").arg(error), true);
  }
  RunSession* run = QFileInfo(spec.localRunDir).isDir() ? openRun(spec.localRunDir, spec.location()) : nullptr;
  if (!run) {
    // Nothing to show it in: it lives until its process ends.
    if (trainer->isActive()) connect(trainer, &TrainerProcess::finished, trainer, &QObject::deleteLater);
    else trainer->deleteLater();
    return nullptr;
  }
  attachTrainer(run, trainer);
  return run;
}

// The run's status shows the trainer's fate (crashed with its cause, stopped, killed) even when
// the store still says "running", as a crashed trainer leaves it.
void MainWindow::attachTrainer(RunSession* run, TrainerProcess* trainer) {
  if (TrainerProcess* old = trainers_.value(run)) old->deleteLater();
  trainers_.insert(run, trainer);
  auto desired = [trainer]() -> QString {
    if (trainer->state() == TrainerProcess::State::Failed) return trainer->failure();
    if (trainer->state() == TrainerProcess::State::Finished && trainer->outcome() != QLatin1String("finished"))
      return trainer->outcome();
    return {};
  };
  auto apply = [run, desired] {
    const QString want = desired();
    if (!want.isEmpty() && run->status() != want) run->setStatusOverride(want);
  };
  connect(run, &RunSession::statusChanged, trainer, apply);
  connect(trainer, &TrainerProcess::started, run, [run] { run->setStatusOverride(QString()); });
  connect(trainer, &TrainerProcess::finished, this, [this, run, trainer, apply](bool ok) {
    apply();
    if (!ok && !trainer->outputTail().isEmpty())
      showMessage(tr("%1: last trainer output:\n%2")
                      .arg(run->name(),
                           trainer->outputTail().mid(qMax(0, trainer->outputTail().size() - 10)).join('\n')),
                  true);
  });
  apply();
}

QString MainWindow::localLongrl() {
  return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("longrl"));
}

// Labels made in a remote run's mirror go to the run's own store; Messages says when they cannot
// (once per cause) and when they can again.
void MainWindow::startAnnotationSync(RunSession* run, const LaunchSpec& spec) {
  auto* sync =
      new AnnotationSyncThread(QDir(run->runDir()).filePath(QStringLiteral("run.sqlite")), spec, localLongrl(), this);
  syncs_.insert(run, sync);
  connect(sync, &AnnotationSyncThread::stateChanged, this, [this, run, sync, last = QString()]() mutable {
    const QString error = sync->state().error;
    if (error == last) return;
    if (!error.isEmpty())
      showMessage(tr("%1: labels not delivered to the remote run yet (%2); retrying").arg(run->name(), error), true);
    else if (!last.isEmpty()) showMessage(tr("%1: labels delivered to the remote run again").arg(run->name()));
    last = error;
  });
}

// The rollouts workspace shows `run`; its annotation queue follows the run's wait for labels and,
// for a remote run, the delivery of labels.
void MainWindow::showInWorkspace(RunSession* run) {
  for (const auto& c : workspaceLinks_) disconnect(c);
  workspaceLinks_.clear();
  AnnotationSyncThread* sync = run ? syncs_.value(run) : nullptr;
  rollouts_->setRunDir(run ? run->runDir() : QString(), sync != nullptr);
  checkpoints_->setRunDir(run ? run->runDir() : QString());
  if (!run) return;
  AnnotationQueue* queue = rollouts_->annotations();
  auto showWait = [run, queue] { queue->setAnnotationWait(run->annotationWaitPhase(), run->annotationWaitDeadline()); };
  workspaceLinks_ << connect(run, &RunSession::annotationWaitChanged, queue, showWait);
  showWait();
  if (!sync) return;
  auto showSync = [sync, queue] {
    const auto& s = sync->state();
    queue->setSyncState(s.pending, s.delivered, s.error, s.retryInS);
  };
  workspaceLinks_ << connect(sync, &AnnotationSyncThread::stateChanged, queue, showSync)
                  << connect(sync, &AnnotationSyncThread::delivered, queue, &AnnotationQueue::refreshDelivery)
                  << connect(queue, &AnnotationQueue::retrySyncRequested, sync, &AnnotationSyncThread::retryNow);
  showSync();
}

void MainWindow::stopRun(RunSession* run) {
  if (TrainerProcess* t = trainers_.value(run)) t->stop();
}

void MainWindow::killRun(RunSession* run) {
  if (TrainerProcess* t = trainers_.value(run)) t->kill();
}

void MainWindow::resumeRun(RunSession* run) {
  if (!run) return;
  TrainerProcess* t = trainers_.value(run);
  if (t && t->isActive()) {
    showMessage(tr("%1: its trainer is still running").arg(run->name()), true);
    return;
  }
  if (t) {
    t->resume();
    return;
  }
  // A run opened from disk: resume it here with its own config.json.
  QFile config(QDir(run->runDir()).filePath(QStringLiteral("config.json")));
  if (!config.open(QIODevice::ReadOnly)) {
    showMessage(tr("%1: cannot resume: %2: %3").arg(run->name(), config.fileName(), config.errorString()), true);
    return;
  }
  // A remote run resumes where it ran (launch.json beside the mirror).
  LaunchSpec spec = LaunchSpecFile::load(run->runDir()).value_or(LaunchSpec{});
  spec.localRunDir = run->runDir();
  spec.trainerProgram = localLongrl();
  auto* trainer = new TrainerProcess(spec, config.readAll(), this);
  connect(trainer, &TrainerProcess::message, this, [this, run](const QString& text, bool error) {
    showMessage(run->name() + QStringLiteral(": ") + text, error);
  });
  attachTrainer(run, trainer);
  trainer->resume();
}

EvalCheckpointDialog* MainWindow::evaluateCheckpoint(RunSession* run) {
  if (!run) return nullptr;
  auto* dialog = new EvalCheckpointDialog(run->runDir(), localLongrl(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  return dialog;
}

void MainWindow::newRun() {
  RunLauncherDialog dialog(this);
  if (dialog.exec() == QDialog::Accepted) launchRun(dialog.launchSpec(), dialog.configJson());
}

// The run's name takes the width the other columns leave (elided; the run directory is in its
// tooltip); the others fit their contents, the status at most 12 digits wide (the rest elided and in
// Messages); "Points" starts hidden, and "Where" until a run not on this machine is open (it says
// "local" for every other, and the dock is narrow). The header's context menu shows or hides the
// other columns.
void MainWindow::fitRunsColumns() {
  QHeaderView* header = runsView_->horizontalHeader();
  runsView_->setColumnHidden(RunsModel::Points, true);
  runsView_->setColumnHidden(RunsModel::Where, true);
  auto* fitter = new RunsColumnFitter(runsView_, RunsModel::Name);
  connect(runsModel_, &QAbstractItemModel::rowsInserted, this, [this, fitter] {
    if (runsModel_->anyRemote()) runsView_->setColumnHidden(RunsModel::Where, false);
    fitter->fit();
  });
  header->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(header, &QHeaderView::customContextMenuRequested, this, [this, header, fitter](const QPoint& at) {
    QMenu menu(this);
    for (int c = 0; c < runsModel_->columnCount(); ++c) {
      QAction* a = menu.addAction(runsModel_->headerData(c, Qt::Horizontal).toString());
      a->setCheckable(true);
      a->setChecked(!runsView_->isColumnHidden(c));
      a->setEnabled(c != RunsModel::Name);
      connect(a, &QAction::toggled, this, [this, c, fitter](bool on) {
        runsView_->setColumnHidden(c, !on);
        fitter->fit();
      });
    }
    menu.exec(header->mapToGlobal(at));
  });
}

RunSession* MainWindow::selectedRun() const {
  const auto rows = runsView_->selectionModel()->selectedRows();
  return rows.isEmpty() ? nullptr : runsModel_->runAt(rows.first().row());
}

void MainWindow::showRunsMenu(const QPoint& pos) {
  const QModelIndex index = runsView_->indexAt(pos);
  if (!index.isValid()) return;
  RunSession* run = runsModel_->runAt(index.row());
  TrainerProcess* t = trainers_.value(run);
  const bool active = t && t->isActive();
  QMenu menu(this);
  menu.addAction(tr("Stop (SIGTERM)"), this, [this, run] { stopRun(run); })->setEnabled(active);
  menu.addAction(tr("Kill (SIGKILL)"), this, [this, run] { killRun(run); })->setEnabled(active);
  menu.addAction(tr("Resume"), this, [this, run] { resumeRun(run); })->setEnabled(!active);
  if (RunAttachment* a = attachments_.value(run)) {
    if (a->isAttached()) menu.addAction(tr("Detach (the run goes on)"), this, [this, run] { detachRun(run); });
    else menu.addAction(tr("Attach again"), a, &RunAttachment::attach);
  } else if (const auto spec = LaunchSpecFile::load(run->runDir()); spec && spec->kind == LaunchSpec::Kind::Ssh) {
    menu.addAction(tr("Attach (follow it)"), this, [this, spec] { attachToRun(*spec); })->setEnabled(!active);
  }
  menu.addSeparator();
  menu.addAction(tr("Tags and note…"), this, [this, run] { editRunNotes(run); });
  addCompareMenu(menu, run);
  menu.addSeparator();
  menu.addAction(tr("Evaluate checkpoint…"), this, [this, run] { evaluateCheckpoint(run); })
      ->setEnabled(!RunCheckpoints::list(run->runDir()).isEmpty());
  menu.addSeparator();
  menu.addAction(tr("Close run"), this, [this, run] { closeRun(run); });
  menu.exec(runsView_->viewport()->mapToGlobal(pos));
}

void MainWindow::showDocumentQa() {
  centre_->setCurrentWidget(documentQa_);
  if (!documentQa_->hasDocument()) documentQa_->chooseDocument();
}

void MainWindow::chooseRunToOpen() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open run directory"));
  if (!dir.isEmpty()) openRun(dir);
}

void MainWindow::chooseRunToAttach() {
  AttachDialog dialog(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/attached"),
                      this);
  ScreenFit::resize(&dialog, QSize(640, 320));
  if (dialog.exec() != QDialog::Accepted) return;
  QString error;
  const LaunchSpec spec = dialog.spec(&error);
  if (!error.isEmpty()) showMessage(tr("Cannot attach: %1").arg(error), true);
  else attachToRun(spec);
}

RunSession* MainWindow::attachToRun(const LaunchSpec& spec) {
  if (spec.kind == LaunchSpec::Kind::Local) return openRun(spec.localRunDir);
  for (RunSession* r : runsModel_->runs())
    if (r->runDir() == QFileInfo(spec.localRunDir).absoluteFilePath() && attachments_.value(r)) {
      attachments_.value(r)->attach();
      return r;
    }
  if (!QDir().mkpath(spec.localRunDir)) {
    showMessage(tr("Cannot attach: cannot create the mirror directory %1").arg(spec.localRunDir), true);
    return nullptr;
  }
  if (const QString error = LaunchSpecFile::save(spec); !error.isEmpty()) showMessage(error, true);
  RunSession* run = openRun(spec.localRunDir);
  if (!run) return nullptr;
  auto* attachment = new RunAttachment(spec, this);
  attachments_.insert(run, attachment);
  connect(attachment, &RunAttachment::message, this, [this, run](const QString& text, bool error) {
    showMessage(run->name() + QStringLiteral(": ") + text, error);
  });
  attachment->attach();
  return run;
}

void MainWindow::editRunNotes(RunSession* run) {
  RunNotesDialog dialog(run->name(), runsModel_->notes(run), this);
  if (dialog.exec() == QDialog::Accepted) setRunNotes(run, dialog.notes());
}

void MainWindow::setRunNotes(RunSession* run, const RunNotes& notes) {
  if (const QString error = notes.save(run->runDir()); !error.isEmpty()) {
    showMessage(tr("%1: tags and note not saved: %2").arg(run->name(), error), true);
    return;
  }
  runsModel_->setNotes(run, notes);
}

void MainWindow::addCompareMenu(QMenu& menu, RunSession* run) {
  menu.addAction(tr("Config…"), this, [this, run] { compareConfigs(run); });
  QMenu* with = menu.addMenu(tr("Compare config with"));
  for (RunSession* other : runsModel_->runs())
    if (other != run) with->addAction(other->name(), this, [this, run, other] { compareConfigs(run, other); });
  with->setEnabled(runsModel_->runs().size() > 1);
}

CompareRunsDialog* MainWindow::compareConfigs(RunSession* a, RunSession* b) {
  const auto runs = runsModel_->runs();
  QStringList dirs, names;
  for (RunSession* r : runs) dirs << r->runDir(), names << r->name();
  auto* dialog = new CompareRunsDialog(dirs, names, int(runs.indexOf(a)), b ? int(runs.indexOf(b)) : -1, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  ScreenFit::resize(dialog, QSize(900, 600));
  dialog->show();
  return dialog;
}

void MainWindow::detachRun(RunSession* run) {
  if (RunAttachment* a = attachments_.value(run)) a->detach();
}

void MainWindow::closeSelectedRun() { closeRun(selectedRun()); }

QString MainWindow::messagesText() const { return messages_->toPlainText(); }

void MainWindow::showMessage(const QString& text, bool error) {
  const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
  const QString line = stamp + ' ' + text.toHtmlEscaped().replace('\n', QStringLiteral("<br>"));
  appendMessageHtml(error ? QStringLiteral("<span style='color:#b00'>%1</span>").arg(line) : line);
  statusBar()->showMessage(text, 8000);
}

// "12:00:01 run-a: ⚠ step 17: actor/grad_norm is NaN  show chart", the last words a link.
void MainWindow::showAlert(RunSession* run, const viewers::RunAlert& alert) {
  const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
  const QString text = QStringLiteral("%1: ⚠ %2").arg(run->name(), alert.message);
  QString html = QStringLiteral("<span style='color:#a65a00'>%1 %2</span>").arg(stamp, text.toHtmlEscaped());
  if (!alert.metric.isEmpty()) {
    QUrl url;
    url.setScheme(kChartScheme);
    url.setPath(alert.metric);
    url.setQuery(QUrlQuery({{QStringLiteral("step"), QString::number(alert.step)}}));
    html += QStringLiteral("&nbsp;&nbsp;<a href=\"%1\">show %2</a>")
                .arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(), alert.metric.toHtmlEscaped());
  }
  appendMessageHtml(html);
  statusBar()->showMessage(text, 8000);
}

// Each message its own paragraph with fresh formats (a link's format does not run on into the
// next); spaces kept as written; the view follows new lines unless scrolled up.
void MainWindow::appendMessageHtml(const QString& html) {
  QScrollBar* bar = messages_->verticalScrollBar();
  const bool atEnd = bar->value() >= bar->maximum();
  QTextCursor cursor(messages_->document());
  cursor.movePosition(QTextCursor::End);
  if (!messages_->document()->isEmpty()) cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
  cursor.insertHtml(QStringLiteral("<span style='white-space:pre-wrap'>%1</span>").arg(html));
  if (atEnd) bar->setValue(bar->maximum());
}

void MainWindow::openMessageLink(const QUrl& url) {
  if (url.scheme() != kChartScheme) return;
  const QString metric = url.path(QUrl::FullyDecoded);
  if (metric.isEmpty()) return;
  centre_->setCurrentWidget(charts_);
  charts_->showChart(metric);
}

void MainWindow::restoreSettings() {
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  ScreenFit::clampToScreen(this);  // saved on a larger screen, or on one no longer there
  // Settings written before charts/defaults existed count every current default as new.
  charts_->setChartMetrics(
      viewers::ChartsPanel::restoredMetrics(settings.value(QStringLiteral("charts/metrics")).toStringList(),
                                            settings.value(QStringLiteral("charts/defaults")).toStringList()));
  charts_->setViewSettings({settings.value(QStringLiteral("charts/x_axis")).toString(),
                            settings.value(QStringLiteral("charts/smoothing")).toString(),
                            settings.value(QStringLiteral("charts/smoothing_value")).toDouble(),
                            settings.value(QStringLiteral("charts/align_phase"), -1).toInt()});
}

void MainWindow::saveSettings() const {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  settings.setValue(QStringLiteral("charts/metrics"), charts_->chartMetrics());
  settings.setValue(QStringLiteral("charts/defaults"), viewers::ChartsPanel::defaultMetrics());
  const auto view = charts_->viewSettings();
  settings.setValue(QStringLiteral("charts/x_axis"), view.xAxis);
  settings.setValue(QStringLiteral("charts/smoothing"), view.smoothing);
  settings.setValue(QStringLiteral("charts/smoothing_value"), view.smoothingValue);
  settings.setValue(QStringLiteral("charts/align_phase"), view.alignPhase);
  QStringList open;
  for (RunSession* r : runsModel_->runs()) open << r->runDir();
  settings.setValue(QStringLiteral("runs/open"), open);
}

QStringList MainWindow::savedOpenRuns() const { return QSettings().value(QStringLiteral("runs/open")).toStringList(); }

int MainWindow::reopenRuns(const QStringList& runDirs) {
  int opened = 0;
  for (const QString& dir : runDirs) {
    if (!QFileInfo(dir).isDir()) {
      showMessage(tr("Not reopening %1: the run directory no longer exists").arg(dir));
      continue;
    }
    if (openRun(dir)) ++opened;
  }
  return opened;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveSettings();
  event->accept();
}

}  // namespace longrl::ui
