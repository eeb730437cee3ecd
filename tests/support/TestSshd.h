#pragma once
#include <QObject>
#include <QString>

class QProcess;

namespace longrl::test {

// A real sshd on a free 127.0.0.1 port with a throw-away host key and a key that logs in as the
// current user: "remote" runs in tests go through real ssh to this machine. sshd's log goes to a
// file, and sshd dies with the test process.
class TestSshd : public QObject {
 public:
  explicit TestSshd(QObject* parent = nullptr);
  ~TestSshd() override;

  static bool available();  // /usr/sbin/sshd exists
  // Starts it once; false when it cannot (see log()).
  bool start();
  int port() const { return port_; }
  // ssh options that use the test key and skip host-key checks.
  QString sshOptions() const;
  QString log() const;

 private:
  QProcess* sshd_ = nullptr;
  QString dir_;
  int port_ = 0;
};

}  // namespace longrl::test
