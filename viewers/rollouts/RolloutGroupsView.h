#pragma once
#include <QFutureWatcher>
#include <QWidget>

#include <vector>

#include "core/store/RolloutRecord.h"
#include "viewers/rollouts/RolloutGroupModel.h"

class QComboBox;
class QLabel;
class QSpinBox;
class QTreeView;

namespace longrl::viewers {

// The grouped views of the rollout browser. ByPrompt: the GRPO groups of one step (a step
// spinner, "latest" by default). ByStep: every rollout of one example across training steps.
// Rows are read on a worker thread with a reader of its own; a newer request wins.
class RolloutGroupsView : public QWidget {
  Q_OBJECT
 public:
  explicit RolloutGroupsView(RolloutGroupModel::Grouping grouping, QWidget* parent = nullptr);
  ~RolloutGroupsView() override;

  void setStorePath(const QString& storePath);
  // ByPrompt: show this step (-1: the latest). ByStep: show this example.
  void showStep(qint64 step);
  void showExample(const QString& exampleId);
  RolloutGroupModel* model() const { return model_; }
  QTreeView* view() const { return view_; }
  bool loading() const { return watcher_.isRunning(); }

 Q_SIGNALS:
  void rolloutActivated(qint64 rolloutId);
  void loaded();

 private:
  struct Result {
    std::vector<store::RolloutRecord> rows;
    std::vector<RolloutGroupModel::Behavior> behaviors;  // the rule classifier's, by row
    std::vector<std::string> examples;                   // ByStep: all example ids, for the picker
    qint64 step = -1, lastStep = -1;
    QString error;
  };
  void load();
  void onLoaded();

  RolloutGroupModel::Grouping grouping_;
  QString path_;
  qint64 step_ = -1;
  QString example_;
  QSpinBox* stepBox_ = nullptr;
  QComboBox* exampleBox_ = nullptr;
  QLabel* status_;
  QTreeView* view_;
  RolloutGroupModel* model_;
  QFutureWatcher<Result> watcher_;
  bool examplesListed_ = false;
};

}  // namespace longrl::viewers
