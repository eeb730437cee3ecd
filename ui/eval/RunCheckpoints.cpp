#include "ui/eval/RunCheckpoints.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace longrl::ui {

QList<RunCheckpoints::Entry> RunCheckpoints::list(const QString& runDir) {
  QList<Entry> out;
  const QDir dir(QDir(runDir).filePath(QStringLiteral("checkpoints")));
  for (const QString& name : dir.entryList({QStringLiteral("step-*")}, QDir::Dirs | QDir::NoDotAndDotDot)) {
    bool ok = false;
    const qint64 step = name.mid(5).toLongLong(&ok);
    if (!ok || !QFileInfo::exists(dir.filePath(name + QStringLiteral("/trainer_state/state.json")))) continue;
    out.push_back({step, QFileInfo(dir.filePath(name)).absoluteFilePath()});
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.step < b.step; });
  return out;
}

}  // namespace longrl::ui
