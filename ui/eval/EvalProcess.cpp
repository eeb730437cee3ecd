#include "ui/eval/EvalProcess.h"

#include <QRegularExpression>

#include <nlohmann/json.hpp>

#include "ui/launch/LaunchCommand.h"

namespace longrl::ui {

EvalProcess::EvalProcess(QString program, QObject* parent) : QObject(parent), program_(std::move(program)) {
  connect(&process_, &QProcess::readyReadStandardError, this, &EvalProcess::readProgress);
  connect(&process_, &QProcess::finished, this, &EvalProcess::onFinished);
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) Q_EMIT failed(tr("cannot start %1: %2").arg(program_, process_.errorString()));
  });
}

EvalProcess::~EvalProcess() {
  if (isRunning()) {
    process_.kill();
    process_.waitForFinished(5000);
  }
}

bool EvalProcess::start(const EvalRequest& asked) {
  EvalRequest request = asked;
  request.remote = ssh_.has_value();
  if (isRunning()) {
    Q_EMIT failed(tr("an evaluation is already running"));
    return false;
  }
  if (const QString why = request.problem(); !why.isEmpty()) {
    Q_EMIT failed(why);
    return false;
  }
  k_ = request.k;
  errBuffer_.clear();
  errTail_.clear();
  inUsage_ = false;
  report_ = {};
  if (!ssh_) {
    process_.setProcessEnvironment(request.environment());
    process_.start(program_, request.arguments());
    return true;
  }
  const LaunchCommand c = LaunchCommand::remoteLongrl(*ssh_, request.arguments());
  if (!c.error.isEmpty()) {
    Q_EMIT failed(c.error);
    return false;
  }
  process_.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
  process_.start(c.program, c.arguments);
  process_.write(request.stdinBytes());  // the judge's key, if any: never in an argv
  process_.closeWriteChannel();
  return true;
}

void EvalProcess::stop() {
  if (isRunning()) process_.terminate();
}

void EvalProcess::readProgress() {
  static const QRegularExpression re(QStringLiteral("^eval progress: (greedy|sampled) (\\d+)/(\\d+)$"));
  errBuffer_ += process_.readAllStandardError();
  for (qsizetype nl; (nl = errBuffer_.indexOf('\n')) >= 0;) {
    const QString line = QString::fromUtf8(errBuffer_.left(nl)).trimmed();
    errBuffer_.remove(0, nl + 1);
    const auto m = re.match(line);
    // A usage error prints the usage after its message: the message is what the dialog shows.
    if (line.startsWith(QLatin1String("usage:"))) inUsage_ = true;
    if (!m.hasMatch() && inUsage_) continue;
    if (!m.hasMatch()) {
      errTail_ << line;
      if (errTail_.size() > 8) errTail_.removeFirst();
      continue;
    }
    const bool sampled = m.captured(1) == QLatin1String("sampled");
    const int done = m.captured(2).toInt(), total = m.captured(3).toInt();
    const int weight = k_ > 1 ? 1 + k_ : 1;
    Q_EMIT progress(m.captured(1), sampled ? total + done * k_ : done, total * weight);
  }
}

void EvalProcess::onFinished(int exitCode, QProcess::ExitStatus status) {
  readProgress();
  if (status != QProcess::NormalExit || exitCode != 0) {
    const QString how =
        status == QProcess::NormalExit ? tr("exit code %1").arg(exitCode) : tr("it crashed or was stopped");
    Q_EMIT failed(tr("longrl eval failed (%1): %2").arg(how, errTail_.join(QLatin1Char('\n'))));
    return;
  }
  const QByteArray out = process_.readAllStandardOutput();
  try {
    report_ = eval::EvalReport::fromJson(nlohmann::json::parse(out.toStdString()));
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("longrl eval printed no report: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  Q_EMIT finished();
}

}  // namespace longrl::ui
