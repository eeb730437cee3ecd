#include "ui/launch/SshTunnel.h"

#include <QTcpServer>
#include <QTcpSocket>

#include "ui/launch/LaunchCommand.h"

namespace longrl::ui {
namespace {

constexpr int kProbeMs = 200;

// A port free on 127.0.0.1 now. Another program could take it before ssh listens; ssh then
// fails (ExitOnForwardFailure) and says so, and a second try takes another port.
int freeLocalPort() {
  QTcpServer s;
  if (!s.listen(QHostAddress::LocalHost, 0)) return 0;
  return s.serverPort();
}

}  // namespace

SshTunnel::SshTunnel(QObject* parent) : QObject(parent) {
  probe_.setInterval(kProbeMs);
  connect(&probe_, &QTimer::timeout, this, &SshTunnel::probe);
}

SshTunnel::~SshTunnel() { stop(); }

void SshTunnel::start(const LaunchSpec& spec, int remotePort) {
  stop();
  localPort_ = freeLocalPort();
  if (localPort_ == 0) {
    Q_EMIT closed(tr("no free local port for the ssh tunnel"));
    return;
  }
  const LaunchCommand c = LaunchCommand::tunnel(spec, localPort_, remotePort);
  if (!c.error.isEmpty()) {
    Q_EMIT closed(c.error);
    return;
  }
  tail_.clear();
  probes_ = 0;
  maxProbes_ = (spec.connectTimeoutS + 5) * 1000 / kProbeMs;
  ssh_ = new QProcess(this);
  ssh_->setProcessChannelMode(QProcess::SeparateChannels);
  connect(ssh_, &QProcess::readyReadStandardError, this, &SshTunnel::readStderr);
  connect(ssh_, &QProcess::finished, this, &SshTunnel::onFinished);
  ssh_->start(c.program, c.arguments);
  ssh_->closeWriteChannel();
  probe_.start();
}

void SshTunnel::probe() {
  if (!ssh_) return;
  QTcpSocket s;
  s.connectToHost(QHostAddress::LocalHost, quint16(localPort_));
  if (s.waitForConnected(kProbeMs)) {
    s.abort();
    probe_.stop();
    open_ = true;
    Q_EMIT opened(localPort_);
    return;
  }
  if (++probes_ < maxProbes_) return;
  stop();
  Q_EMIT closed(tr("the ssh tunnel to port %1 did not open in time").arg(localPort_));
}

void SshTunnel::readStderr() {
  for (const QByteArray& line : ssh_->readAllStandardError().split('\n'))
    if (!line.trimmed().isEmpty()) tail_ << QString::fromUtf8(line.trimmed());
  while (tail_.size() > 6) tail_.removeFirst();
}

void SshTunnel::onFinished(int code, QProcess::ExitStatus status) {
  readStderr();
  const QString tail = stderrTail();
  ssh_->deleteLater();
  ssh_ = nullptr;
  probe_.stop();
  const bool wasOpen = open_;
  open_ = false;
  const QString how = status == QProcess::CrashExit ? tr("crashed") : tr("exited with code %1").arg(code);
  Q_EMIT closed((wasOpen ? tr("the ssh tunnel closed (%1)") : tr("the ssh tunnel could not open (%1)")).arg(how) +
                (tail.isEmpty() ? QString() : QStringLiteral(": ") + tail));
}

void SshTunnel::stop() {
  probe_.stop();
  open_ = false;
  if (!ssh_) return;
  QProcess* p = ssh_;
  ssh_ = nullptr;
  p->disconnect(this);
  p->terminate();
  if (!p->waitForFinished(2000)) {
    p->kill();
    p->waitForFinished(2000);
  }
  delete p;
}

QString SshTunnel::stderrTail() const { return tail_.join(QLatin1Char('\n')); }

}  // namespace longrl::ui
