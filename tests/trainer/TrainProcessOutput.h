#pragma once
#include <QByteArray>
#include <QElapsedTimer>
#include <QProcess>

namespace longrl::test {

// Reads a running `longrl` process' stderr until `needle` appears, the process ends or `ms` pass;
// returns everything read (the caller checks that it holds the needle).
inline QByteArray readStderrUntil(QProcess& process, const char* needle, int ms = 120000) {
  QByteArray err;
  QElapsedTimer t;
  t.start();
  while (!err.contains(needle) && t.elapsed() < ms && process.state() == QProcess::Running) {
    process.waitForReadyRead(200);
    err += process.readAllStandardError();
  }
  return err;
}

}  // namespace longrl::test
