#include "ui/checkpoints/EvalResults.h"

#include <QDir>
#include <QFile>
#include <QObject>
#include <QSaveFile>

#include <algorithm>

namespace longrl::ui {

QString EvalResults::save(const QString& runDir, const EvalResult& result, QString* path) {
  const QDir dir(QDir(runDir).filePath(QString::fromLatin1(kDirName)));
  if (!QDir().mkpath(dir.path())) return QObject::tr("cannot create the directory %1").arg(dir.path());
  const QString file = dir.filePath(result.fileName());
  if (path) *path = file;
  QSaveFile out(file);
  if (!out.open(QIODevice::WriteOnly)) return QObject::tr("cannot write %1: %2").arg(file, out.errorString());
  out.write(QByteArray::fromStdString(result.toJson().dump(2) + "\n"));
  if (!out.commit()) return QObject::tr("cannot write %1: %2").arg(file, out.errorString());
  return {};
}

namespace {
// One file's result; throws std::runtime_error saying why it cannot be read.
EvalResult readFile(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) throw std::runtime_error(f.errorString().toStdString());
  // A parse error names the line and column.
  EvalResult r = EvalResult::fromJson(nlohmann::json::parse(f.readAll().toStdString()));
  r.path = path;
  return r;
}
}  // namespace

EvalResults::Loaded EvalResults::load(const QString& runDir) {
  Loaded out;
  const QDir dir(QDir(runDir).filePath(QString::fromLatin1(kDirName)));
  for (const QString& name : dir.entryList({QStringLiteral("step-*.json")}, QDir::Files, QDir::Name)) {
    const QString path = dir.filePath(name);
    try {
      out.results.push_back(readFile(path));
    } catch (const std::exception& e) {
      out.problems << QStringLiteral("%1: %2").arg(path, QString::fromUtf8(e.what()));
    }
  }
  std::stable_sort(out.results.begin(), out.results.end(), [](const EvalResult& a, const EvalResult& b) {
    return a.step != b.step ? a.step < b.step : a.evaluatedAt < b.evaluatedAt;
  });
  return out;
}

QMap<qint64, EvalResult> EvalResults::latestByStep(const QList<EvalResult>& results) {
  QMap<qint64, EvalResult> latest;
  for (const EvalResult& r : results)
    if (auto it = latest.find(r.step); it == latest.end() || it->evaluatedAt <= r.evaluatedAt) latest[r.step] = r;
  return latest;
}

}  // namespace longrl::ui
