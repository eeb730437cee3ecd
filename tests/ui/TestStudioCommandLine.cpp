// longrl-studio answers --help and --version without a display (creating the QApplication needs
// one: Qt aborted in its platform plugin), and range-checks its numeric options.
#include <QtTest/QtTest>

#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <optional>
#include <utility>
#include <vector>

#include "core/Version.h"
#include "ui/StudioCommandLine.h"

using longrl::ui::StudioCommandLine;

class TestStudioCommandLine : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void helpAndVersionAreAnsweredFromTheArguments() {
    StudioCommandLine cli;
    for (const char* flag : {"--help", "-h", "-?", "--help-all"}) {
      const auto help = cli.earlyAnswer({"longrl-studio", "/some/run", flag});
      QVERIFY2(help.has_value(), flag);
      QVERIFY2(help->contains("Usage: longrl-studio") && help->contains("--demo-dir") &&
                   help->contains("--screenshot-after"),
               qPrintable(*help));
    }
    for (const char* flag : {"--version", "-v"}) {
      const auto version = cli.earlyAnswer({"longrl-studio", flag});
      QVERIFY2(version.has_value(), flag);
      QCOMPARE(*version, QStringLiteral("longrl-studio ") + QString::fromLatin1(longrl::kVersion) + '\n');
    }
    QVERIFY(!cli.earlyAnswer({"longrl-studio", "/runs/a", "--demo-minutes", "3"}));
    QVERIFY(!cli.earlyAnswer({"longrl-studio", "--", "--help"}));  // a run directory named --help
  }

  void numbersAreRangeChecked() {
    auto problem = [](const QStringList& args) {
      StudioCommandLine cli;
      if (!cli.parser.parse(args)) return cli.parser.errorText();
      int minutes = -1;
      double after = -1;
      return cli.checkNumbers(&minutes, &after);
    };
    QCOMPARE(problem({"longrl-studio"}), QString());
    QCOMPARE(problem({"longrl-studio", "--demo-minutes", "3", "--screenshot-after", "0.5"}), QString());
    for (const auto& [flag, value] :
         std::vector<std::pair<QString, QString>>{{"--demo-minutes", "-5"},
                                                  {"--demo-minutes", "abc"},
                                                  {"--demo-minutes", "99999999999999999999"},
                                                  {"--screenshot-after", "nan"},
                                                  {"--screenshot-after", "inf"},
                                                  {"--screenshot-after", "1e10"},
                                                  {"--screenshot-after", "-1"}}) {
      const QString m = problem({"longrl-studio", flag, value});
      QVERIFY2(m.contains("option " + flag) && m.contains("'" + value + "'"),
               qPrintable(flag + " " + value + ": " + m));
    }
  }

  void rolloutIdIsChecked() {
    auto parse = [](const QStringList& args, qint64* id) {
      StudioCommandLine cli;
      if (!cli.parser.parse(args)) return cli.parser.errorText();
      return cli.checkRollout(id);
    };
    qint64 id = -1;
    QCOMPARE(parse({"longrl-studio"}, &id), QString());
    QCOMPARE(id, qint64(0));
    QCOMPARE(parse({"longrl-studio", "/runs/a", "--rollout", "42"}, &id), QString());
    QCOMPARE(id, qint64(42));
    for (const QString& bad : {QStringLiteral("0"), QStringLiteral("x")}) {
      const QString m = parse({"longrl-studio", "--rollout", bad}, &id);
      QVERIFY2(m.contains("option --rollout") && m.contains("'" + bad + "'"), qPrintable(m));
    }
  }

  // The built binary, with no display at all: before the fix Qt aborted (xcb: could not connect).
  void builtBinaryAnswersHelpWithoutADisplay() {
    const QString studio = QStringLiteral(LONGRL_BINARY_DIR "/bin/longrl-studio");
    if (!QFileInfo::exists(studio)) QSKIP("longrl-studio is not built (LONGRL_GUI off)");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(var);
    for (const char* flag : {"--help", "--version"}) {
      QProcess p;
      p.setProcessEnvironment(env);
      p.start(studio, {flag});
      QVERIFY(p.waitForFinished(30000));
      const QString out = QString::fromLocal8Bit(p.readAllStandardOutput());
      QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
               qPrintable(flag + QStringLiteral(": ") + QString::fromLocal8Bit(p.readAllStandardError())));
      QVERIFY2(out.contains(flag == std::string("--help") ? "--demo-dir" : longrl::kVersion), qPrintable(out));
    }
  }
};

QTEST_GUILESS_MAIN(TestStudioCommandLine)
#include "TestStudioCommandLine.moc"
