// "Evaluate checkpoint…": the run's complete checkpoints, the `longrl eval` command line (the judge
// key travels in the environment, never in the arguments), the table model under
// QAbstractItemModelTester, and a real evaluation of a checkpoint (the shipped demo warm start
// copied into a run directory) through the longrl binary with a fake judge: the dialog's table
// shows the numbers `longrl eval --json` prints for the same request. Failures show their cause.
// The dialog's own handling (progress, table, summary) is checked first against tests/ui/fake_eval.sh,
// a stand-in printing a fixed report. Leaves screenshots of the dialog (eval-dialog*.png under
// LONGRL_TEST_TMP).
#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableView>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/config/RunConfig.h"
#include "core/demo/DemoExampleGenerator.h"
#include "core/eval/EvalReport.h"
#include "core/eval/EvalTable.h"
#include "support/FakeOpenAIServer.h"
#include "support/TestPaths.h"
#include "ui/MainWindow.h"
#include "ui/eval/EvalCheckpointDialog.h"
#include "ui/eval/EvalProcess.h"
#include "ui/eval/EvalRequest.h"
#include "ui/eval/EvalTableModel.h"
#include "ui/eval/RunCheckpoints.h"
#include "viewers/data/RunSession.h"

namespace fs = std::filesystem;
using namespace longrl;
using ui::EvalTableModel;

namespace {

// Screenshots outlive the test's temporary directory (removed at exit): LONGRL_TEST_TMP or /tmp.
QString screenshotPath(const char* name) {
  const QByteArray base = qgetenv("LONGRL_TEST_TMP");
  return QDir(base.isEmpty() ? QStringLiteral("/tmp") : QString::fromUtf8(base)).filePath(QString::fromLatin1(name));
}

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "{}";
}

eval::EvalReport sampleReport(int k) {
  eval::EvalReport r;
  r.model = "m";
  r.data = "d";
  r.k = k;
  for (const auto& [name, scorer, n, g] :
       std::vector<std::tuple<std::string, std::string, int, double>>{{"docmath_qa", "docmath", 4, 0.25},
                                                                      {"hotpotqa", "docqa", 6, 0.5}}) {
    eval::EvalRow row;
    row.name = name;
    row.scorer = scorer;
    row.examples = n;
    row.acc.greedy = g;
    row.rule.greedy = g / 2;
    if (k > 1) row.acc.meanAtK = g / 2, row.acc.passAtK = g + 0.25, row.rule.meanAtK = g / 4, row.rule.passAtK = g;
    r.sources.push_back(row);
  }
  r.examples = 10;
  r.average = eval::EvalReport::averageOf(r.sources);
  return r;
}

QString cell(const QAbstractItemModel& m, int row, int column) { return m.index(row, column).data().toString(); }

}  // namespace

class TestEvalCheckpointDialog : public QObject {
  Q_OBJECT
  std::string root_, runDir_, data_;

  // A run directory whose checkpoint step-5 is the demo warm start, with a config naming the data.
  void makeRun() {
    runDir_ = root_ + "/run";
    const fs::path ckpt = fs::path(runDir_) / "checkpoints" / "step-5";
    fs::create_directories(ckpt);
    for (const auto& e : fs::directory_iterator(test::sourcePath("resources/demo-warmstart")))
      if (e.is_regular_file()) fs::copy_file(e.path(), ckpt / e.path().filename());
    touch(ckpt / "trainer_state" / "state.json");
    data_ = root_ + "/val.jsonl";
    demo::DemoExampleGenerator gen(3);
    std::ofstream out(data_);
    for (int i = 0; i < 6; ++i) {
      const auto ex = gen.generate(0);
      const bool math = ex.dataSource.find("docmath") != std::string::npos;
      out << nlohmann::json{{"document", ex.document},
                            {"question", ex.question},
                            {"answer", ex.answer},
                            {"data_source", math ? "docmath_qa" : "hotpotqa"},
                            {"extra_info", {{"index", i}}}}
                 .dump()
          << "\n";
    }
    config::RunConfig cfg;
    cfg.model.path = ckpt.string();
    cfg.dataset.train = {data_};
    cfg.dataset.val = {data_};
    cfg.saveFile((fs::path(runDir_) / "config.json").string());
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
    QCoreApplication::setApplicationName("TestEvalCheckpointDialog");
    QSettings().clear();
    root_ = test::freshTempDir("eval-dialog");
    makeRun();
  }

