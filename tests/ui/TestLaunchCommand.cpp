// ShellWords (quote / split) and LaunchCommand (argv of local, ssh and templated launches).
#include <QtTest/QtTest>

#include <QFileInfo>
#include <QProcess>

#include "support/TestPaths.h"
#include "ui/launch/LaunchCommand.h"
#include "ui/launch/ShellWords.h"

using longrl::ui::LaunchCommand;
using longrl::ui::LaunchSpec;
using longrl::ui::ShellWords;

namespace {

// What a real POSIX shell makes of `line`: its words, one per line, via printf.
QStringList shellWords(const QString& line) {
  QProcess sh;
  sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("printf '%s\\0' ") + line});
  sh.waitForFinished(5000);
  QStringList words = QString::fromUtf8(sh.readAllStandardOutput()).split(QChar(0));
  words.removeLast();  // after the last NUL
  return words;
}

const QStringList kNasty{QStringLiteral("'; rm -rf / #"),
                         QStringLiteral("$(touch /tmp/pwned)"),
                         QStringLiteral("`id`"),
                         QStringLiteral("a\"b\\c"),
                         QStringLiteral("two  spaces"),
                         QStringLiteral("line\nbreak"),
                         QStringLiteral("~/x"),
                         QStringLiteral("*"),
                         QStringLiteral("é ü 漢字"),
                         QStringLiteral("it's"),
                         QString()};

LaunchSpec baseSpec() {
  LaunchSpec s;
  s.localRunDir = QStringLiteral("/runs/local run");
  s.trainerProgram = QStringLiteral("/opt/longrl/bin/longrl");
  s.remoteRunDir = QStringLiteral("/scratch/run '; rm -rf / #");
  s.remoteLongrl = QStringLiteral("/opt/longrl/bin/longrl");
  return s;
}

}  // namespace

