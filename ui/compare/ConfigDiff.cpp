#include "ui/compare/ConfigDiff.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <map>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"

namespace longrl::ui {
namespace {

QString text(const QJsonValue& v) {
  if (v.isString())
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
  if (v.isNull() || v.isUndefined()) return QStringLiteral("null");
  if (v.isBool()) return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
  if (v.isDouble()) return QString::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
  const QJsonDocument d = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
  return QString::fromUtf8(d.toJson(QJsonDocument::Compact));  // an empty array or object
}

// Leaves keyed by dotted path; arrays of numbers or strings are one leaf (e.g. dataset.train);
// array indexes are two digits so that phases[02] sorts before phases[10].
void flatten(const QJsonValue& v, const QString& path, std::map<QString, QString>& out) {
  if (v.isObject() && !v.toObject().isEmpty()) {
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it)
      flatten(it.value(), path.isEmpty() ? it.key() : path + '.' + it.key(), out);
  } else if (v.isArray() && !v.toArray().isEmpty() && v.toArray().first().isObject()) {
    const QJsonArray a = v.toArray();
    for (int i = 0; i < a.size(); ++i)
      flatten(a[i], path + QStringLiteral("[%1]").arg(i, 2, 10, QLatin1Char('0')), out);
  } else {
    out[path] = text(v);
  }
}

}  // namespace

QList<ConfigDiff::Row> ConfigDiff::compare(const QJsonValue& a, const QJsonValue& b) {
  std::map<QString, QString> fa, fb;
  flatten(a, {}, fa);
  flatten(b, {}, fb);
  std::map<QString, bool> keys;  // both sides' keys, sorted
  for (const auto& [k, v] : fa) keys[k] = true;
  for (const auto& [k, v] : fb) keys[k] = true;
  QList<Row> rows;
  for (const auto& [key, unused] : keys) {
    Row r;
    r.key = key;
    if (auto it = fa.find(key); it != fa.end()) r.a = it->second, r.inA = true;
    if (auto it = fb.find(key); it != fb.end()) r.b = it->second, r.inB = true;
    rows << r;
  }
  return rows;
}

// An attached run's mirror has no config.json: the run record it mirrored carries the config.
static QByteArray configFromStore(const QString& runDir) {
  try {
    const auto path = store::RunStore::fileIn(runDir.toStdString());
    if (!store::RunStore::isRunDir(runDir.toStdString())) return {};
    const auto runs = store::RunStoreReader(path).runs();
    return runs.empty() ? QByteArray() : QByteArray::fromStdString(runs.back().config_json);
  } catch (const std::exception&) {
    return {};
  }
}

QJsonValue ConfigDiff::readConfig(const QString& runDir, QString* error) {
  QFile f(QDir(runDir).filePath(QStringLiteral("config.json")));
  QByteArray bytes;
  if (f.open(QIODevice::ReadOnly)) bytes = f.readAll();
  else if (!f.exists()) bytes = configFromStore(runDir);
  if (bytes.isEmpty()) {
    if (error)
      *error = f.fileName() + QStringLiteral(": ") +
               (f.exists() ? f.errorString() : QStringLiteral("no such file, and the run store records no config"));
    return {};
  }
  QJsonParseError parse;
  const QJsonDocument d = QJsonDocument::fromJson(bytes, &parse);
  if (parse.error != QJsonParseError::NoError || !d.isObject()) {
    if (error) *error = f.fileName() + QStringLiteral(": not a JSON object (") + parse.errorString() + ')';
    return {};
  }
  return d.object();
}

}  // namespace longrl::ui
