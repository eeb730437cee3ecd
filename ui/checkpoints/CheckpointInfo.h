#pragma once
#include <QDateTime>
#include <QList>
#include <QString>

namespace longrl::ui {

// A complete checkpoint of a run (RunCheckpoints) with what the checkpoints table shows of it:
// its curriculum phase (from the run store's phases table), its size on disk and when it was saved.
struct CheckpointInfo {
  qint64 step = 0;
  QString dir;
  QString phase;  // the phase's name; empty when the store does not say
  qint64 bytes = 0;
  QDateTime savedAt;  // when trainer_state/state.json, written last, was written

  // The run's complete checkpoints, by step, as `longrl checkpoints` lists them
  // (cli::RunCheckpointListing::checkpointsIn); a store that cannot be read leaves the phases
  // empty and sets *storeError.
  static QList<CheckpointInfo> scan(const QString& runDir, QString* storeError = nullptr);
};

}  // namespace longrl::ui
