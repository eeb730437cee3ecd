#pragma once
#include <QDateTime>
#include <QFileSystemWatcher>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <optional>

#include "ui/checkpoints/RemoteCheckpoints.h"
#include "ui/launch/LaunchSpec.h"

class QLabel;
class QPushButton;
class QTableView;

namespace longrl::ui {

class CheckpointsModel;
class EvalAccuracyChart;
class EvalCheckpointDialog;
class ServeBar;

// The "Checkpoints" tab: the selected run's checkpoints (CheckpointsModel: step, phase, size, saved
// time, the latest evaluation's accuracies) with a chart of evaluation accuracy against step
// (EvalAccuracyChart), and what to do with the selected one: Evaluate… (EvalCheckpointDialog; its
// result is saved under RUN_DIR/evals and shows here), Ask in Document QA (askInDocumentQa), Serve
// (ServeBar: a `longrl serve` child process with its URL). The run directory is watched, so new
// checkpoints and evaluations appear as they are written.
// A run over ssh has its checkpoints on its host, not in the local mirror: the panel lists them
// there (RemoteCheckpoints, on opening, on Refresh and every minute while shown), evaluates them
// there (the result is saved in the mirror), serves them there through an ssh tunnel, and asks
// Document QA through that server. A template run's checkpoints are listed where a shared
// filesystem shows its run directory; otherwise the panel says where they are.
class CheckpointsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit CheckpointsPanel(QWidget* parent = nullptr);
  ~CheckpointsPanel() override;

  // The `longrl` program that evaluates and serves.
  void setLongrlProgram(const QString& program);
  // Shows this run ("" for none). A checkpoint being served keeps serving.
  void setRunDir(const QString& runDir);
  QString runDir() const { return runDir_; }
  // The run is closing: stops serving its checkpoint and stops showing it.
  void runClosed(const QString& runDir);
  void refresh();

  // Where the checkpoints are read from.
  enum class Source { None, Local, Ssh, Unreachable };
  Source source() const { return source_; }
  bool isRemote() const { return source_ == Source::Ssh || source_ == Source::Unreachable; }
  bool isListing() const { return lister_->isListing(); }
  QString noticeText() const;                         // what the panel says instead of (or above) the table
  QStringList problems() const { return problems_; }  // evaluation files skipped as damaged
  qint64 selectedStep() const;                        // -1 when none is selected
  bool selectStep(qint64 step);

  // The actions on the selected checkpoint (nothing happens without one).
  EvalCheckpointDialog* evaluateSelected();
  void askSelectedInDocumentQa();
  void serveSelected();

  CheckpointsModel* model() const { return model_; }
  QTableView* view() const { return view_; }
  EvalAccuracyChart* chart() const { return chart_; }
  ServeBar* serveBar() const { return serveBar_; }

 Q_SIGNALS:
  // "Ask in Document QA": ask questions of this checkpoint (a model directory).
  void askInDocumentQa(const QString& checkpointDir);
  // The same for a checkpoint on an ssh host: it is served there, and asked at this URL.
  void askEndpointInDocumentQa(const QString& baseUrl, const QString& modelName);
  void refreshed();

 private:
  QWidget* buildActions();
  void chooseSource();
  void fill();
  void onListed(const RemoteCheckpoints::Listing& listing);
  void onServeStateChanged();
  QString notice(bool empty) const;
  QString sshNotice(bool empty) const;
  QString unreachableNotice() const;
  void watchRunDir();
  void showProblems();
  void updateActions();
  QString selectedDir() const;

  QString program_;
  QString runDir_;
  Source source_ = Source::None;
  QString scanDir_;  // Local: the run directory, or a template run's directory on a shared filesystem
  std::optional<LaunchSpec> spec_;
  RemoteCheckpoints* lister_;
  std::optional<RemoteCheckpoints::Listing> listing_;  // the latest, once there is one
  QString listError_;
  QDateTime listedAt_;
  QTimer relist_;
  QString askPending_;
  QString servedRun_;  // the run whose checkpoint the serve bar serves (it goes when that run closes)  // a remote
                       // checkpoint to ask in Document QA once it is served
  QStringList problems_;
  QString storeError_;  // the run store could not be read for the phases
  QLabel* notice_;
  QLabel* problemsLabel_;
  QWidget* content_;
  QPushButton* evaluate_;
  QPushButton* ask_;
  QPushButton* serve_;
  ServeBar* serveBar_;
  QTableView* view_;
  CheckpointsModel* model_;
  EvalAccuracyChart* chart_;
  QFileSystemWatcher watcher_;
  QTimer refreshSoon_;  // file changes come in bursts (a checkpoint is many files)
};

}  // namespace longrl::ui
