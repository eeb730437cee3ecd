#include "ui/checkpoints/RemoteCheckpoints.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "ui/launch/LaunchCommand.h"

namespace longrl::ui {

using nlohmann::json;

namespace {

const json& member(const json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw std::runtime_error(where + ": missing field '" + key + "'");
  return j.at(key);
}

QString text(const json& j, const char* key, const std::string& where) {
  const json& v = member(j, key, where);
  if (!v.is_string()) throw std::runtime_error(where + "." + key + ": not a string");
  return QString::fromStdString(v.get<std::string>());
}

qint64 integer(const json& j, const char* key, const std::string& where) {
  const json& v = member(j, key, where);
  if (!v.is_number_integer()) throw std::runtime_error(where + "." + key + ": not an integer");
  return v.get<qint64>();
}

CheckpointInfo checkpointFrom(const json& j, const std::string& where) {
  CheckpointInfo c;
  c.step = integer(j, "step", where);
  c.dir = text(j, "dir", where);
  c.phase = text(j, "phase", where);
  c.bytes = integer(j, "bytes", where);
  const QString saved = text(j, "saved_at", where);
  c.savedAt = QDateTime::fromString(saved, Qt::ISODate);
  if (!c.savedAt.isValid()) throw std::runtime_error(where + ".saved_at: '" + saved.toStdString() + "' is not a time");
  c.savedAt = c.savedAt.toLocalTime();
  return c;
}

}  // namespace

RemoteCheckpoints::RemoteCheckpoints(QObject* parent) : QObject(parent) {
  connect(&process_, &QProcess::finished, this, &RemoteCheckpoints::onFinished);
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) Q_EMIT failed(tr("cannot start ssh: %1").arg(process_.errorString()));
  });
}

RemoteCheckpoints::~RemoteCheckpoints() {
  if (!isListing()) return;
  process_.kill();
  process_.waitForFinished(2000);
}

void RemoteCheckpoints::list(const LaunchSpec& spec) {
  if (isListing()) return;
  const LaunchCommand c =
      LaunchCommand::remoteLongrl(spec, {QStringLiteral("checkpoints"), spec.remoteRunDir, QStringLiteral("--json")});
  if (!c.error.isEmpty()) {
    Q_EMIT failed(c.error);
    return;
  }
  where_ = spec.location() + QLatin1Char(':') + spec.remoteRunDir;
  commandLine_ = c.displayLine();
  process_.start(c.program, c.arguments);
  process_.closeWriteChannel();
}

void RemoteCheckpoints::onFinished(int exitCode, QProcess::ExitStatus status) {
  const QByteArray out = process_.readAllStandardOutput();
  const QString err = QString::fromUtf8(process_.readAllStandardError()).trimmed();
  if (status != QProcess::NormalExit || exitCode != 0) {
    // ssh's own failures exit 255; the remote longrl's errors come back on stderr either way.
    const QString how = status == QProcess::NormalExit ? tr("exit code %1").arg(exitCode) : tr("it crashed");
    Q_EMIT failed(tr("%1 failed (%2): %3").arg(commandLine_, how, err.isEmpty() ? tr("no message") : err));
    return;
  }
  try {
    Q_EMIT listed(parse(out, where_));
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("the checkpoints listed by %1 cannot be read: %2").arg(where_, QString::fromUtf8(e.what())));
  }
}

RemoteCheckpoints::Listing RemoteCheckpoints::parse(const QByteArray& bytes, const QString& where) {
  const json j = json::parse(bytes.toStdString());  // a parse error names the byte
  Listing out;
  const json& checkpoints = member(j, "checkpoints", "listing");
  if (!checkpoints.is_array()) throw std::runtime_error("checkpoints: not an array");
  for (size_t i = 0; i < checkpoints.size(); ++i)
    out.checkpoints << checkpointFrom(checkpoints[i], "checkpoints[" + std::to_string(i) + "]");
  const json& evals = member(j, "evals", "listing");
  if (!evals.is_array()) throw std::runtime_error("evals: not an array");
  for (size_t i = 0; i < evals.size(); ++i) {
    const std::string at = "evals[" + std::to_string(i) + "]";
    const QString file = text(evals[i], "file", at);
    try {
      EvalResult r = EvalResult::fromJson(member(evals[i], "result", at));
      r.path = where + QStringLiteral("/evals/") + file;
      out.evals << r;
    } catch (const std::exception& e) {  // one bad evaluation costs only itself
      out.problems << QStringLiteral("%1/evals/%2: %3").arg(where, file, QString::fromUtf8(e.what()));
    }
  }
  if (j.contains("problems") && j["problems"].is_array())
    for (const json& p : j["problems"])
      if (p.is_string()) out.problems << where + QStringLiteral(": ") + QString::fromStdString(p.get<std::string>());
  if (j.contains("store_error") && j["store_error"].is_string())
    out.storeError = QString::fromStdString(j["store_error"].get<std::string>());
  return out;
}

}  // namespace longrl::ui
