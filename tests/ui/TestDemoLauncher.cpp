#include <QtTest/QtTest>

#include <QFile>
#include <QSignalSpy>

#include "support/TestPaths.h"
#include "ui/DemoLauncher.h"

using longrl::ui::DemoLauncher;

namespace {
QString writeScript(const QString& dir, const QByteArray& body) {
  const QString path = dir + "/fake-longrl";
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  f.write("#!/bin/sh\n" + body);
  f.close();
  f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
  return path;
}
}  // namespace

class TestDemoLauncher : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void passesTheDemoCommandAndRelaysOutput() {
    const QString dir = QString::fromStdString(longrl::test::freshTempDir("demo-launcher"));
    const QString script = writeScript(dir, "echo \"args: $*\"\necho 'step 1 reward 0.25'\nexit 0\n");
    DemoLauncher demo(script, dir + "/demo-run");
    QSignalSpy messages(&demo, &DemoLauncher::message);
    QSignalSpy finished(&demo, &DemoLauncher::finished);
    demo.start(3);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().first().toBool(), true);
    QStringList texts;
    for (const auto& m : messages) texts << m.first().toString();
    QVERIFY2(texts.join('\n').contains("args: demo --run-dir " + dir + "/demo-run --minutes 3"),
             qPrintable(texts.join('\n')));
    QVERIFY(texts.join('\n').contains("demo: step 1 reward 0.25"));
  }

  void failureIsReportedAsAnError() {
    const QString dir = QString::fromStdString(longrl::test::freshTempDir("demo-launcher-fail"));
    DemoLauncher demo(writeScript(dir, "echo 'out of memory' >&2\nexit 3\n"), dir + "/run");
    QSignalSpy messages(&demo, &DemoLauncher::message);
    QSignalSpy finished(&demo, &DemoLauncher::finished);
    demo.start();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY(messages.last().at(0).toString().contains("exit code 3"));
    QCOMPARE(messages.last().at(1).toBool(), true);

    DemoLauncher missing(dir + "/no-such-program", dir + "/run2");
    QSignalSpy missingFinished(&missing, &DemoLauncher::finished);
    missing.start();
    QTRY_COMPARE(missingFinished.size(), 1);
    QCOMPARE(missingFinished.first().first().toBool(), false);
  }

  // Closing longrl-studio while the demo trains: the launcher stops the demo and waits for it,
  // and the demo's last words and exit must not reach the window being destroyed around it.
  void destroyedWhileRunningStopsTheDemoSilently() {
    const QString dir = QString::fromStdString(longrl::test::freshTempDir("demo-launcher-close"));
    const QString stopped = dir + "/stopped";
    // Like `longrl demo`: says what it does on SIGTERM, writes its checkpoint, exits 0.
    const QString script = writeScript(dir, "trap 'echo \"stop requested\"; touch " + stopped.toUtf8() +
                                                "; exit 0' TERM\necho started\n"
                                                "while :; do sleep 0.1; done\n");
    int afterDestruction = 0;
    bool destroying = false;
    {
      DemoLauncher demo(script, dir + "/run");
      QSignalSpy messages(&demo, &DemoLauncher::message);
      QObject::connect(&demo, &DemoLauncher::message, [&] { afterDestruction += destroying ? 1 : 0; });
      QObject::connect(&demo, &DemoLauncher::finished, [&] { afterDestruction += destroying ? 1 : 0; });
      demo.start();
      QTRY_VERIFY(messages.size() >= 2);  // the command line, then "started"
      destroying = true;
    }
    QCOMPARE(afterDestruction, 0);
    QVERIFY2(QFile::exists(stopped), "the demo was not stopped with SIGTERM");
  }
};

QTEST_GUILESS_MAIN(TestDemoLauncher)
#include "TestDemoLauncher.moc"
