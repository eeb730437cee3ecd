// RunLauncherDialog: validation messages next to the fields (RunConfig's own checks), Start
// enabled only when valid, phases table editing, config load/save, the judge's URL and API key
// variable shown before Start (and a variable not named like a key asked about); PhasesModel under
// the tester.
#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

#include "core/config/RunConfig.h"
#include "support/TestPaths.h"
#include "ui/launch/LaunchSpec.h"
#include "ui/launch/PhasesModel.h"
#include "ui/launch/RunLauncherDialog.h"

using longrl::ui::LaunchSpec;
using longrl::ui::PhasesModel;
using longrl::ui::RunLauncherDialog;

class TestLaunchDialog : public QObject {
  Q_OBJECT
 private:
  QString tmp_;

  // A dialog whose every field is valid for a local launch of an existing trainer program.
  void fillValid(RunLauncherDialog& d) {
    d.field("model.path")->setText(tmp_ + "/model");
    d.findChild<QPlainTextEdit*>("dataset.train")->setPlainText(tmp_ + "/train.jsonl\n");
    LaunchSpec spec = d.launchSpec();
    spec.localRunDir = tmp_ + "/runs/new-run";
    spec.trainerProgram = QString::fromStdString(longrl::test::sourcePath("tests/ui/fake_trainer.sh"));
    d.setLaunchSpec(spec);
  }
  bool startEnabled(RunLauncherDialog& d) { return d.findChild<QPushButton*>("start")->isEnabled(); }

 private Q_SLOTS:
  void initTestCase() {
    tmp_ = QString::fromStdString(longrl::test::freshTempDir("launch-dialog"));
    QDir().mkpath(tmp_ + "/model");
    QFile f(tmp_ + "/train.jsonl");
    QVERIFY(f.open(QIODevice::WriteOnly));
  }

  void defaultsNeedAModelAndData() {
    RunLauncherDialog d;
    QVERIFY(!d.canStart());
    QVERIFY(!startEnabled(d));
    QCOMPARE(d.errorText("model"), QString("model.path: must not be empty"));
    QCOMPARE(d.errorText("dataset"), QString("dataset.train: at least one training file is required"));
    QVERIFY(d.findChild<QLabel*>("error:model")->isVisibleTo(&d));
    // The recipe defaults themselves are valid: no GRPO or phase messages.
    QCOMPARE(d.errorText("grpo.lr"), QString());
    QCOMPARE(d.errorText("phases"), QString());
    QCOMPARE(d.config().grpo.lr, 2e-6);
    QCOMPARE(d.field("grpo.lr")->text(), QString("2e-06"));
  }

  void validFormEnablesStart() {
    RunLauncherDialog d;
    fillValid(d);
    QVERIFY2(d.canStart(), qPrintable(d.generalErrorText() + d.errorText("launch.trainer") + d.errorText("model")));
    QVERIFY(startEnabled(d));
    for (QLabel* l : d.findChildren<QLabel*>())
      if (l->objectName().startsWith("error:")) QVERIFY2(!l->isVisibleTo(&d), qPrintable(l->objectName()));
    QCOMPARE(d.config().model.path, (tmp_ + "/model").toStdString());
    QCOMPARE(d.config().dataset.train, std::vector<std::string>{(tmp_ + "/train.jsonl").toStdString()});
  }

  void knobMessagesComeFromTheConfigValidation() {
    RunLauncherDialog d;
    fillValid(d);
    d.field("grpo.clip_ratio_low")->setText("1.5");
    QCOMPARE(d.errorText("grpo.clip_ratio_low"), QString("must be in (0, 1), got 1.5"));
    QVERIFY(!startEnabled(d));
    d.field("grpo.lr")->setText("fast");
    QCOMPARE(d.errorText("grpo.lr"), QString("expected a number, got 'fast'"));
    d.field("grpo.ppo_mini_batch_size")->setText("48");
    QCOMPARE(d.errorText("grpo.ppo_mini_batch_size"), QString("must divide grpo.train_batch_size (128)"));
    d.field("grpo.rollout_n")->setText("1");
    // The same words the CLI prints for this config.
    longrl::config::RunConfig c = d.config();
    std::string cliText;
    for (const auto& issue : c.validate())
      if (issue.path == "grpo.rollout_n") cliText = issue.message;
    QCOMPARE(d.errorText("grpo.rollout_n"), QString::fromStdString(cliText));
    d.field("grpo.clip_ratio_low")->setText("0.2");
    d.field("grpo.lr")->setText("1e-6");
    d.field("grpo.ppo_mini_batch_size")->setText("32");
    d.field("grpo.rollout_n")->setText("16");
    QVERIFY(startEnabled(d));
    QCOMPARE(d.config().grpo.lr, 1e-6);
    QCOMPARE(d.config().grpo.rolloutN, int64_t(16));
  }

