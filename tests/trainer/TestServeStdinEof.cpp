// `longrl serve --exit-on-stdin-eof`: the real CLI stops cleanly (exit code 0) when its stdin
// reaches end of file, as a server started over `ssh HOST -- longrl serve` sees when the ssh client
// goes away; without the flag a closed stdin changes nothing (it stops on SIGTERM as before).
#include <QtTest/QtTest>

#include <QElapsedTimer>
#include <QProcess>

#include <sstream>

#include "support/TestPaths.h"
#include "trainer/cli/InitModelCommand.h"

using namespace longrl;

class TestServeStdinEof : public QObject {
  Q_OBJECT
  QString model_;

  // Starts `longrl serve` on a free loopback port and waits for its "serving NAME at URL" line.
  void startServe(QProcess& p, const QStringList& extra) {
    p.start(QString::fromStdString(test::cliPath()),
            QStringList{"serve", "--model", model_, "--host", "127.0.0.1", "--port", "0", "--threads", "1"} + extra);
    QVERIFY(p.waitForStarted());
    QByteArray out;
    while (!out.contains('\n') && p.state() == QProcess::Running) {
      p.waitForReadyRead(500);
      out += p.readAllStandardOutput();
    }
    QVERIFY2(out.startsWith("serving model at http://127.0.0.1:"), (out + p.readAllStandardError()).constData());
  }

 private Q_SLOTS:
  void initTestCase() {
    const std::string dir = test::freshTempDir("serve-stdin-eof");
    cli::ArgList args({"--preset", "tiny", dir + "/model", "--seed", "5"});
    std::ostringstream o, e;
    QVERIFY2(cli::initModelCommand().run(args, o, e) == 0, e.str().c_str());
    model_ = QString::fromStdString(dir + "/model");
  }

  void stopsWhenStdinCloses() {
    QProcess p;
    startServe(p, {"--exit-on-stdin-eof"});
    if (QTest::currentTestFailed()) return;
    p.write("anything written before the end is read and dropped\n");
    QVERIFY(!p.waitForFinished(500));  // input that is not the end leaves it serving
    QElapsedTimer timer;
    timer.start();
    p.closeWriteChannel();
    QVERIFY2(p.waitForFinished(10000), "still running 10 s after its stdin closed");
    qInfo("stopped %lld ms after stdin closed", static_cast<long long>(timer.elapsed()));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains("serve: stdin closed, stopping"), err.constData());
  }

  void withoutTheFlagAClosedStdinChangesNothing() {
    QProcess p;
    startServe(p, {});
    if (QTest::currentTestFailed()) return;
    p.closeWriteChannel();
    QVERIFY2(!p.waitForFinished(2000), "stopped when its stdin closed, without --exit-on-stdin-eof");
    p.terminate();  // SIGTERM: the clean stop it always had
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardError().contains("serve: signal 15, stopping"));
  }
};

QTEST_GUILESS_MAIN(TestServeStdinEof)
#include "TestServeStdinEof.moc"
