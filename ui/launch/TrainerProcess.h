#pragma once
#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include "ui/launch/LaunchCommand.h"
#include "ui/launch/LaunchSpec.h"

class QThread;
class QTimer;

namespace longrl::ui {

class MirrorWriter;

// One training run's child process (`longrl train`, `ssh HOST longrl train`, or a templated
// command). A remote run's stdout event stream is mirrored into LOCAL/run.sqlite by a
// MirrorWriter in a worker thread. The last stderr lines are kept to explain a failure.
// Destroying a TrainerProcess kills a process that is still running.
class TrainerProcess : public QObject {
  Q_OBJECT
 public:
  enum class State { Idle, Starting, Running, Stopping, Finished, Failed };
  static constexpr int kTailLines = 50;

  TrainerProcess(LaunchSpec spec, QByteArray configJson, QObject* parent = nullptr);
  ~TrainerProcess() override;

  const LaunchSpec& spec() const { return spec_; }
  State state() const { return state_; }
  bool isActive() const { return state_ == State::Starting || state_ == State::Running || state_ == State::Stopping; }
  // Why the last run failed ("trainer crashed (exit code 3): CUDA out of memory"); empty otherwise.
  QString failure() const { return failure_; }
  // Short outcome for the runs list: "running", "stopped", "killed", "finished", or failure().
  QString outcome() const { return outcome_; }
  QStringList outputTail() const { return tail_; }
  qint64 remotePid() const { return remotePid_; }
  void setGracePeriodMs(int ms) { graceMs_ = ms; }

 public Q_SLOTS:
  void start();
  void resume();  // start again with --resume on the same run directory (and the same mirror)
  void stop();    // SIGTERM (remote: to the remote trainer too), SIGKILL after the grace period
  void kill();    // SIGKILL now

 Q_SIGNALS:
  void started();
  void message(const QString& text, bool error);
  // The process ended (and the mirror has committed everything). `ok`: exit code 0 or stopped by us.
  void finished(bool ok);

 private:
  void fail(const QString& why);
  void launchProcess();
  void onOutput(QProcess::ProcessChannel channel);
  void onProcessFinished(int exitCode, QProcess::ExitStatus status);
  void onTextLine(const QString& line);
  void addTailLine(const QString& line);
  void signalRemote(const char* signalName);
  void finishMirror();

  LaunchSpec spec_;
  QByteArray configJson_;
  LaunchCommand command_;
  QProcess* process_ = nullptr;
  QThread* mirrorThread_ = nullptr;
  MirrorWriter* mirror_ = nullptr;
  QTimer* graceTimer_;
  State state_ = State::Idle;
  QString failure_, outcome_;
  QStringList tail_;
  QByteArray partial_[2];  // unterminated stdout / stderr line
  qint64 remotePid_ = 0;
  int graceMs_ = 10000;
  enum class Request { None, Stop, Kill } request_ = Request::None;
};

}  // namespace longrl::ui