  void phasesTable() {
    RunLauncherDialog d;
    fillValid(d);
    PhasesModel* m = d.phasesModel();
    QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(m->rowCount(), 2);
    QCOMPARE(m->data(m->index(1, PhasesModel::MaxInputTokens)).toLongLong(), 60000LL);
    QVERIFY(m->setData(m->index(1, PhasesModel::MaxInputTokens), "10000"));
    QCOMPARE(d.errorText("phases"),
             QString(
                 "phases[1].max_input_tokens: must be greater than phases[0].max_input_tokens (20000): phases grow"));
    QVERIFY(!startEnabled(d));
    QVERIFY(!m->setData(m->index(1, PhasesModel::MaxInputTokens), "lots"));  // not a number: refused
    QVERIFY(m->setData(m->index(1, PhasesModel::MaxInputTokens), "40000"));
    QVERIFY(startEnabled(d));
    // The memory agent per phase: only the config's spellings are taken, and its window is checked.
    QCOMPARE(m->data(m->index(1, PhasesModel::Mode)).toString(), QString("full"));
    QVERIFY(!m->setData(m->index(1, PhasesModel::Mode), "chunked"));
    QVERIFY(m->setData(m->index(1, PhasesModel::Mode), " Memory "));
    QVERIFY(d.config().phases[1].mode == longrl::config::PhaseMode::Memory);
    QVERIFY(startEnabled(d));  // 40000 holds the default 5000-token chunk and 1024-token memory
    QVERIFY(m->setData(m->index(1, PhasesModel::MaxInputTokens), "25000"));
    QVERIFY(m->setData(m->index(0, PhasesModel::MaxInputTokens), "4000"));
    QVERIFY(m->setData(m->index(0, PhasesModel::Mode), "memory"));
    QCOMPARE(d.errorText("phases"), QString("phases[0].max_input_tokens: must hold memory.chunk_tokens + "
                                            "memory.memory_tokens (6024) in a phase of mode 'memory', got 4000"));
    QVERIFY(!startEnabled(d));
    QVERIFY(m->setData(m->index(0, PhasesModel::Mode), "full"));
    QVERIFY(m->setData(m->index(0, PhasesModel::MaxInputTokens), "20000"));
    QVERIFY(m->setData(m->index(1, PhasesModel::MaxInputTokens), "40000"));
    QVERIFY(startEnabled(d));
    m->appendPhase();
    QCOMPARE(m->rowCount(), 3);
    QCOMPARE(m->data(m->index(2, PhasesModel::Name)).toString(), QString("phase3"));
    QCOMPARE(m->data(m->index(2, PhasesModel::MaxInputTokens)).toLongLong(), 80000LL);
    QVERIFY(m->setData(m->index(2, PhasesModel::Name), "phase1"));
    QCOMPARE(d.errorText("phases"), QString("phases[2].name: duplicate phase name 'phase1'"));
    m->removePhase(2);
    QVERIFY(startEnabled(d));
    m->removePhase(0);
    m->removePhase(0);
    QCOMPARE(d.errorText("phases"), QString("at least one phase is required"));
    QCOMPARE(d.config().phases.size(), size_t(0));
  }

  void judgeAndLaunchTargets() {
    RunLauncherDialog d;
    fillValid(d);
    d.findChild<QCheckBox*>("reward.judge.enabled")->setChecked(true);
    QCOMPARE(d.errorText("reward.judge.base_url"),
             QString("must start with http:// or https:// when the judge is enabled"));
    QCOMPARE(d.errorText("reward.judge.model"), QString("must not be empty when the judge is enabled"));
    d.field("reward.judge.base_url")->setText("http://judge:8000/v1");
    d.field("reward.judge.model")->setText("qwen-judge");
    QVERIFY(startEnabled(d));

    auto* target = d.findChild<QComboBox*>("launch.target");
    target->setCurrentIndex(target->findData(int(LaunchSpec::Kind::Ssh)));
    QCOMPARE(d.errorText("launch.host"), QString("must not be empty when launch.target is 'ssh'"));
    QCOMPARE(d.errorText("launch.remote_run_dir"), QString("must not be empty"));
    QCOMPARE(d.errorText("model"), QString());  // remote paths are not checked on this machine
    d.field("launch.host")->setText("alice@gpu-box");
    d.field("launch.remote_run_dir")->setText("~/runs/a");
    d.field("launch.ssh_options")->setText("-i 'key");
    QCOMPARE(d.errorText("launch.ssh_options"), QString("unbalanced single quote opened at column 4"));
    d.field("launch.ssh_options")->clear();
    QVERIFY(startEnabled(d));
    QCOMPARE(d.config().launch.host, std::string("alice@gpu-box"));

    target->setCurrentIndex(target->findData(int(LaunchSpec::Kind::Template)));
    d.field("launch.template")->setText("srun -N 1 hostname");
    QCOMPARE(d.errorText("launch.template"), QString("must contain {command} when launch.target is 'template'"));
    d.field("launch.template")->setText("srun '{command}");
    QVERIFY(d.errorText("launch.template").contains("unbalanced single quote"));
    d.field("launch.template")->setText("srun -N 1 --gpus-per-node 8 {command}");
    QVERIFY(startEnabled(d));
    QCOMPARE(d.launchSpec().kind, LaunchSpec::Kind::Template);
  }

