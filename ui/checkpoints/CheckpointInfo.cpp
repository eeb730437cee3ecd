#include "ui/checkpoints/CheckpointInfo.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include <vector>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "ui/eval/RunCheckpoints.h"

namespace longrl::ui {

namespace {

qint64 bytesUnder(const QString& dir) {
  qint64 total = 0;
  QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
  while (it.hasNext()) {
    it.next();
    total += it.fileInfo().size();
  }
  return total;
}

std::vector<store::PhaseInfo> phasesOf(const QString& runDir, QString* error) {
  const std::string path = store::RunStore::fileIn(runDir.toStdString());
  if (!QFileInfo::exists(QString::fromStdString(path))) return {};
  try {
    return store::RunStoreReader(path).phases();
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return {};
  }
}

// The phase a step belongs to: start_step <= step <= end_step (a running phase has no end yet).
QString phaseAt(const std::vector<store::PhaseInfo>& phases, qint64 step) {
  for (const auto& p : phases) {
    if (step < p.start_step || (p.end_step >= 0 && step > p.end_step)) continue;
    return p.name.empty() ? QStringLiteral("phase %1").arg(p.index) : QString::fromStdString(p.name);
  }
  return {};
}

}  // namespace

QList<CheckpointInfo> CheckpointInfo::scan(const QString& runDir, QString* storeError) {
  const auto phases = phasesOf(runDir, storeError);
  QList<CheckpointInfo> out;
  for (const auto& c : RunCheckpoints::list(runDir)) {
    CheckpointInfo info;
    info.step = c.step;
    info.dir = c.dir;
    info.phase = phaseAt(phases, c.step);
    info.bytes = bytesUnder(c.dir);
    info.savedAt = QFileInfo(QDir(c.dir).filePath(QStringLiteral("trainer_state/state.json"))).lastModified();
    out.push_back(info);
  }
  return out;
}

}  // namespace longrl::ui
