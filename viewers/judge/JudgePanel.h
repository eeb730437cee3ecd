#pragma once
#include <QWidget>

#include <optional>

#include "core/store/ExampleRecord.h"
#include "core/store/RolloutRecord.h"
#include "viewers/judge/BehaviorRecordsView.h"

class QLabel;
class QPlainTextEdit;

namespace longrl::viewers {

// How one rollout was rewarded: the rule score and how the answer was extracted (recomputed with
// core's RewardRouter for the method text), the exact prompt sent to the LLM judge, its raw reply,
// the parsed verdict and the final reward. A judge error is shown as an error (red, with its
// message), never as a "no". Below, the rollout's reasoning-behaviour records (BehaviorRecordsView).
class JudgePanel : public QWidget {
  Q_OBJECT
 public:
  explicit JudgePanel(QWidget* parent = nullptr);

  // `rollout` must carry its long text (response, judge prompt and reply).
  void setRollout(const store::RolloutRecord& rollout, const std::optional<store::ExampleRecord>& example);
  void clear(const QString& message = {});
  // The latest behaviour record of each classifier (BehaviorRecordsView::latest).
  void setBehaviors(const std::vector<ShownBehavior>& records);
  BehaviorRecordsView* behaviors() const { return behaviors_; }

  // For tests and screenshots.
  QString verdictText() const;
  bool showsError() const { return showsError_; }
  QString ruleText() const;
  QString finalText() const;
  QString promptText() const;
  QString replyText() const;
  // The error line under the verdict; empty while it is hidden.
  QString errorText() const;

 private:
  QLabel* reward_;
  QLabel* rule_;
  QLabel* extraction_;
  QLabel* verdict_;
  QLabel* final_;
  QPlainTextEdit* prompt_;
  QPlainTextEdit* reply_;
  BehaviorRecordsView* behaviors_;
  bool showsError_ = false;
  QString errorText_;
};

}  // namespace longrl::viewers
