#include "ui/DemoLauncher.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace longrl::ui {

DemoLauncher::DemoLauncher(QString longrlProgram, QString runDir, QObject* parent)
    : QObject(parent), program_(std::move(longrlProgram)), runDir_(std::move(runDir)) {
  process_.setProcessChannelMode(QProcess::MergedChannels);
  connect(&process_, &QProcess::readyRead, this, [this] {
    partialLine_ += process_.readAll();
    int nl;
    while ((nl = partialLine_.indexOf('\n')) >= 0) {
      const QString line = QString::fromUtf8(partialLine_.left(nl)).trimmed();
      partialLine_.remove(0, nl + 1);
      if (!line.isEmpty()) Q_EMIT message(QStringLiteral("demo: ") + line, false);
    }
  });
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) {
      Q_EMIT message(tr("demo: cannot start %1: %2").arg(program_, process_.errorString()), true);
      Q_EMIT finished(false);
    }
  });
  connect(&process_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
    const bool ok = status == QProcess::NormalExit && code == 0;
    Q_EMIT message(ok ? tr("demo: training finished")
                      : tr("demo: `longrl demo` ended with %1 (see the lines above)")
                            .arg(status == QProcess::NormalExit ? tr("exit code %1").arg(code) : tr("a crash")),
                   !ok);
    Q_EMIT finished(ok);
  });
}

DemoLauncher::~DemoLauncher() {
  // Waiting below delivers the process' last output and its exit: nothing may reach the window,
  // which is being destroyed around us (its log was already gone: a crash on closing the app
  // while the demo trained).
  QObject::disconnect(&process_, nullptr, this, nullptr);
  if (process_.state() != QProcess::NotRunning) {
    // The demo is resumable: stop it politely so its last checkpoint and store batch are written.
    process_.terminate();
    if (!process_.waitForFinished(5000)) process_.kill();
  }
}

QString DemoLauncher::defaultRunDir() {
  return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("demo-run"));
}

void DemoLauncher::start(int minutes) {
  QDir().mkpath(QFileInfo(runDir_).absolutePath());
  QStringList args{QStringLiteral("demo"), QStringLiteral("--run-dir"), runDir_};
  if (minutes > 0) args << QStringLiteral("--minutes") << QString::number(minutes);
  Q_EMIT message(tr("demo: %1 %2").arg(program_, args.join(' ')), false);
  process_.start(program_, args);
}

}  // namespace longrl::ui
