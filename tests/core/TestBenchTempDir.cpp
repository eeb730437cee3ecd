// A bench's temporary directory (bench/TempDir.h) is removed however the bench ends: by the
// destructor on a normal exit or an exception, and by the watcher process after SIGINT, SIGTERM or
// SIGKILL. The signals go to a real bench, benchstoreingest, asked for far more rows than it can
// write before the signal, and sent once its first store file exists in the directory.
#include <QtTest/QtTest>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "bench/TempDir.h"
#include "support/TestPaths.h"

namespace fs = std::filesystem;

namespace {

// The benches are built next to the `longrl` CLI (build/bin).
QString benchPath() {
  return QString::fromStdString((fs::path(longrl::test::cliPath()).parent_path() / "benchstoreingest").string());
}

QStringList entries(const std::string& dir) {
  QStringList names;
  for (const auto& e : fs::directory_iterator(dir)) names << QString::fromStdString(e.path().filename().string());
  return names;
}

// True once some directory in `parent` holds a file: the bench is writing its stores.
bool benchIsWriting(const std::string& parent) {
  for (const auto& d : fs::directory_iterator(parent))
    if (d.is_directory() && fs::directory_iterator(d.path()) != fs::directory_iterator()) return true;
  return false;
}

// benchstoreingest with TMPDIR set; signals at their default action, whatever the test inherited.
void startBench(QProcess& p, const QStringList& args, const std::string& tmpdir) {
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("TMPDIR", QString::fromStdString(tmpdir));
  p.setProcessEnvironment(env);
  p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  p.setChildProcessModifier([] {
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
  });
  p.start(benchPath(), args);
}

}  // namespace

class TestBenchTempDir : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QVERIFY2(QFileInfo(benchPath()).isExecutable(), qPrintable(benchPath() + " is not built")); }
  void destructorRemovesTheTree();
  void unwindingRemovesIt();
  void missingParentIsNamed();
  void benchRemovesItOnNormalExit();
  void benchRemovesItWhenKilled_data();
  void benchRemovesItWhenKilled();
  void benchRefusesAParentThatIsNoDirectory();
};

void TestBenchTempDir::destructorRemovesTheTree() {
  const std::string parent = longrl::test::freshTempDir("bench-tempdir-unit");
  fs::path seen;
  {
    const longrl::bench::TempDir dir("unit", parent);
    seen = dir.path();
    QVERIFY(seen.is_absolute());
    QCOMPARE(QString::fromStdString(seen.parent_path().string()), QString::fromStdString(fs::path(parent).string()));
    QVERIFY(QString::fromStdString(seen.filename().string()).startsWith("unit-"));
    fs::create_directories(seen / "a" / "b");
    std::ofstream(seen / "a" / "b" / "f") << "x";
    QVERIFY(fs::exists(seen / "a" / "b" / "f"));
  }
  QVERIFY(!fs::exists(seen));
  QVERIFY(entries(parent).isEmpty());
}

void TestBenchTempDir::unwindingRemovesIt() {
  const std::string parent = longrl::test::freshTempDir("bench-tempdir-throw");
  fs::path seen;
  try {
    const longrl::bench::TempDir dir("unit", parent);
    seen = dir.path();
    std::ofstream(seen / "f") << "x";
    throw std::runtime_error("the bench failed");
  } catch (const std::runtime_error&) {
  }
  QVERIFY(!seen.empty());
  QVERIFY(!fs::exists(seen));
}

void TestBenchTempDir::missingParentIsNamed() {
  const std::string missing = longrl::test::freshTempDir("bench-tempdir-missing") + "/no-such-dir";
  try {
    longrl::bench::TempDir dir("unit", missing);
    QFAIL("a temporary directory in a missing parent");
  } catch (const std::runtime_error& e) {
    QVERIFY2(QString(e.what()).contains(QString::fromStdString(missing)), e.what());
  }
}