  // Before Start the judge group says which variable's value goes to which URL; a key's name needs
  // no question.
  void judgeUrlAndKeyVariableShownBeforeStart() {
    RunLauncherDialog d;
    fillValid(d);
    auto* summary = d.findChild<QLabel*>("judgeSummary");
    QVERIFY(summary);
    QVERIFY(!summary->isVisibleTo(&d));  // no judge: nothing is sent
    QCOMPARE(d.field("reward.judge.api_key_env")->text(), QString("OPENAI_API_KEY"));
    d.findChild<QCheckBox*>("reward.judge.enabled")->setChecked(true);
    d.field("reward.judge.base_url")->setText("http://judge.example:8000/v1");
    d.field("reward.judge.model")->setText("qwen-judge");
    QVERIFY(summary->isVisibleTo(&d));
    QVERIFY2(summary->text().contains("$OPENAI_API_KEY") && summary->text().contains("http://judge.example:8000/v1"),
             qPrintable(summary->text()));
    d.field("reward.judge.api_key_env")->setText("HF_TOKEN");
    QVERIFY2(summary->text().contains("$HF_TOKEN"), qPrintable(summary->text()));
    QCOMPARE(d.config().reward.judge.apiKeyEnv, std::string("HF_TOKEN"));
    int asked = 0;
    d.setConsentPrompt([&](const QString&) { return ++asked, false; });
    d.findChild<QPushButton*>("start")->click();
    QCOMPARE(asked, 0);
    QCOMPARE(d.result(), int(QDialog::Accepted));
    d.field("reward.judge.api_key_env")->setText("MY KEY");  // not a variable name: an error, no question
    QCOMPARE(d.errorText("reward.judge.api_key_env"),
             QString("must be an environment variable name (letters, digits and _, not starting with a digit), got "
                     "'MY KEY'"));
    QVERIFY(!startEnabled(d));
  }

  // HOME as the key variable: Start is allowed but asks first, naming the variable and the URL; No
  // keeps the dialog open, Yes starts with allow_any_key_env set, for that variable and URL only.
  void keyVariableNotLikeAKeyIsAskedAtStart() {
    RunLauncherDialog d;
    fillValid(d);
    d.findChild<QCheckBox*>("reward.judge.enabled")->setChecked(true);
    d.field("reward.judge.base_url")->setText("http://judge.example:8000/v1");
    d.field("reward.judge.model")->setText("qwen-judge");
    d.field("reward.judge.api_key_env")->setText("HOME");
    QVERIFY2(startEnabled(d), qPrintable(d.errorText("reward.judge.api_key_env")));
    QCOMPARE(d.errorText("reward.judge.api_key_env"), QString());
    const QString summary = d.findChild<QLabel*>("judgeSummary")->text();
    QVERIFY2(summary.contains("$HOME") && summary.contains("not named like an API key"), qPrintable(summary));
    QStringList questions;
    bool answer = false;
    d.setConsentPrompt([&](const QString& q) {
      questions << q;
      return answer;
    });
    d.findChild<QPushButton*>("start")->click();
    QCOMPARE(questions.size(), 1);
    QVERIFY2(questions[0].contains("$HOME") && questions[0].contains("http://judge.example:8000/v1"),
             qPrintable(questions[0]));
    QVERIFY(d.result() != QDialog::Accepted);
    QVERIFY(!d.config().reward.judge.allowAnyKeyEnv);
    answer = true;
    d.findChild<QPushButton*>("start")->click();
    QCOMPARE(questions.size(), 2);
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QVERIFY(d.config().reward.judge.allowAnyKeyEnv);
    QVERIFY(d.configJson().contains("\"allow_any_key_env\": true"));
    QVERIFY(longrl::config::RunConfig::check(nlohmann::json::parse(d.configJson().toStdString())).empty());
    d.field("reward.judge.base_url")->setText("http://elsewhere.example/v1");  // consent was for the other URL
    QVERIFY(!d.config().reward.judge.allowAnyKeyEnv);
  }

