#include "ui/launch/TrainerProcess.h"

#include <QDir>
#include <QFile>
#include <QThread>
#include <QTimer>

#include "ui/launch/MirrorWriter.h"

namespace longrl::ui {

TrainerProcess::TrainerProcess(LaunchSpec spec, QByteArray configJson, QObject* parent)
    : QObject(parent), spec_(std::move(spec)), configJson_(std::move(configJson)), graceTimer_(new QTimer(this)) {
  graceTimer_->setSingleShot(true);
  connect(graceTimer_, &QTimer::timeout, this, [this] {
    if (!process_ || process_->state() == QProcess::NotRunning) return;
    Q_EMIT message(tr("trainer did not stop within %1 s: killing it").arg(graceMs_ / 1000.0), false);
    kill();
  });
}

TrainerProcess::~TrainerProcess() {
  if (process_) {
    process_->disconnect(this);
    if (process_->state() != QProcess::NotRunning) {
      signalRemote("KILL");
      process_->kill();
      process_->waitForFinished(3000);
    }
  }
  if (mirror_) {
    mirror_->disconnect(this);
    QMetaObject::invokeMethod(mirror_, &MirrorWriter::finish, Qt::BlockingQueuedConnection);
  }
  if (mirrorThread_) {
    mirrorThread_->quit();
    mirrorThread_->wait();
  }
}

void TrainerProcess::fail(const QString& why) {
  failure_ = why;
  outcome_ = why;
  state_ = State::Failed;
  Q_EMIT message(why, true);
  Q_EMIT finished(false);
}

void TrainerProcess::resume() {
  spec_.resume = true;
  start();
}

void TrainerProcess::start() {
  if (isActive()) {
    Q_EMIT message(tr("%1: the trainer is already running").arg(spec_.localRunDir), true);
    return;
  }
  failure_.clear();
  tail_.clear();
  partial_[0].clear();
  partial_[1].clear();
  remotePid_ = 0;
  request_ = Request::None;
  outcome_ = tr("starting");
  state_ = State::Starting;

  const QString configPath = QDir(spec_.localRunDir).filePath(QStringLiteral("config.json"));
  command_ = LaunchCommand::build(spec_, configPath, configJson_);
  if (!command_.error.isEmpty()) return fail(tr("cannot launch: %1").arg(command_.error));
  if (!QDir().mkpath(spec_.localRunDir)) return fail(tr("cannot create the run directory %1").arg(spec_.localRunDir));
  QFile file(configPath);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(configJson_) != configJson_.size())
    return fail(tr("cannot write %1: %2").arg(configPath, file.errorString()));
  file.close();

  if (!command_.mirrorEvents) return launchProcess();

  // One mirror thread per launch; a resumed run appends to the same store (upserts de-duplicate).
  mirrorThread_ = new QThread(this);
  mirrorThread_->setObjectName(QStringLiteral("mirror:") + spec_.localRunDir);
  mirror_ = new MirrorWriter(QDir(spec_.localRunDir).filePath(QStringLiteral("run.sqlite")));
  mirror_->moveToThread(mirrorThread_);
  connect(mirrorThread_, &QThread::finished, mirror_, &QObject::deleteLater);
  connect(mirror_, &MirrorWriter::opened, this, &TrainerProcess::launchProcess);
  connect(mirror_, &MirrorWriter::failed, this, [this](const QString& why) {
    if (state_ == State::Starting && !process_) {
      finishMirror();
      return fail(why);
    }
    Q_EMIT message(why, true);  // mid-run: the trainer goes on, the mirror stops
  });
  connect(mirror_, &MirrorWriter::problem, this, [this](const QString& p) { Q_EMIT message(p, true); });
  connect(mirror_, &MirrorWriter::textLine, this, &TrainerProcess::onTextLine);
  mirrorThread_->start();
  QMetaObject::invokeMethod(mirror_, &MirrorWriter::open, Qt::QueuedConnection);
}

void TrainerProcess::launchProcess() {
  if (process_) {  // the previous launch's process; we may be inside one of its signals
    process_->disconnect(this);
    process_->deleteLater();
  }
  process_ = new QProcess(this);
  process_->setProgram(command_.program);
  process_->setArguments(command_.arguments);
  connect(process_, &QProcess::started, this, [this] {
    if (!command_.stdinBytes.isEmpty()) process_->write(command_.stdinBytes);
    process_->closeWriteChannel();
    outcome_ = tr("running");
    state_ = request_ == Request::None ? State::Running : State::Stopping;
    Q_EMIT message(tr("started: %1").arg(command_.displayLine()), false);
    Q_EMIT started();
  });
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e != QProcess::FailedToStart) return;  // crashes are handled in finished()
    finishMirror();
    fail(tr("trainer failed to start: %1: %2").arg(command_.program, process_->errorString()));
  });
  connect(process_, &QProcess::readyReadStandardOutput, this, [this] { onOutput(QProcess::StandardOutput); });
  connect(process_, &QProcess::readyReadStandardError, this, [this] { onOutput(QProcess::StandardError); });
  connect(process_, &QProcess::finished, this, &TrainerProcess::onProcessFinished);
  process_->start();
}

