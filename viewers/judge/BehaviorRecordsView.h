#pragma once
#include <QString>
#include <QWidget>

#include <vector>

#include "core/behavior/BehaviorRecord.h"
#include "core/store/RolloutBehaviorRecord.h"

class QLabel;
class QPlainTextEdit;

namespace longrl::viewers {

// One classifier's latest behaviour record of a rollout, as shown.
struct ShownBehavior {
  behavior::BehaviorRecord record;
  int revision = 0;
  QString problem;  // the stored JSON could not be read (the record is then empty but for its classifier)
};

// The reasoning-behaviour records of one rollout in the judge panel: per classifier (named) its
// counts, grounding share and revision; for the LLM judge its raw reply as received and its error
// when it failed (shown as an error: its counts are not figures).
class BehaviorRecordsView : public QWidget {
  Q_OBJECT
 public:
  explicit BehaviorRecordsView(QWidget* parent = nullptr);

  // The latest revision of each classifier among a rollout's stored rows
  // (RunStoreReader::rolloutBehaviors), "rule" first.
  static std::vector<ShownBehavior> latest(const std::vector<store::RolloutBehaviorRecord>& rows);

  void setRecords(const std::vector<ShownBehavior>& records);
  void clear();

  QString summaryText() const;  // the counts line(s), rich text
  QString rawReplyText() const;
  bool showsRawReply() const;

 private:
  QLabel* summary_;
  QLabel* replyTitle_;
  QPlainTextEdit* reply_;
};

}  // namespace longrl::viewers
