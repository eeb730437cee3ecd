#pragma once
#include <QByteArray>
#include <QHash>
#include <QMainWindow>
#include <QStringList>

class QDockWidget;
class QMenu;
class QTableView;
class QTabWidget;
class QTextBrowser;
class QUrl;

namespace longrl::viewers {
class ChartsPanel;
class RunSession;
struct RunAlert;
}  // namespace longrl::viewers

namespace longrl::ui {

class AnnotationSyncThread;
class CheckpointsPanel;
class CompareRunsDialog;
struct RunNotes;
class DocumentQaPanel;
class EvalCheckpointDialog;
class RunsModel;
class RolloutsWorkspace;
class RunAttachment;
class TrainerProcess;
struct LaunchSpec;

// longrl-studio's main window: runs list (left dock), charts (centre), messages (bottom dock).
// A run's alerts (RunAlerts) come to Messages with a link that shows the metric's chart.
// Layout, charts and the open runs persist in QSettings: longrl-studio reopens the runs that were
// open when it closed unless run directories are given on its command line.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a run directory (one holding run.sqlite, or that will once its trainer starts).
  viewers::RunSession* openRun(const QString& runDir, const QString& location = QStringLiteral("local"));
  void closeRun(viewers::RunSession* run);
  // Starts a trainer (local, ssh or template) and opens its run directory (for a remote run: the
  // local mirror). Trainer messages and failures go to the Messages dock and the run's status.
  viewers::RunSession* launchRun(const LaunchSpec& spec, const QByteArray& configJson);
  TrainerProcess* trainerFor(viewers::RunSession* run) const { return trainers_.value(run, nullptr); }
  // A remote run's label delivery (nullptr for a local run).
  AnnotationSyncThread* annotationSyncFor(viewers::RunSession* run) const { return syncs_.value(run, nullptr); }
  // Follows a run this studio did not start: a local directory is opened in place; an ssh one is
  // mirrored with `longrl follow` (RunAttachment) into spec.localRunDir, labels delivered as for
  // a launched run. Returns the open run, or nullptr (the reason in Messages).
  viewers::RunSession* attachToRun(const LaunchSpec& spec);
  RunAttachment* attachmentFor(viewers::RunSession* run) const { return attachments_.value(run, nullptr); }
  // Saves a run's tags and note beside it and shows them in the runs list.
  void setRunNotes(viewers::RunSession* run, const RunNotes& notes);
  // The runs' configs side by side (b nullptr: a's config alone); non-modal, deleted on close.
  CompareRunsDialog* compareConfigs(viewers::RunSession* a, viewers::RunSession* b = nullptr);
  // Stops following (the run goes on).
  void detachRun(viewers::RunSession* run);
  void stopRun(viewers::RunSession* run);
  void killRun(viewers::RunSession* run);
  // Relaunches with --resume: the run's trainer, or for a run opened from disk a local trainer
  // with the run directory's config.json.
  void resumeRun(viewers::RunSession* run);
  // Opens the "Evaluate checkpoint" dialog for the run (non-modal, deleted on close).
  EvalCheckpointDialog* evaluateCheckpoint(viewers::RunSession* run);
  QString messagesText() const;
  void restoreSettings();
  void saveSettings() const;
  // The run directories that were open when the settings were last saved (at close).
  QStringList savedOpenRuns() const;
  // Opens these run directories; one that no longer exists is skipped with a message. Returns
  // how many it opened.
  int reopenRuns(const QStringList& runDirs);

  RunsModel* runsModel() const { return runsModel_; }
  viewers::ChartsPanel* charts() const { return charts_; }
  RolloutsWorkspace* rollouts() const { return rollouts_; }
  DocumentQaPanel* documentQa() const { return documentQa_; }
  CheckpointsPanel* checkpoints() const { return checkpoints_; }
  // Brings the Document QA tab forward (asking for a document when none is open).
  void showDocumentQa();

 public Q_SLOTS:
  void showMessage(const QString& text, bool error = false);
  void showAlert(viewers::RunSession* run, const viewers::RunAlert& alert);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildCentre();
  QDockWidget* buildRunsDock();
  QDockWidget* buildMessagesDock();
  void buildMenus(QDockWidget* runsDock, QDockWidget* messagesDock);
  void chooseRunToOpen();
  void chooseRunToAttach();
  void editRunNotes(viewers::RunSession* run);
  void addCompareMenu(QMenu& menu, viewers::RunSession* run);
  void closeSelectedRun();
  void newRun();
  void attachTrainer(viewers::RunSession* run, TrainerProcess* trainer);
  void startAnnotationSync(viewers::RunSession* run, const LaunchSpec& spec);
  void showInWorkspace(viewers::RunSession* run);
  static QString localLongrl();
  void showRunsMenu(const QPoint& pos);
  void appendMessageHtml(const QString& html);
  void openMessageLink(const QUrl& url);
  void fitRunsColumns();
  viewers::RunSession* selectedRun() const;

  RunsModel* runsModel_;
  QTableView* runsView_;
  QTabWidget* centre_;
  viewers::ChartsPanel* charts_;
  RolloutsWorkspace* rollouts_;
  CheckpointsPanel* checkpoints_;
  DocumentQaPanel* documentQa_;
  QTextBrowser* messages_;
  QHash<viewers::RunSession*, TrainerProcess*> trainers_;
  QHash<viewers::RunSession*, AnnotationSyncThread*> syncs_;
  QHash<viewers::RunSession*, RunAttachment*> attachments_;
  QList<QMetaObject::Connection> workspaceLinks_;  // the shown run's signals to the workspace
};

}  // namespace longrl::ui
