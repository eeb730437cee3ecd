#include "ui/launch/LaunchSpecFile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace longrl::ui {
namespace {

const char* kindName(LaunchSpec::Kind k) {
  return k == LaunchSpec::Kind::Ssh ? "ssh" : k == LaunchSpec::Kind::Template ? "template" : "local";
}

}  // namespace

QString LaunchSpecFile::save(const LaunchSpec& spec) {
  const QJsonObject o{{QStringLiteral("kind"), QString::fromLatin1(kindName(spec.kind))},
                      {QStringLiteral("host"), spec.host},
                      {QStringLiteral("port"), spec.port},
                      {QStringLiteral("user"), spec.user},
                      {QStringLiteral("ssh_options"), spec.sshOptions},
                      {QStringLiteral("connect_timeout_s"), spec.connectTimeoutS},
                      {QStringLiteral("remote_run_dir"), spec.remoteRunDir},
                      {QStringLiteral("remote_longrl"), spec.remoteLongrl},
                      {QStringLiteral("template"), spec.templ},
                      {QStringLiteral("nproc"), spec.nproc}};
  QSaveFile f(QDir(spec.localRunDir).filePath(QString::fromLatin1(kFileName)));
  if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(o).toJson()) < 0 || !f.commit())
    return f.fileName() + QStringLiteral(": ") + f.errorString();
  return {};
}

std::optional<LaunchSpec> LaunchSpecFile::load(const QString& localRunDir, QString* error) {
  QFile f(QDir(localRunDir).filePath(QString::fromLatin1(kFileName)));
  if (!f.exists()) return std::nullopt;
  auto fail = [&](const QString& why) -> std::optional<LaunchSpec> {
    if (error) *error = f.fileName() + QStringLiteral(": ") + why;
    return std::nullopt;
  };
  if (!f.open(QIODevice::ReadOnly)) return fail(f.errorString());
  QJsonParseError parse;
  const QJsonObject o = QJsonDocument::fromJson(f.readAll(), &parse).object();
  if (parse.error != QJsonParseError::NoError) return fail(parse.errorString());
  LaunchSpec s;
  const QString kind = o.value(QStringLiteral("kind")).toString();
  if (kind == QLatin1String("ssh")) s.kind = LaunchSpec::Kind::Ssh;
  else if (kind == QLatin1String("template")) s.kind = LaunchSpec::Kind::Template;
  else if (kind == QLatin1String("local")) s.kind = LaunchSpec::Kind::Local;
  else return fail(QStringLiteral("field 'kind' must be local, ssh or template, got '%1'").arg(kind));
  s.localRunDir = localRunDir;
  s.host = o.value(QStringLiteral("host")).toString();
  s.port = o.value(QStringLiteral("port")).toInt();
  s.user = o.value(QStringLiteral("user")).toString();
  s.sshOptions = o.value(QStringLiteral("ssh_options")).toString();
  s.connectTimeoutS = o.value(QStringLiteral("connect_timeout_s")).toInt(15);
  s.remoteRunDir = o.value(QStringLiteral("remote_run_dir")).toString();
  s.remoteLongrl = o.value(QStringLiteral("remote_longrl")).toString(QStringLiteral("longrl"));
  s.templ = o.value(QStringLiteral("template")).toString();
  s.nproc = o.value(QStringLiteral("nproc")).toInt(1);
  return s;
}

}  // namespace longrl::ui