  // A shared config naming HOME (and allowing it itself) loads, shows HOME and its URL, and Start
  // still asks: the file's allow_any_key_env is not the user's answer.
  void sharedConfigWithAnyKeyVariableStillAsks() {
    RunLauncherDialog d;
    fillValid(d);
    LaunchSpec spec = d.launchSpec();
    nlohmann::json j = nlohmann::json::parse(d.configJson().toStdString());
    j["reward"]["judge"] = {{"enabled", true},
                            {"base_url", "https://collector.example/v1"},
                            {"model", "m"},
                            {"api_key_env", "HOME"},
                            {"allow_any_key_env", true}};
    const QString path = tmp_ + "/shared-home.json";
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray::fromStdString(j.dump(2)));
    f.close();
    QVERIFY2(d.loadFile(path), qPrintable(d.generalErrorText()));
    d.setLaunchSpec(spec);
    QCOMPARE(d.field("reward.judge.api_key_env")->text(), QString("HOME"));
    const QString summary = d.findChild<QLabel*>("judgeSummary")->text();
    QVERIFY2(summary.contains("$HOME") && summary.contains("https://collector.example/v1"), qPrintable(summary));
    QVERIFY(!d.config().reward.judge.allowAnyKeyEnv);
    int asked = 0;
    d.setConsentPrompt([&](const QString&) { return ++asked, false; });
    QVERIFY(startEnabled(d));
    d.findChild<QPushButton*>("start")->click();
    QCOMPARE(asked, 1);
    QVERIFY(d.result() != QDialog::Accepted);

    j["reward"]["judge"].erase("allow_any_key_env");  // without it, the file still loads for the question
    QFile g(tmp_ + "/shared-home-2.json");
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(QByteArray::fromStdString(j.dump(2)));
    g.close();
    QVERIFY2(d.loadFile(g.fileName()), qPrintable(d.generalErrorText()));
    QCOMPARE(d.field("reward.judge.api_key_env")->text(), QString("HOME"));
    j["grpo"]["lr"] = -1;  // other problems are still refused
    QFile h(tmp_ + "/shared-home-3.json");
    QVERIFY(h.open(QIODevice::WriteOnly));
    h.write(QByteArray::fromStdString(j.dump(2)));
    h.close();
    QVERIFY(!d.loadFile(h.fileName()));
    QVERIFY2(d.generalErrorText().contains("grpo.lr"), qPrintable(d.generalErrorText()));
  }

  void runDirectoryAndTrainerAreChecked() {
    RunLauncherDialog d;
    fillValid(d);
    LaunchSpec spec = d.launchSpec();
    spec.trainerProgram = tmp_ + "/no-longrl-here";
    spec.localRunDir = "relative/dir";
    d.setLaunchSpec(spec);
    QCOMPARE(d.errorText("launch.trainer"), "not an executable file: " + spec.trainerProgram);
    QCOMPARE(d.errorText("launch.run_dir"), QString("must be an absolute path"));
    d.field("model.path")->setText(tmp_ + "/no-model");
    QCOMPARE(d.errorText("model"), "model.path: no such directory: " + tmp_ + "/no-model");
  }

  void saveAndLoadRoundTrip() {
    RunLauncherDialog d;
    fillValid(d);
    d.field("grpo.clip_ratio_high")->setText("0.28");
    const QString path = tmp_ + "/saved.json";
    QVERIFY(d.saveFile(path));
    const auto saved = longrl::config::RunConfig::loadFile(path.toStdString());
    QCOMPARE(saved.grpo.clipRatioHigh, 0.28);
    QCOMPARE(saved.toJson(), d.config().toJson());

    RunLauncherDialog other;
    QVERIFY(other.loadFile(path));
    QCOMPARE(other.field("grpo.clip_ratio_high")->text(), QString("0.28"));
    QCOMPARE(other.config().toJson(), saved.toJson());

    QFile bad(tmp_ + "/bad.json");
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{\"grpo\": {\"lr\": \"fast\", \"rollout_m\": 8}}");
    bad.close();
    QVERIFY(!other.loadFile(bad.fileName()));
    QVERIFY2(other.generalErrorText().contains("grpo.lr"), qPrintable(other.generalErrorText()));
    QVERIFY(other.generalErrorText().contains("rollout_m"));
    QCOMPARE(other.field("grpo.clip_ratio_high")->text(), QString("0.28"));  // the form is kept
  }

  void screenshot() {
    if (!qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR")) QSKIP("set LONGRL_SCREENSHOT_DIR to save a screenshot");
    RunLauncherDialog d;
    fillValid(d);
    d.field("grpo.clip_ratio_low")->setText("1.2");
    d.phasesModel()->setData(d.phasesModel()->index(1, PhasesModel::MaxInputTokens), "15000");
    d.findChild<QCheckBox*>("reward.judge.enabled")->setChecked(true);
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QVERIFY(d.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + "/run-launcher.png"));
  }
};

QTEST_MAIN(TestLaunchDialog)
#include "TestLaunchDialog.moc"
