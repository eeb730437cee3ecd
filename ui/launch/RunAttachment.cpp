#include "ui/launch/RunAttachment.h"

#include <QDir>
#include <QThread>

#include "ui/launch/LaunchCommand.h"
#include "ui/launch/MirrorWriter.h"

namespace longrl::ui {

RunAttachment::RunAttachment(LaunchSpec spec, QObject* parent) : QObject(parent), spec_(std::move(spec)) {}

RunAttachment::~RunAttachment() {
  if (process_) {
    process_->disconnect(this);
    process_->kill();
    process_->waitForFinished(3000);
  }
  stopMirror();
}

void RunAttachment::attach() {
  if (active_) return;
  const LaunchCommand c = LaunchCommand::follow(spec_);
  if (!c.error.isEmpty()) {
    Q_EMIT message(tr("cannot attach: %1").arg(c.error), true);
    Q_EMIT ended(false, c.error);
    return;
  }
  if (!QDir().mkpath(spec_.localRunDir)) {
    Q_EMIT ended(false, tr("cannot create the mirror directory %1").arg(spec_.localRunDir));
    return;
  }
  active_ = true;
  mirrorThread_ = new QThread(this);
  mirrorThread_->setObjectName(QStringLiteral("attach:") + spec_.localRunDir);
  mirror_ = new MirrorWriter(QDir(spec_.localRunDir).filePath(QStringLiteral("run.sqlite")));
  mirror_->moveToThread(mirrorThread_);
  connect(mirrorThread_, &QThread::finished, mirror_, &QObject::deleteLater);
  connect(mirror_, &MirrorWriter::opened, this, &RunAttachment::startProcess);
  connect(mirror_, &MirrorWriter::failed, this, [this](const QString& why) {
    Q_EMIT message(why, true);
    if (!process_) {
      stopMirror();
      active_ = false;
      Q_EMIT ended(false, why);
    }
  });
  connect(mirror_, &MirrorWriter::problem, this, [this](const QString& p) { Q_EMIT message(p, true); });
  mirrorThread_->start();
  QMetaObject::invokeMethod(mirror_, &MirrorWriter::open, Qt::QueuedConnection);
}

void RunAttachment::startProcess() {
  const LaunchCommand c = LaunchCommand::follow(spec_);
  detaching_ = false;
  lastErrorLine_.clear();
  process_ = new QProcess(this);
  process_->setProgram(c.program);
  process_->setArguments(c.arguments);
  connect(process_, &QProcess::readyReadStandardOutput, this, [this] {
    QMetaObject::invokeMethod(mirror_, "feed", Qt::QueuedConnection,
                              Q_ARG(QByteArray, process_->readAllStandardOutput()));
  });
  connect(process_, &QProcess::readyReadStandardError, this, [this] {
    const QString text = QString::fromUtf8(process_->readAllStandardError()).trimmed();
    if (!text.isEmpty()) lastErrorLine_ = text.section('\n', -1);
  });
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) onFinished(-1, QProcess::CrashExit);
  });
  connect(process_, &QProcess::finished, this, &RunAttachment::onFinished);
  process_->start();
  process_->closeWriteChannel();
  Q_EMIT message(tr("attached: %1").arg(c.displayLine()), false);
}

void RunAttachment::detach() {
  if (!active_) return;
  if (!process_) {  // the mirror is still opening: nothing has started on the remote side
    stopMirror();
    active_ = false;
    Q_EMIT ended(true, QString());
    return;
  }
  detaching_ = true;
  process_->kill();  // closes the connection; the remote follower exits when it sees that
}

void RunAttachment::onFinished(int exitCode, QProcess::ExitStatus status) {
  if (!process_) return;
  QProcess* p = process_;
  process_ = nullptr;
  QMetaObject::invokeMethod(mirror_, "feed", Qt::QueuedConnection, Q_ARG(QByteArray, p->readAllStandardOutput()));
  p->deleteLater();
  stopMirror();
  active_ = false;
  if (detaching_) {
    Q_EMIT message(tr("detached from %1 (the run goes on)").arg(spec_.remoteRunDir), false);
    Q_EMIT ended(true, QString());
    return;
  }
  const bool ok = status == QProcess::NormalExit && exitCode == 0;
  const QString why = ok ? QString()
                         : (status == QProcess::NormalExit ? tr("exit code %1").arg(exitCode) : p->errorString()) +
                               (lastErrorLine_.isEmpty() ? QString() : QStringLiteral(": ") + lastErrorLine_);
  Q_EMIT message(ok ? tr("the followed run ended") : tr("following stopped: %1").arg(why), !ok);
  Q_EMIT ended(ok, why);
}

// Commits what arrived and ends the mirror thread.
void RunAttachment::stopMirror() {
  if (!mirrorThread_) return;
  mirror_->disconnect(this);
  QMetaObject::invokeMethod(mirror_, &MirrorWriter::finish, Qt::BlockingQueuedConnection);
  mirrorThread_->quit();
  mirrorThread_->wait();
  mirrorThread_->deleteLater();
  mirrorThread_ = nullptr;
  mirror_ = nullptr;
}

}  // namespace longrl::ui
