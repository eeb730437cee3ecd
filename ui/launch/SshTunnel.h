#pragma once
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "ui/launch/LaunchSpec.h"

namespace longrl::ui {

// A port on an ssh run's host (a `longrl serve` listening on the host's 127.0.0.1) made reachable
// at this machine's 127.0.0.1 (LaunchCommand::tunnel). The local port is one the system had free;
// the tunnel counts as open once a connection to it succeeds. It closes with stop() or with this
// object; ssh ending on its own (the link dropped, the forward refused) is reported as closed.
class SshTunnel : public QObject {
  Q_OBJECT
 public:
  explicit SshTunnel(QObject* parent = nullptr);
  ~SshTunnel() override;

  void start(const LaunchSpec& spec, int remotePort);
  void stop();
  bool isOpen() const { return open_; }
  int localPort() const { return localPort_; }

 Q_SIGNALS:
  void opened(int localPort);
  // Before it opened (why it could not) or after (why it closed).
  void closed(const QString& why);

 private:
  void probe();
  void readStderr();
  void onFinished(int code, QProcess::ExitStatus status);
  QString stderrTail() const;

  QProcess* ssh_ = nullptr;
  QTimer probe_;
  int localPort_ = 0;
  int probes_ = 0;
  int maxProbes_ = 0;
  bool open_ = false;
  QStringList tail_;
};

}  // namespace longrl::ui