  void listsCompleteCheckpoints() {
    const fs::path run = root_ + "/listing";
    touch(run / "checkpoints/step-20/trainer_state/state.json");
    touch(run / "checkpoints/step-3/trainer_state/state.json");
    fs::create_directories(run / "checkpoints/step-40/trainer_state");  // incomplete: no state.json
    touch(run / "checkpoints/.tmp-step-50/trainer_state/state.json");   // being written
    touch(run / "checkpoints/step-x/trainer_state/state.json");         // not a step
    const auto list = ui::RunCheckpoints::list(QString::fromStdString(run.string()));
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].step, qint64(3));
    QCOMPARE(list[1].step, qint64(20));
    QVERIFY(list[1].dir.endsWith("/checkpoints/step-20"));
    QVERIFY(ui::RunCheckpoints::list(QString::fromStdString(root_ + "/nothing")).isEmpty());
  }

  void requestCommandLine() {
    ui::EvalRequest r;
    r.modelDir = QString::fromStdString(root_);
    r.dataFile = QString::fromStdString(data_);
    r.k = 8;
    r.limit = 3;
    QVERIFY(r.problem().isEmpty());
    QCOMPARE(r.arguments(), (QStringList{"eval", "--model", r.modelDir, "--data", r.dataFile, "--k", "8",
                                         "--max-new-tokens", "256", "--json", "--limit", "3"}));
    r.judgeUrl = "http://127.0.0.1:9/v1";
    QVERIFY(r.problem().contains("judge model"));
    r.judgeModel = "j";
    r.judgeApiKey = "sekrit";
    QVERIFY(!r.arguments().join(' ').contains("sekrit"));
    QVERIFY(
        r.arguments().join(' ').endsWith("--judge-url http://127.0.0.1:9/v1 --judge-model j --judge-api-key-env "
                                         "LONGRL_EVAL_JUDGE_API_KEY"));
    QCOMPARE(r.environment(QProcessEnvironment()).value("LONGRL_EVAL_JUDGE_API_KEY"), QString("sekrit"));
    r.dataFile = QString::fromStdString(root_ + "/missing.jsonl");
    QVERIFY(r.problem().startsWith("data file"));
  }

  void tableModel() {
    EvalTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setReport(sampleReport(4));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), 6);
    QCOMPARE(model.headerData(EvalTableModel::MeanAtK, Qt::Horizontal).toString(), QString("mean@4"));
    QCOMPARE(model.headerData(EvalTableModel::PassAtK, Qt::Horizontal).toString(), QString("pass@4"));
    QCOMPARE(cell(model, 1, EvalTableModel::Name), QString("hotpotqa"));
    QCOMPARE(cell(model, 1, EvalTableModel::Scorer), QString("docqa"));
    QCOMPARE(cell(model, 1, EvalTableModel::Examples), QString("6"));
    QCOMPARE(cell(model, 1, EvalTableModel::Greedy), QString("50.0"));
    QCOMPARE(cell(model, 1, EvalTableModel::MeanAtK), QString("25.0"));
    QCOMPARE(cell(model, 1, EvalTableModel::PassAtK), QString("75.0"));
    QCOMPARE(model.index(1, EvalTableModel::PassAtK).data(Qt::UserRole).toDouble(), 0.75);
    QVERIFY(model.index(1, EvalTableModel::Greedy).data(Qt::ToolTipRole).toString().startsWith("25.0%"));
    QCOMPARE(cell(model, 2, EvalTableModel::Name), QString("average"));
    QCOMPARE(cell(model, 2, EvalTableModel::Examples), QString("10"));
    QCOMPARE(cell(model, 2, EvalTableModel::Greedy), QString("37.5"));
    QVERIFY(model.index(2, 0).data(Qt::FontRole).value<QFont>().bold());
    model.setReport(sampleReport(1));  // greedy only: no sampled columns
    QCOMPARE(model.columnCount(), 4);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
  }

  void showsTheReportOfAFakeEval() {
    ui::EvalCheckpointDialog dialog(QString::fromStdString(runDir_),
                                    QString::fromStdString(test::sourcePath("tests/ui/fake_eval.sh")));
    QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString argsFile = QString::fromStdString(root_ + "/fake-eval-args.txt");
    qputenv("FAKE_EVAL_ARGS", argsFile.toUtf8());
    dialog.findChild<QGroupBox*>("judge")->setChecked(true);
    dialog.findChild<QLineEdit*>("judgeUrl")->setText("http://127.0.0.1:8000/v1");
    dialog.findChild<QLineEdit*>("judgeModel")->setText("judge-m");
    dialog.findChild<QLineEdit*>("judgeApiKey")->setText("sekrit");
    dialog.resize(820, 560);
    dialog.show();
    QSignalSpy progress(dialog.process(), &ui::EvalProcess::progress);
    QSignalSpy finished(dialog.process(), &ui::EvalProcess::finished);
    dialog.startEvaluation();
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 20000);
    qunsetenv("FAKE_EVAL_ARGS");
    // Progress over both passes: 4 greedy examples, then 4 x k=4 samples.
    QCOMPARE(progress.size(), 4);
    QCOMPARE(progress[1].at(1).toInt(), 4);
    QCOMPARE(progress[2].at(1).toInt(), 4 + 2 * 4);
    QCOMPARE(progress[3].at(1).toInt(), 4 * 5);
    QCOMPARE(progress[3].at(2).toInt(), 4 * 5);
    QFile args(argsFile);
    QVERIFY(args.open(QIODevice::ReadOnly));
    const QString argv = QString::fromUtf8(args.readAll());
    QVERIFY2(argv.startsWith("eval\n--model\n") && argv.contains("\n--json\n") && !argv.contains("sekrit"),
             qPrintable(argv));
    const auto* model = dialog.model();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->columnCount(), 6);
    const QStringList expected[] = {{"docmath_qa", "docmath", "2", "50.0", "40.0", "100.0"},
                                    {"hotpotqa", "docqa", "2", "0.0", "25.0", "50.0"},
                                    {"average", "", "4", "25.0", "32.5", "75.0"}};
    for (int row = 0; row < 3; ++row)
      for (int c = 0; c < 6; ++c) QCOMPARE(cell(*model, row, c), expected[row][c]);
    const QString summary = dialog.findChild<QLabel*>("summary")->text();
    QVERIFY2(summary.contains("9 calls (3 yes, 5 no, 1 errors)") && summary.contains("pass@4"), qPrintable(summary));
    QCOMPARE(dialog.findChild<QProgressBar*>("progress")->value(),
             dialog.findChild<QProgressBar*>("progress")->maximum());
    const QString shot = screenshotPath("eval-dialog-fake.png");
    QVERIFY(dialog.grab().save(shot));
    qInfo("screenshot: %s", qPrintable(shot));
  }

  void evaluatesACheckpointWithAJudge() {
    test::FakeOpenAIServer judge;
    judge.setDefault(test::FakeOpenAIServer::Behaviour::reply("Same meaning. [[YES]]"));
    ui::EvalCheckpointDialog dialog(QString::fromStdString(runDir_), QString::fromStdString(test::cliPath()));
    QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto* checkpoint = dialog.findChild<QComboBox*>("checkpoint");
    QCOMPARE(checkpoint->count(), 1);
    QCOMPARE(checkpoint->currentText(), QString("step 5"));
    QCOMPARE(dialog.findChild<QLineEdit*>("dataFile")->text(), QString::fromStdString(data_));  // from config.json
    dialog.findChild<QSpinBox*>("k")->setValue(3);
    dialog.findChild<QSpinBox*>("maxNewTokens")->setValue(40);
    dialog.findChild<QGroupBox*>("judge")->setChecked(true);
    dialog.findChild<QLineEdit*>("judgeUrl")->setText(QString::fromStdString(judge.baseUrl()));
    dialog.findChild<QLineEdit*>("judgeModel")->setText("fake-judge");
    dialog.findChild<QLineEdit*>("judgeApiKey")->setText("sekrit");
    dialog.resize(820, 560);
    dialog.show();

    QSignalSpy finished(dialog.process(), &ui::EvalProcess::finished);
    QSignalSpy failed(dialog.process(), &ui::EvalProcess::failed);
    QSignalSpy progress(dialog.process(), &ui::EvalProcess::progress);
    dialog.findChild<QPushButton*>("evaluate")->click();
    QVERIFY(!dialog.findChild<QPushButton*>("evaluate")->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 240000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QVERIFY(!progress.isEmpty());
    const auto last = progress.last();
    QCOMPARE(last.at(1).toInt(), last.at(2).toInt());  // the bar ends full
    QCOMPARE(last.at(2).toInt(), 6 * (1 + 3));
    QVERIFY(dialog.findChild<QPushButton*>("evaluate")->isEnabled());

    const auto& report = dialog.process()->report();
    QVERIFY(report.judge && report.judge->calls > 0);
    QCOMPARE(static_cast<int64_t>(judge.requestCount()), report.judge->calls);
    for (const auto& req : judge.requests()) QCOMPARE(req.authorization, std::string("Bearer sekrit"));

    // The same request on the command line prints the same numbers the table shows.
    QProcess cli;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("LONGRL_EVAL_JUDGE_API_KEY", "sekrit");
    cli.setProcessEnvironment(env);
    cli.start(QString::fromStdString(test::cliPath()), dialog.request().arguments());
    QVERIFY(cli.waitForFinished(240000));
    QCOMPARE(cli.exitCode(), 0);
    const auto direct = eval::EvalReport::fromJson(nlohmann::json::parse(cli.readAllStandardOutput().toStdString()));
    const auto* model = dialog.model();
    QCOMPARE(model->rowCount(), static_cast<int>(direct.sources.size()) + 1);
    for (int row = 0; row < model->rowCount(); ++row) {
      const auto& r =
          row < static_cast<int>(direct.sources.size()) ? direct.sources[static_cast<size_t>(row)] : direct.average;
      QCOMPARE(cell(*model, row, EvalTableModel::Name), QString::fromStdString(r.name));
      QCOMPARE(cell(*model, row, EvalTableModel::Examples), QString::number(r.examples));
      QCOMPARE(cell(*model, row, EvalTableModel::Greedy),
               QString::fromStdString(eval::EvalTable::percent(r.acc.greedy)));
      QCOMPARE(cell(*model, row, EvalTableModel::MeanAtK),
               QString::fromStdString(eval::EvalTable::percent(r.acc.meanAtK)));
      QCOMPARE(cell(*model, row, EvalTableModel::PassAtK),
               QString::fromStdString(eval::EvalTable::percent(r.acc.passAtK)));
      QVERIFY(*r.acc.passAtK >= *r.acc.meanAtK);
    }
    QVERIFY(dialog.findChild<QLabel*>("summary")->text().contains("pass@3"));

    const QString shot = screenshotPath("eval-dialog.png");
    QVERIFY(dialog.grab().save(shot));
    qInfo("screenshot: %s", qPrintable(shot));
  }

  void showsWhyItFailed() {
    ui::EvalCheckpointDialog dialog(QString::fromStdString(runDir_), QString::fromStdString(test::cliPath()));
    auto* status = dialog.findChild<QLabel*>("status");
    // Refused before starting: a missing file.
    dialog.findChild<QLineEdit*>("dataFile")->setText(QString::fromStdString(root_ + "/missing.jsonl"));
    dialog.startEvaluation();
    QVERIFY2(status->text().contains("missing.jsonl"), qPrintable(status->text()));
    QVERIFY(!dialog.process()->isRunning());
    // Failed in longrl eval: a data_source no scorer knows; the routing table comes back.
    const std::string bad = root_ + "/unknown.jsonl";
    std::ofstream(bad) << R"({"document": "d", "question": "q", "answer": "a", "data_source": "gsm8k"})"
                       << "\n";
    dialog.findChild<QLineEdit*>("dataFile")->setText(QString::fromStdString(bad));
    QSignalSpy failed(dialog.process(), &ui::EvalProcess::failed);
    dialog.startEvaluation();
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 60000);
    QVERIFY2(status->text().contains("gsm8k") && status->text().contains("hotpotqa[_...] -&gt; docqa"),
             qPrintable(status->text()));
    QVERIFY(dialog.findChild<QPushButton*>("evaluate")->isEnabled());
  }

  void mainWindowOpensIt() {
    ui::MainWindow window;
    auto* run = window.openRun(QString::fromStdString(runDir_));
    QVERIFY(run);
    auto* dialog = window.evaluateCheckpoint(run);
    QVERIFY(dialog);
    QCOMPARE(dialog->findChild<QComboBox*>("checkpoint")->count(), 1);
    QVERIFY(dialog->request().modelDir.endsWith("checkpoints/step-5"));
    dialog->close();
  }
};

QTEST_MAIN(TestEvalCheckpointDialog)
#include "TestEvalCheckpointDialog.moc"
