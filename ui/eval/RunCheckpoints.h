#pragma once
#include <QList>
#include <QString>

namespace longrl::ui {

// The complete checkpoints of a run directory, as the trainer's CheckpointStore lists them:
// checkpoints/step-N/ holding trainer_state/state.json (written last, so its presence marks a
// complete checkpoint; a .tmp-step-N being written is not one). By step, ascending.
class RunCheckpoints {
 public:
  struct Entry {
    qint64 step = 0;
    QString dir;  // absolute; an HF-layout model directory `longrl eval --model` reads
  };
  static QList<Entry> list(const QString& runDir);
};

}  // namespace longrl::ui