// The directory was made under PARENT (the bench says so) and is gone when the process has ended.
void TestBenchTempDir::benchRemovesItOnNormalExit() {
  const std::string parent = longrl::test::freshTempDir("bench-tempdir-exit");
  const std::string tmpdir = longrl::test::freshTempDir("bench-tempdir-exit-tmp");
  QProcess p;
  startBench(p, {"1000", QString::fromStdString(parent)}, tmpdir);
  QVERIFY(p.waitForFinished(300000));
  QCOMPARE(p.exitStatus(), QProcess::NormalExit);
  QCOMPARE(p.exitCode(), 0);
  const QString out = QString::fromUtf8(p.readAllStandardOutput());
  QVERIFY2(out.contains(QString::fromStdString(parent) + "/benchstoreingest-"), qPrintable(out));
  QVERIFY2(entries(parent).isEmpty(), qPrintable(entries(parent).join(", ")));
  QVERIFY(entries(tmpdir).isEmpty());
}

void TestBenchTempDir::benchRemovesItWhenKilled_data() {
  QTest::addColumn<int>("signal");
  QTest::addColumn<bool>("inTmpdir");  // the default place ($TMPDIR), or a PARENT argument
  QTest::newRow("SIGTERM, $TMPDIR") << int(SIGTERM) << true;
  QTest::newRow("SIGINT, $TMPDIR") << int(SIGINT) << true;
  QTest::newRow("SIGKILL, $TMPDIR") << int(SIGKILL) << true;
  QTest::newRow("SIGTERM, PARENT") << int(SIGTERM) << false;
}

void TestBenchTempDir::benchRemovesItWhenKilled() {
  QFETCH(int, signal);
  QFETCH(bool, inTmpdir);
  const std::string parent = longrl::test::freshTempDir("bench-tempdir-kill");
  const std::string tmpdir = inTmpdir ? parent : longrl::test::freshTempDir("bench-tempdir-kill-tmp");
  QStringList args{"1000000000"};
  if (!inTmpdir) args << QString::fromStdString(parent);
  QProcess p;
  startBench(p, args, tmpdir);
  QVERIFY(p.waitForStarted());
  QTRY_VERIFY_WITH_TIMEOUT(benchIsWriting(parent), 60000);
  QCOMPARE(entries(parent).size(), 1);
  QCOMPARE(p.state(), QProcess::Running);
  QCOMPARE(::kill(static_cast<pid_t>(p.processId()), signal), 0);
  QVERIFY(p.waitForFinished(30000));
  QCOMPARE(p.exitStatus(), QProcess::CrashExit);  // it died of the signal, not by finishing its work
  // The watcher removes it once the process is gone: a moment after the exit.
  QTRY_VERIFY2_WITH_TIMEOUT(entries(parent).isEmpty(), qPrintable(entries(parent).join(", ")), 10000);
  QVERIFY(entries(tmpdir).isEmpty());
}

void TestBenchTempDir::benchRefusesAParentThatIsNoDirectory() {
  const std::string tmpdir = longrl::test::freshTempDir("bench-tempdir-badparent");
  const std::string file = tmpdir + "/a-file";
  std::ofstream(file) << "x";
  QProcess p;
  p.setProcessChannelMode(QProcess::SeparateChannels);
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("TMPDIR", QString::fromStdString(tmpdir));
  p.setProcessEnvironment(env);
  p.start(benchPath(), {"10", QString::fromStdString(file)});
  QVERIFY(p.waitForFinished(60000));
  QCOMPARE(p.exitCode(), 2);
  const QString err = QString::fromUtf8(p.readAllStandardError());
  QVERIFY2(err.contains("PARENT '" + QString::fromStdString(file) + "' is not a directory"), qPrintable(err));
  QCOMPARE(entries(tmpdir), QStringList{"a-file"});
}

QTEST_GUILESS_MAIN(TestBenchTempDir)
#include "TestBenchTempDir.moc"
