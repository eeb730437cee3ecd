#pragma once
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <optional>

#include "ui/launch/LaunchSpec.h"

namespace longrl::ui {

class SshTunnel;

// A model directory served for the GUI: `longrl serve --model DIR --host 127.0.0.1 --port 0` as a
// child process (the model, and LibTorch, never load inside the GUI; a crash or an out-of-memory
// there leaves the GUI standing). Port 0 lets the server pick a free port and say which in its
// "serving NAME at URL" line, so there is no race for a port. Stopped with SIGTERM (the server
// finishes cleanly), then killed if it lingers; the destructor does the same.
// On an ssh run's host (setSsh): `ssh HOST -- longrl serve ... --exit-on-stdin-eof` serves the
// host's directory there, and an SshTunnel brings its port to this machine's 127.0.0.1, so the
// base URL is local either way. Stopping ends the ssh client; the server sees its stdin close
// and exits, leaving nothing behind on the host.
class LocalModelServer : public QObject {
  Q_OBJECT
 public:
  enum class State { Stopped, Starting, Ready, Failed };

  explicit LocalModelServer(QString longrlProgram, QObject* parent = nullptr);
  ~LocalModelServer() override;

  // Starts serving `modelDir`; a server already running for another directory is stopped first.
  // Nothing happens when it already serves (or is starting) this directory.
  void start(const QString& modelDir);
  void stop();

  State state() const { return state_; }
  QString modelDir() const { return modelDir_; }
  QString baseUrl() const { return baseUrl_; }      // http://127.0.0.1:PORT/v1 once ready
  QString modelName() const { return modelName_; }  // as the server names it
  QString failure() const { return failure_; }
  void setProgram(const QString& program) { program_ = program; }
  // Serve on this ssh run's host from now on (nullopt: on this machine). Stops a running server.
  void setSsh(const std::optional<LaunchSpec>& spec);
  bool isRemote() const { return ssh_.has_value(); }

 Q_SIGNALS:
  void ready(const QString& baseUrl, const QString& modelName);
  void failed(const QString& message);

 private:
  void onStdout();
  void onStderr();
  void onFinished(int code, QProcess::ExitStatus status);
  void fail(const QString& message);
  void startProcess(const QString& program, const QStringList& arguments);
  void becomeReady(const QString& baseUrl);
  QString outputTail() const;

  QString program_;
  QString modelDir_, baseUrl_, modelName_, failure_;
  QProcess* process_ = nullptr;
  std::optional<LaunchSpec> ssh_;
  SshTunnel* tunnel_ = nullptr;
  QByteArray partialOut_, partialErr_;
  QStringList tail_;  // last lines of stderr, for failure messages
  State state_ = State::Stopped;
};

}  // namespace longrl::ui
