#include "ui/checkpoints/CheckpointInfo.h"

#include "core/cli/RunCheckpointListing.h"

namespace longrl::ui {

QList<CheckpointInfo> CheckpointInfo::scan(const QString& runDir, QString* storeError) {
  std::string error;
  QList<CheckpointInfo> out;
  for (const auto& c : cli::RunCheckpointListing::checkpointsIn(runDir.toStdString(), &error)) {
    CheckpointInfo info;
    info.step = c.step;
    info.dir = QString::fromStdString(c.dir);
    info.phase = QString::fromStdString(c.phase);
    info.bytes = static_cast<qint64>(c.bytes);
    info.savedAt = QDateTime::fromString(QString::fromStdString(c.savedAt), Qt::ISODate).toLocalTime();
    out.push_back(info);
  }
  if (storeError && !error.empty()) *storeError = QString::fromStdString(error);
  return out;
}

}  // namespace longrl::ui
