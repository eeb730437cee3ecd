#pragma once
#include <QByteArray>
#include <QDialog>
#include <QString>

#include <functional>
#include <vector>

#include "core/config/RunConfig.h"
#include "ui/launch/FieldErrors.h"
#include "ui/launch/LaunchSpec.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace longrl::ui {

class LaunchTargetWidget;
class MemoryPlanLine;
class PhasesModel;
class PrecisionMemoryGroup;

// File > New run…: edits a run configuration (model, datasets, curriculum phases, GRPO knobs,
// judge) and where to launch it. Validation is RunConfig's own (the CLI says the same), shown in
// red under each field; Start stays disabled while anything is invalid. Fields the form does not
// show keep the values of the loaded config (or the defaults). The judge group says which
// variable's value goes to which URL, and Start asks first when that variable is not named like a
// key (JudgeKeyConsent).
class RunLauncherDialog : public QDialog {
  Q_OBJECT
 public:
  explicit RunLauncherDialog(QWidget* parent = nullptr);

  void setConfig(const config::RunConfig& config);
  // The config as edited; parse issues (a number field holding text) are in issues().
  config::RunConfig config() const;
  QByteArray configJson() const;
  LaunchSpec launchSpec() const;
  void setLaunchSpec(const LaunchSpec& spec);

  // Loads a config JSON file into the form; false (with the cause shown) when it cannot be used.
  bool loadFile(const QString& path);
  bool saveFile(const QString& path);

  std::vector<config::ConfigIssue> issues() const { return issues_; }
  bool canStart() const { return issues_.empty(); }
  // The red text under a field ("grpo.lr", "phases", "launch.run_dir", ...), for tests.
  QString errorText(const QString& path) const { return errors_.text(path); }
  QString generalErrorText() const;
  PhasesModel* phasesModel() const { return phases_; }
  // The memory plan line under the form (what one rank needs, and whether it fits).
  MemoryPlanLine* memoryPlan() const { return plan_; }
  QLineEdit* field(const QString& path) const;
  // Answers the question Start asks before the judge's API key variable goes out under a name not
  // like a key's (JudgeKeyConsent); by default a message box. For tests.
  void setConsentPrompt(std::function<bool(const QString& question)> ask) { askConsent_ = std::move(ask); }

 public Q_SLOTS:
  void revalidate();

 private:
  struct Knob {
    QString path;
    QLineEdit* edit;
    bool integer;
    std::function<double(const config::RunConfig&)> get;
    std::function<void(config::RunConfig&, double)> set;
  };
  QWidget* buildModelGroup();
  QWidget* buildPhasesGroup();
  QWidget* buildGrpoGroup();
  QWidget* buildJudgeGroup();
  QWidget* buildLaunchGroup();
  QWidget* fieldWithError(QWidget* field, const QString& path);
  QLineEdit* lineEdit(const QString& path);
  config::RunConfig readForm(std::vector<config::ConfigIssue>* parseIssues) const;
  void tryStart();
  void chooseAndLoad();
  void chooseAndSave();

  config::RunConfig base_;  // everything the form does not edit
  FieldErrors errors_;
  std::vector<Knob> knobs_;
  std::vector<config::ConfigIssue> issues_;
  QLineEdit *modelPath_, *judgeUrl_, *judgeModel_, *judgeKeyEnv_;
  QLabel* judgeSummary_;
  QString consented_;  // the variable and URL the user agreed to send, "VAR\nURL"
  std::function<bool(const QString&)> askConsent_;
  QPlainTextEdit* datasets_;
  QCheckBox* judgeEnabled_;
  PhasesModel* phases_;
  QTableView* phasesView_;
  LaunchTargetWidget* target_;
  QLabel* general_;
  MemoryPlanLine* plan_;
  PrecisionMemoryGroup* precision_ = nullptr;
  QPushButton* start_;
  bool loading_ = false;
};

}  // namespace longrl::ui
