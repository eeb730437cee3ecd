#pragma once
#include <QFileSystemWatcher>
#include <QStringList>
#include <QTimer>
#include <QWidget>

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
// A remote run's checkpoints are on its host, not in the local mirror: the panel says where and
// lists nothing.
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

  bool isRemote() const { return remote_; }
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
  void refreshed();

 private:
  QWidget* buildActions();
  QString remoteNotice() const;
  void watchRunDir();
  void showProblems();
  void updateActions();
  QString selectedDir() const;

  QString program_;
  QString runDir_;
  bool remote_ = false;
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
