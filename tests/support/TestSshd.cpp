#include "support/TestSshd.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/LoopbackPort.h"
#include "support/TestPaths.h"

namespace longrl::test {
namespace {

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(quint16(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

bool runQuietly(const QString& program, const QStringList& args) {
  QProcess p;
  p.start(program, args);
  return p.waitForFinished(20000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

}  // namespace

TestSshd::TestSshd(QObject* parent) : QObject(parent) {}

TestSshd::~TestSshd() {
  if (sshd_) {
    sshd_->terminate();
    sshd_->waitForFinished(5000);
  }
}

bool TestSshd::available() { return QFile::exists(QStringLiteral("/usr/sbin/sshd")); }

bool TestSshd::start() {
  if (sshd_) return sshd_->state() == QProcess::Running;
  dir_ = QString::fromStdString(freshTempDir("sshd"));
  if (!runQuietly("ssh-keygen", {"-q", "-t", "ed25519", "-N", "", "-f", dir_ + "/host_key"}) ||
      !runQuietly("ssh-keygen", {"-q", "-t", "ed25519", "-N", "", "-f", dir_ + "/user_key"}) ||
      !QFile::copy(dir_ + "/user_key.pub", dir_ + "/authorized_keys"))
    return false;
  QDir().mkpath("/run/sshd");  // privilege separation directory sshd insists on
  port_ = unusedLoopbackPort();
  QFile conf(dir_ + "/sshd_config");
  if (!conf.open(QIODevice::WriteOnly)) return false;
  conf.write(
      QStringLiteral("Port %1\nListenAddress 127.0.0.1\nHostKey %2/host_key\nAuthorizedKeysFile %2/authorized_keys\n"
                     "PidFile %2/sshd.pid\nStrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                     "PubkeyAuthentication yes\nPermitRootLogin yes\nUsePAM no\nLogLevel ERROR\n")
          .arg(port_)
          .arg(dir_)
          .toUtf8());
  conf.close();
  sshd_ = new QProcess(this);
  // Not ctest's pipe: a test that aborts must not leave a daemon holding ctest's output open.
  sshd_->setStandardOutputFile(dir_ + "/sshd.log");
  sshd_->setStandardErrorFile(dir_ + "/sshd.log", QIODevice::Append);
  sshd_->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
  sshd_->start("/usr/sbin/sshd", {"-D", "-e", "-f", dir_ + "/sshd_config"});
  if (!sshd_->waitForStarted(5000)) return false;
  for (int i = 0; i < 100 && sshd_->state() == QProcess::Running; ++i) {
    if (accepts(port_)) return true;
    QThread::msleep(100);
  }
  return false;
}

QString TestSshd::sshOptions() const {
  return "-i '" + dir_ + "/user_key' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR";
}

QString TestSshd::log() const {
  QFile f(dir_ + "/sshd.log");
  return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

}  // namespace longrl::test
