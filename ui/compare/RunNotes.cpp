#include "ui/compare/RunNotes.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

namespace longrl::ui {

QStringList RunNotes::parseTags(const QString& text) {
  static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
  QStringList out;
  for (QString t : text.split(separators, Qt::SkipEmptyParts)) {
    while (t.startsWith('#')) t.remove(0, 1);
    if (!t.isEmpty() && !out.contains(t)) out << t;
  }
  return out;
}

RunNotes RunNotes::load(const QString& runDir, QString* error) {
  RunNotes n;
  QFile f(QDir(runDir).filePath(QString::fromLatin1(kFileName)));
  if (!f.exists()) return n;
  if (!f.open(QIODevice::ReadOnly)) {
    if (error) *error = f.fileName() + QStringLiteral(": ") + f.errorString();
    return n;
  }
  QJsonParseError parse;
  const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &parse);
  if (parse.error != QJsonParseError::NoError || !doc.isObject()) {
    if (error) *error = f.fileName() + QStringLiteral(": not a JSON object (") + parse.errorString() + ')';
    return n;
  }
  for (const auto& t : doc.object().value(QStringLiteral("tags")).toArray()) n.tags << t.toString();
  n.tags = parseTags(n.tags.join(','));
  n.note = doc.object().value(QStringLiteral("note")).toString();
  return n;
}

QString RunNotes::save(const QString& runDir) const {
  QSaveFile f(QDir(runDir).filePath(QString::fromLatin1(kFileName)));
  const QJsonObject o{{QStringLiteral("tags"), QJsonArray::fromStringList(tags)}, {QStringLiteral("note"), note}};
  if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(o).toJson()) < 0 || !f.commit())
    return f.fileName() + QStringLiteral(": ") + f.errorString();
  return {};
}

}  // namespace longrl::ui
