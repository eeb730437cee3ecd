#pragma once
#include <QDialog>

#include "ui/eval/EvalRequest.h"
#include "ui/eval/RunCheckpoints.h"
#include "ui/launch/LaunchSpec.h"

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace longrl::ui {

class EvalProcess;
class EvalTableModel;

// "Evaluate checkpoint…" of a run: pick one of its checkpoints, a dataset, k and optionally an LLM
// judge; runs `longrl eval --json` (EvalProcess), shows its progress, then the papers' table per
// data source (EvalTableModel). The data file and the judge start from the run's config.json
// (dataset.val, reward.judge) when it has them. A finished evaluation is saved with what was
// evaluated as RUN_DIR/evals/step-N-LABEL.json (EvalResults), for the Checkpoints tab.
// For an ssh run (setRemote), RUN_DIR is its local mirror: the checkpoints and the data file are
// the host's, the evaluation runs there, and its result is saved in the mirror.
class EvalCheckpointDialog : public QDialog {
  Q_OBJECT
 public:
  // program: the longrl executable.
  EvalCheckpointDialog(const QString& runDir, const QString& program, QWidget* parent = nullptr);

  EvalRequest request() const;
  EvalTableModel* model() const { return model_; }
  EvalProcess* process() const { return process_; }
  // The run is on this ssh host, with these checkpoints there (RemoteCheckpoints' listing).
  void setRemote(const LaunchSpec& spec, const QList<RunCheckpoints::Entry>& checkpoints);
  // Picks the checkpoint of this step; false when the run has none such.
  bool selectStep(qint64 step);
  // Where the last finished evaluation was saved (RUN_DIR/evals/step-N[-label].json); "" before.
  QString savedResult() const { return savedResult_; }

 public Q_SLOTS:
  void startEvaluation();

 Q_SIGNALS:
  // A finished evaluation's report was saved under the run directory (EvalResults).
  void resultSaved(const QString& path);

 private:
  QWidget* buildForm();
  void prefillFromRunConfig(const QString& runDir);
  void chooseDataFile();
  void setCheckpoints(const QList<RunCheckpoints::Entry>& checkpoints);
  void setRunning(bool running);
  void showReport();
  void showFailure(const QString& why);
  // Saves the report with what was evaluated; "" or the error.
  QString saveResult(QString* path);

  QComboBox* checkpoint_;
  QLineEdit* dataFile_;
  QPushButton* browse_;
  QSpinBox* k_;
  QSpinBox* maxNewTokens_;
  QSpinBox* limit_;
  QGroupBox* judge_;
  QLineEdit* judgeUrl_;
  QLineEdit* judgeModel_;
  QLineEdit* judgeApiKey_;
  QString judgeApiKeyEnv_;
  QPushButton* evaluate_;
  QPushButton* stop_;
  QProgressBar* progress_;
  QLabel* status_;
  QLabel* summary_;
  QTableView* table_;
  EvalTableModel* model_;
  EvalProcess* process_;
  QString runDir_;
  bool remote_ = false;
  EvalRequest started_;  // what the running evaluation was asked
  qint64 startedStep_ = -1;
  QString savedResult_;
};

}  // namespace longrl::ui