class TestLaunchCommand : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void quoteKeepsSafeWordsBare() {
    QCOMPARE(ShellWords::quote("abc-1.2/x:y=z@h,p+q%"), QString("abc-1.2/x:y=z@h,p+q%"));
    QCOMPARE(ShellWords::quote(""), QString("''"));
    QCOMPARE(ShellWords::quote("it's"), QString("'it'\\''s'"));
    QCOMPARE(ShellWords::quote("a b"), QString("'a b'"));
  }

  void quotedWordsSurviveARealShell() {
    for (const QString& w : kNasty) QCOMPARE(shellWords(ShellWords::quote(w)), QStringList{w});
    QCOMPARE(shellWords(ShellWords::join(kNasty)), kNasty);
  }

  void splitFollowsShellRules() {
    QStringList words;
    QVERIFY(ShellWords::split("srun  -N 1 'a b' \"c \\\"d\\\" $e\" f\\ g '' x\"y\"z", words));
    QCOMPARE(words, (QStringList{"srun", "-N", "1", "a b", "c \"d\" $e", "f g", "", "xyz"}));
    // join() then split() gives the words back.
    QVERIFY(ShellWords::split(ShellWords::join(kNasty), words));
    QCOMPARE(words, kNasty);
    QVERIFY(ShellWords::split("   ", words));
    QVERIFY(words.isEmpty());
  }

  void splitRejectsUnbalancedQuotes() {
    QStringList words;
    QString error;
    QVERIFY(!ShellWords::split("srun 'abc", words, &error));
    QCOMPARE(error, QString("unbalanced single quote opened at column 6"));
    QVERIFY(!ShellWords::split("a \"b", words, &error));
    QVERIFY(error.contains("double quote"));
    QVERIFY(!ShellWords::split("a b\\", words, &error));
    QVERIFY(error.contains("trailing backslash"));
  }

  void localLaunchIsAnArgvList() {
    LaunchSpec s = baseSpec();
    s.nproc = 4;
    s.resume = true;
    const auto c = LaunchCommand::build(s, "/runs/local run/config.json", "{}");
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    QCOMPARE(c.program, QString("/opt/longrl/bin/longrl"));
    QCOMPARE(c.arguments, (QStringList{"train", "--config", "/runs/local run/config.json", "--run-dir",
                                       "/runs/local run", "--nproc", "4", "--resume"}));
    QVERIFY(!c.mirrorEvents);
    QVERIFY(c.stdinBytes.isEmpty());
  }

  void sshQuotesTheRemoteLineAndSendsTheConfigOnStdin() {
    LaunchSpec s = baseSpec();
    s.kind = LaunchSpec::Kind::Ssh;
    s.host = "gpu-box";
    s.port = 2222;
    s.user = "alice";
    s.sshOptions = "-i '/keys/my key' -o ProxyJump=bastion";
    const auto c = LaunchCommand::build(s, "/runs/local run/config.json", "{\"x\":1}");
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    QCOMPARE(c.program, QString("ssh"));
    const QString line = c.arguments.last();
    QCOMPARE(c.arguments.mid(0, c.arguments.size() - 1),
             (QStringList{"-o", "BatchMode=yes", "-o", "ConnectTimeout=15", "-p", "2222", "-l", "alice", "-i",
                          "/keys/my key", "-o", "ProxyJump=bastion", "--", "gpu-box"}));
    QVERIFY(line.startsWith("echo longrl-pid $$; exec "));
    // What the remote shell will run after `exec`: exactly these words.
    QCOMPARE(shellWords(line.mid(QString("echo longrl-pid $$; exec ").size())),
             (QStringList{"/opt/longrl/bin/longrl", "train", "--config", "-", "--run-dir", "/scratch/run '; rm -rf / #",
                          "--events", "stdout"}));
    QCOMPARE(c.stdinBytes, QByteArray("{\"x\":1}"));
    QVERIFY(c.mirrorEvents);
  }

  void sshErrors() {
    LaunchSpec s = baseSpec();
    s.kind = LaunchSpec::Kind::Ssh;
    QCOMPARE(LaunchCommand::build(s, "c", "{}").error, QString("no ssh host"));
    s.host = "-oProxyCommand=evil";
    QVERIFY(LaunchCommand::build(s, "c", "{}").error.contains("must not start with '-'"));
    s.host = "h";
    s.sshOptions = "-i 'unbalanced";
    QVERIFY(LaunchCommand::build(s, "c", "{}").error.startsWith("ssh options: unbalanced single quote"));
  }

  void remoteTildeStaysExpandable() {
    QCOMPARE(LaunchCommand::quoteRemotePath("~/runs/a b"), QString("\"$HOME\"/'runs/a b'"));
    QCOMPARE(LaunchCommand::quoteRemotePath("/abs/x"), QString("/abs/x"));
    const QString home = qEnvironmentVariable("HOME");
    QCOMPARE(shellWords(LaunchCommand::quoteRemotePath("~/runs/a b")), QStringList{home + "/runs/a b"});
    QCOMPARE(shellWords(LaunchCommand::quoteRemotePath("~")), QStringList{home});
    // "$HOME" expands inside a larger word too, where a ~ would not.
    QCOMPARE(shellWords("--dir=" + LaunchCommand::quoteRemotePath("~/r")), QStringList{"--dir=" + home + "/r"});
  }

  // A quoted '~/bin/longrl' never expanded: the remote shell looked for a directory named ~.
  void sshExpandsTildeInTheProgramAndTheRunDir() {
    LaunchSpec s = baseSpec();
    s.kind = LaunchSpec::Kind::Ssh;
    s.host = "gpu-box";
    s.remoteLongrl = "~/bin/longrl";
    s.remoteRunDir = "~/runs/a b";
    const auto c = LaunchCommand::build(s, "/cfg.json", "{}");
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    const QString home = qEnvironmentVariable("HOME");
    QCOMPARE(shellWords(c.arguments.last().mid(QString("echo longrl-pid $$; exec ").size())),
             (QStringList{home + "/bin/longrl", "train", "--config", "-", "--run-dir", home + "/runs/a b", "--events",
                          "stdout"}));
    s.remoteLongrl = "~bob/bin/longrl";  // another user's home: not expanded, so refused
    QVERIFY2(LaunchCommand::build(s, "/cfg.json", "{}").error.contains("'~bob/bin/longrl': only ~/ is expanded"),
             qPrintable(LaunchCommand::build(s, "/cfg.json", "{}").error));
  }

  // Without a shell nothing expands ~: a template word passed as is must not carry one.
  void templateRefusesTildeWhereNoShellReadsIt() {
    LaunchSpec s = baseSpec();
    s.kind = LaunchSpec::Kind::Template;
    s.remoteLongrl = "~/bin/longrl";
    s.templ = "srun {command}";
    QVERIFY2(LaunchCommand::build(s, "/cfg.json", "{}").error.contains("'~/bin/longrl': no shell expands ~"),
             qPrintable(LaunchCommand::build(s, "/cfg.json", "{}").error));
    s.templ = "srun {longrl} train";
    QVERIFY(LaunchCommand::build(s, "/cfg.json", "{}").error.contains("give the full path"));
    s.templ = "bash -lc '{longrl} --version'";  // a shell reads this word: "$HOME"/ expands there
    const auto c = LaunchCommand::build(s, "/cfg.json", "{}");
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    QCOMPARE(shellWords(c.arguments.last()), (QStringList{qEnvironmentVariable("HOME") + "/bin/longrl", "--version"}));
  }

  // {run_dir}, {longrl} and {config} inside a larger word were pasted raw into a line a shell
  // runs. The payloads only touch files in a temporary directory, so a regression shows as a file.
  void templatePlaceholdersInsideAWordAreQuoted() {
    const QString tmp = QString::fromStdString(longrl::test::freshTempDir("launch-hostile"));
    LaunchSpec s = baseSpec();
    s.kind = LaunchSpec::Kind::Template;
    s.remoteRunDir = "/x'; touch " + tmp + "/pwned1 #";
    s.remoteLongrl = "/opt/a \"$(touch " + tmp + "/pwned2)\"/longrl";
    const QString config = "/c`touch " + tmp + "/pwned3`.json";
    for (const QString& templ : {QStringLiteral("bash -lc '{run_dir} {longrl} {config} {nproc}'"),
                                 QStringLiteral("ssh gpu-box '{run_dir} {longrl} {config} {nproc}'")}) {
      s.templ = templ;
      const auto c = LaunchCommand::build(s, config, "{}");
      QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
      const QString sentConfig = templ.startsWith("ssh") ? "-" : config;
      QCOMPARE(shellWords(c.arguments.last()), (QStringList{s.remoteRunDir, s.remoteLongrl, sentConfig, "1"}));
    }
    for (const char* f : {"/pwned1", "/pwned2", "/pwned3"}) QVERIFY2(!QFileInfo::exists(tmp + f), f);
  }

  void templateSubstitutesWholeValuesWithoutAShell() {
    LaunchSpec s = baseSpec();
    s.kind = LaunchSpec::Kind::Template;
    s.templ = "srun -N 1 --gpus-per-node 8 {command}";
    s.nproc = 8;
    auto c = LaunchCommand::build(s, "/runs/local run/config.json", "{}");
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    QCOMPARE(c.program, QString("srun"));
    QCOMPARE(c.arguments, (QStringList{"-N", "1", "--gpus-per-node", "8", "/opt/longrl/bin/longrl", "train", "--config",
                                       "/runs/local run/config.json", "--run-dir", "/scratch/run '; rm -rf / #",
                                       "--events", "stdout", "--nproc", "8"}));
    QVERIFY(c.mirrorEvents);
    QVERIFY(c.stdinBytes.isEmpty());

    s.templ = "env A=1 {longrl} train --config {config} --run-dir=x{run_dir} --nproc {nproc}";
    c = LaunchCommand::build(s, "/c {run_dir}.json", "{}");  // a value holding a placeholder stays a value
    QCOMPARE(c.arguments, (QStringList{"A=1", "/opt/longrl/bin/longrl", "train", "--config", "/c {run_dir}.json",
                                       "--run-dir=x'/scratch/run '\\''; rm -rf / #'", "--nproc", "8"}));
    // Inside a larger word a value is quoted as for a shell: one might read that word.
    QCOMPARE(shellWords(c.arguments[5]), QStringList{"--run-dir=x/scratch/run '; rm -rf / #"});
  }

  void templateStartingWithSshQuotesValues() {
    LaunchSpec s = baseSpec();
    s.kind = LaunchSpec::Kind::Template;
    s.templ = "ssh -J bastion gpu-box {command}";
    auto c = LaunchCommand::build(s, "/runs/local run/config.json", "{\"k\":2}");
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    QCOMPARE(c.program, QString("ssh"));
    QCOMPARE(c.arguments.mid(0, 3), (QStringList{"-J", "bastion", "gpu-box"}));
    QCOMPARE(shellWords(c.arguments.mid(3).join(' ')),
             (QStringList{"/opt/longrl/bin/longrl", "train", "--config", "-", "--run-dir", "/scratch/run '; rm -rf / #",
                          "--events", "stdout"}));
    QCOMPARE(c.stdinBytes, QByteArray("{\"k\":2}"));

    // {command} inside a word is one shell-quoted command line (a shell will parse that word).
    s.templ = "bash -lc 'cd /tmp && {command}'";
    c = LaunchCommand::build(s, "/cfg.json", "{}");
    QCOMPARE(c.arguments.size(), 2);
    QCOMPARE(shellWords(c.arguments[1].mid(QString("cd /tmp && ").size())),
             (QStringList{"/opt/longrl/bin/longrl", "train", "--config", "/cfg.json", "--run-dir",
                          "/scratch/run '; rm -rf / #", "--events", "stdout"}));
  }

  void templateErrors() {
    LaunchSpec s = baseSpec();
    s.kind = LaunchSpec::Kind::Template;
    s.templ = "srun 'x {command}";
    QVERIFY(LaunchCommand::build(s, "c", "{}").error.startsWith("launch template: unbalanced single quote"));
    s.templ = "srun hostname";
    QCOMPARE(LaunchCommand::build(s, "c", "{}").error, QString("launch template must contain {command} or {longrl}"));
    s.templ = "  ";
    QCOMPARE(LaunchCommand::build(s, "c", "{}").error, QString("launch template is empty"));
    s.templ = "{command}";
    s.remoteRunDir.clear();
    QVERIFY(LaunchCommand::build(s, "c", "{}").error.startsWith("no remote run directory"));
    s.remoteRunDir = s.localRunDir;  // the trainer and the mirror would both write one store
    QVERIFY(LaunchCommand::build(s, "c", "{}").error.contains("must differ"));
  }
};

QTEST_GUILESS_MAIN(TestLaunchCommand)
#include "TestLaunchCommand.moc"