void TrainerProcess::onOutput(QProcess::ProcessChannel channel) {
  process_->setReadChannel(channel);
  const QByteArray bytes = process_->readAll();
  if (channel == QProcess::StandardOutput && mirror_) {
    QMetaObject::invokeMethod(mirror_, "feed", Qt::QueuedConnection, Q_ARG(QByteArray, bytes));
    return;
  }
  QByteArray& partial = partial_[channel == QProcess::StandardOutput ? 0 : 1];
  partial += bytes;
  int nl;
  while ((nl = partial.indexOf('\n')) >= 0) {
    addTailLine(QString::fromUtf8(partial.left(nl)));
    partial.remove(0, nl + 1);
  }
}

void TrainerProcess::onTextLine(const QString& line) {
  static const QString pidTag = QStringLiteral("longrl-pid ");
  if (remotePid_ == 0 && line.startsWith(pidTag)) {
    remotePid_ = line.mid(pidTag.size()).toLongLong();
    return;
  }
  addTailLine(line);
}

void TrainerProcess::addTailLine(const QString& line) {
  const QString t = line.trimmed();
  if (t.isEmpty()) return;
  tail_ << t;
  while (tail_.size() > kTailLines) tail_.removeFirst();
}

// Signals the remote trainer through a second ssh connection (killing the local ssh alone would
// leave it running until its next write). Needs the pid line the remote command prints first.
void TrainerProcess::signalRemote(const char* signalName) {
  if (spec_.kind != LaunchSpec::Kind::Ssh || remotePid_ <= 0 || command_.arguments.isEmpty()) return;
  QStringList args = command_.arguments.mid(0, command_.arguments.size() - 1);  // up to the host
  args << QStringLiteral("kill -%1 %2").arg(QLatin1String(signalName)).arg(remotePid_);
  QProcess::startDetached(command_.program, args);
}

void TrainerProcess::stop() {
  if (!process_ || process_->state() == QProcess::NotRunning) return;
  if (request_ == Request::None) request_ = Request::Stop;
  state_ = State::Stopping;
  Q_EMIT message(tr("stopping %1 (SIGTERM)").arg(spec_.localRunDir), false);
  if (spec_.kind == LaunchSpec::Kind::Ssh && remotePid_ > 0) signalRemote("TERM");
  else process_->terminate();
  graceTimer_->start(graceMs_);
}

void TrainerProcess::kill() {
  if (!process_ || process_->state() == QProcess::NotRunning) return;
  request_ = Request::Kill;
  state_ = State::Stopping;
  signalRemote("KILL");
  process_->kill();
}

void TrainerProcess::onProcessFinished(int exitCode, QProcess::ExitStatus status) {
  graceTimer_->stop();
  // Lines without a final newline still explain a crash.
  for (QByteArray& p : partial_) {
    if (!p.isEmpty()) addTailLine(QString::fromUtf8(p));
    p.clear();
  }
  const QString last = tail_.isEmpty() ? QString() : tail_.last();
  const QString cause = last.isEmpty() ? QString() : QStringLiteral(": ") + last;
  const bool viaSsh = spec_.kind == LaunchSpec::Kind::Ssh;
  if (request_ == Request::Kill) {
    outcome_ = tr("killed");
  } else if (request_ == Request::Stop) {
    outcome_ = tr("stopped");
  } else if (status == QProcess::NormalExit && exitCode == 0) {
    outcome_ = tr("finished");
  } else if (status == QProcess::CrashExit && viaSsh) {
    // The local ssh client died, not (necessarily) the trainer: say what a person can do about it.
    failure_ = tr("ssh link to %1 lost (the ssh client was killed); the mirror keeps what arrived, and Resume "
                  "re-attaches to the run directory")
                   .arg(spec_.host);
  } else if (status == QProcess::CrashExit) {
    failure_ = tr("trainer crashed (killed by a signal)") + cause;
  } else if (viaSsh && exitCode == 255) {  // ssh's own failures: refused, unknown host, auth
    failure_ = tr("ssh to %1 failed (exit code 255)").arg(spec_.host) + cause;
  } else {
    failure_ = tr("trainer crashed (exit code %1)").arg(exitCode) + cause;
  }
  if (!failure_.isEmpty()) {
    outcome_ = failure_;
    Q_EMIT message(failure_, true);
  } else {
    Q_EMIT message(tr("%1: trainer %2").arg(spec_.localRunDir, outcome_), false);
  }
  if (!mirror_) {
    state_ = failure_.isEmpty() ? State::Finished : State::Failed;
    Q_EMIT finished(failure_.isEmpty());
    return;
  }
  // Report the end only once the mirror has committed the last events.
  connect(mirror_, &MirrorWriter::finished, this, [this] {
    finishMirror();
    state_ = failure_.isEmpty() ? State::Finished : State::Failed;
    Q_EMIT finished(failure_.isEmpty());
  });
  QMetaObject::invokeMethod(mirror_, &MirrorWriter::finish, Qt::QueuedConnection);
}

// Ends the mirror thread of the current launch (its writer has flushed or never opened).
void TrainerProcess::finishMirror() {
  if (!mirrorThread_) return;
  mirror_->disconnect(this);
  if (mirror_->thread() == mirrorThread_)
    QMetaObject::invokeMethod(mirror_, &MirrorWriter::finish, Qt::BlockingQueuedConnection);
  mirrorThread_->quit();
  mirrorThread_->wait();
  mirrorThread_->deleteLater();
  mirrorThread_ = nullptr;
  mirror_ = nullptr;  // deleted by the thread's finished() -> deleteLater
}

}  // namespace longrl::ui
