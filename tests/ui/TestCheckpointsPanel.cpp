// The Checkpoints tab: a run directory with fake checkpoints (trainer_state/state.json and a few
// bytes of model files), a run store with two phases and saved evaluations (two of them damaged).
// Checks the evaluation files (saved whole, read back, damaged ones named and skipped, the latest of
// a step winning), the table (QAbstractItemModelTester; step, phase, size, saved time, the latest
// evaluation and its accuracies per data source), the chart's points, Evaluate… (the dialog picks
// the selected step and its result is saved and shown), Ask in Document QA (the Document QA panel's
// local model), Serve (tests/ui/fake_longrl.sh: the argv, the URL, Copy, Stop and the panel's end
// stopping the child, a failure's stderr), the table following the directory, and a template run
// (listed where a shared filesystem shows its directory). Runs over ssh: TestRemoteCheckpoints. Screenshots go to
// LONGRL_SCREENSHOT_DIR when it is set.
#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QtCharts/QChart>
#include <QtCharts/QValueAxis>

#include <cerrno>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "support/TestPaths.h"
#include "ui/MainWindow.h"
#include "ui/RunsModel.h"
#include "ui/checkpoints/CheckpointsModel.h"
#include "ui/checkpoints/CheckpointsPanel.h"
#include "ui/checkpoints/EvalAccuracyChart.h"
#include "ui/checkpoints/EvalResults.h"
#include "ui/checkpoints/ServeBar.h"
#include "ui/docqa/DocumentQaPanel.h"
#include "ui/docqa/LocalModelServer.h"
#include "ui/eval/EvalCheckpointDialog.h"
#include "ui/launch/LaunchSpecFile.h"

namespace fs = std::filesystem;
using namespace longrl;
using ui::CheckpointsModel;
using ui::CheckpointsPanel;
using ui::EvalResult;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString q(const fs::path& p) { return QString::fromStdString(p.string()); }

void writeBytes(const fs::path& p, size_t n) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << std::string(n, 'x');
}

const QDateTime kSaved(QDate(2024, 5, 1), QTime(12, 30));

// checkpoints/step-N with state.json ("{}", saved at kSaved), config.json (10 bytes) and
// model.safetensors (modelBytes).
void makeCheckpoint(const fs::path& run, qint64 step, size_t modelBytes, const char* prefix = "step-") {
  const fs::path dir = run / "checkpoints" / (prefix + std::to_string(step));
  fs::create_directories(dir / "trainer_state");
  std::ofstream(dir / "trainer_state" / "state.json") << "{}";
  writeBytes(dir / "config.json", 10);
  writeBytes(dir / "model.safetensors", modelBytes);
  QFile state(q(dir / "trainer_state" / "state.json"));
  QVERIFY(state.open(QIODevice::ReadWrite));
  QVERIFY(state.setFileTime(kSaved, QFileDevice::FileModificationTime));
}

eval::EvalRow row(const std::string& name, double greedy, std::optional<double> mean, std::optional<double> pass) {
  eval::EvalRow r;
  r.name = name;
  r.scorer = name == "docmath_qa" ? "docmath" : "docqa";
  r.examples = 4;
  r.acc = {greedy, mean, pass};
  r.rule = r.acc;
  return r;
}

// A saved evaluation of `step`; sources: name -> greedy (mean@k = greedy / 2, pass@k = greedy + 0.25
// when k > 1).
EvalResult result(qint64 step, const QString& data, int k, const std::vector<std::pair<std::string, double>>& sources,
                  const QDateTime& when, const QString& judgeModel = {}) {
  EvalResult r;
  r.step = step;
  r.checkpointDir = QStringLiteral("/runs/x/checkpoints/step-%1").arg(step);
  r.dataFile = data;
  r.k = k;
  r.maxNewTokens = 256;
  r.evaluatedAt = when;
  if (!judgeModel.isEmpty()) {
    r.judgeUrl = QStringLiteral("http://127.0.0.1:8000/v1");
    r.judgeModel = judgeModel;
  }
  r.report.k = k;
  for (const auto& [name, g] : sources)
    r.report.sources.push_back(row(name, g, k > 1 ? std::optional<double>(g / 2) : std::nullopt,
                                   k > 1 ? std::optional(g + 0.25) : std::nullopt));
  r.report.average = eval::EvalReport::averageOf(r.report.sources);
  r.report.examples = 4 * static_cast<int64_t>(sources.size());
  return r;
}

QString cell(const QAbstractItemModel& m, int row, int column, int role = Qt::DisplayRole) {
  return m.index(row, column).data(role).toString();
}

bool alive(qint64 pid) { return ::kill(pid_t(pid), 0) == 0 || errno != ESRCH; }

qint64 readPid(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : 0;
}

void screenshot(QWidget* w, const char* name) {
  if (!qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR")) return;
  const QString path = qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QLatin1Char('/') + QLatin1String(name);
  QTest::qWait(50);  // pending layout requests (a notice's new text) first
  QVERIFY2(w->grab().save(path), qPrintable(path));
  qInfo("screenshot: %s", qPrintable(path));
}

}  // namespace

class TestCheckpointsPanel : public QObject {
  Q_OBJECT
  std::string root_;
  fs::path run_;
  QString fake_;
  QDateTime t0_ = QDateTime(QDate(2024, 5, 2), QTime(9, 0), Qt::UTC);

  // Checkpoints 10, 20, 30 (40 incomplete, 50 being written); phases "short" (steps 1-20) and
  // "long" (21-, running); evaluations: step 5 (checkpoint since deleted), 10, 20 twice (the later
  // one on other.jsonl with a judge wins), and two damaged files of step 30.
  void makeRun() {
    run_ = fs::path(root_) / "run-a";
    makeCheckpoint(run_, 10, 100);
    makeCheckpoint(run_, 20, 200);
    makeCheckpoint(run_, 30, 300);
    fs::create_directories(run_ / "checkpoints" / "step-40" / "trainer_state");
    makeCheckpoint(run_, 50, 500, ".tmp-step-");
    {
      store::RunStoreWriter writer(store::RunStore::fileIn(run_.string()));
      store::RunInfo info;
      info.name = "run-a";
      info.status = "running";
      writer.writeRun(info);
      store::PhaseInfo p;
      p.index = 0, p.name = "short", p.start_step = 1, p.end_step = 20, p.status = "done";
      writer.writePhase(p);
      p.index = 1, p.name = "long", p.start_step = 21, p.end_step = -1, p.status = "running";
      writer.writePhase(p);
    }
    const QString dir = q(run_);
    const QString val = q(root_ + "/val.jsonl"), other = q(root_ + "/other.jsonl");
    for (const EvalResult& r : {result(5, val, 4, {{"docmath_qa", 0.25}, {"hotpotqa", 0.0}}, t0_),
                                result(10, val, 4, {{"docmath_qa", 0.5}, {"hotpotqa", 0.25}}, t0_),
                                result(20, val, 4, {{"docmath_qa", 0.75}, {"hotpotqa", 0.5}}, t0_),
                                result(20, other, 1, {{"hotpotqa", 0.5}, {"longbench", 0.625}}, t0_.addSecs(60),
                                       QStringLiteral("judge-m"))}) {
      QString path;
      QCOMPARE(ui::EvalResults::save(dir, r, &path), QString());
      QVERIFY(path.endsWith(QStringLiteral("/evals/") + r.fileName()));
    }
    std::ofstream(run_ / "evals" / "step-30-broken.json") << R"({"format": 1, "step": 30, "report": {)";
    std::ofstream(run_ / "evals" / "step-30-nok.json") << R"({"format": 1, "step": 30})";
  }

  // state.json ("{}"), config.json and the model.
  static qint64 bytesOf(size_t model) { return qint64(2 + 10 + model); }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
    QCoreApplication::setApplicationName("TestCheckpointsPanel");
    QSettings().clear();
    root_ = test::freshTempDir("checkpoints-panel");
    fake_ = q(test::sourcePath("tests/ui/fake_longrl.sh"));
    std::ofstream(root_ + "/val.jsonl") << "{}\n";
    std::ofstream(root_ + "/other.jsonl") << "{}\n";
    makeRun();
  }

  void evalResultsRoundTripAndDamage() {
    EvalResult r = result(7, QStringLiteral("/data/my data.v2.jsonl"), 4, {{"docmath_qa", 0.5}}, t0_, "j");
    QCOMPARE(r.label(), QString("my_data.v2"));
    QCOMPARE(r.fileName(), QString("step-7-my_data.v2.json"));
    const EvalResult back = EvalResult::fromJson(r.toJson());
    QCOMPARE(back.step, qint64(7));
    QCOMPARE(back.dataFile, r.dataFile);
    QCOMPARE(back.k, 4);
    QCOMPARE(back.judgeModel, QString("j"));
    QCOMPARE(back.judgeUrl, r.judgeUrl);
    QCOMPARE(back.evaluatedAt, t0_);
    QCOMPARE(back.report.sources.size(), size_t(1));
    QCOMPARE(*back.report.sources[0].acc.passAtK, 0.75);

    const auto loaded = ui::EvalResults::load(q(run_));
    QCOMPARE(loaded.results.size(), 4);
    QCOMPARE(loaded.problems.size(), 2);
    QVERIFY2(loaded.problems[0].startsWith(q(run_ / "evals" / "step-30-broken.json") + ": ") &&
                 loaded.problems[0].contains("parse error"),
             qPrintable(loaded.problems[0]));
    QVERIFY2(loaded.problems[1].startsWith(q(run_ / "evals" / "step-30-nok.json") + ": ") &&
                 loaded.problems[1].contains("missing field 'checkpoint'"),
             qPrintable(loaded.problems[1]));
    const auto latest = ui::EvalResults::latestByStep(loaded.results);
    QCOMPARE(latest.keys(), (QList<qint64>{5, 10, 20}));
    QVERIFY(latest[20].dataFile.endsWith("other.jsonl"));

    // evals/ cannot be created: the error names it, and nothing is left behind.
    const fs::path blocked = fs::path(root_) / "blocked";
    writeBytes(blocked / "evals", 3);
    const QString error = ui::EvalResults::save(q(blocked), r);
    QVERIFY2(error.contains(q(blocked / "evals")), qPrintable(error));
  }

  void tableOfCheckpoints() {
    CheckpointsPanel panel;
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.setRunDir(q(run_));
    const CheckpointsModel& m = *panel.model();
    QVERIFY(!panel.isRemote());
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.sources(), (QStringList{"docmath_qa", "hotpotqa", "longbench"}));
    QCOMPARE(m.columnCount(), CheckpointsModel::FirstSource + 3);
    QCOMPARE(m.headerData(CheckpointsModel::FirstSource + 2, Qt::Horizontal).toString(), QString("longbench"));
    QCOMPARE(panel.selectedStep(), qint64(30));  // the latest is selected

    const qint64 steps[] = {10, 20, 30};
    const char* phases[] = {"short", "short", "long"};
    const size_t model[] = {100, 200, 300};
    for (int r = 0; r < 3; ++r) {
      QCOMPARE(m.index(r, CheckpointsModel::Step).data(Qt::UserRole).toLongLong(), steps[r]);
      QCOMPARE(cell(m, r, CheckpointsModel::Phase), QString(phases[r]));
      QCOMPARE(m.index(r, CheckpointsModel::Size).data(Qt::UserRole).toLongLong(), bytesOf(model[r]));
      QCOMPARE(m.index(r, CheckpointsModel::Saved).data(Qt::UserRole).toDateTime(), kSaved);
      QCOMPARE(cell(m, r, CheckpointsModel::Saved), QString("2024-05-01 12:30"));
      QVERIFY(cell(m, r, CheckpointsModel::Step, Qt::ToolTipRole).endsWith(QStringLiteral("/step-%1").arg(steps[r])));
    }
    // Step 10: val.jsonl, k 4; average greedy (0.5 + 0.25) / 2.
    QCOMPARE(cell(m, 0, CheckpointsModel::Evaluation), QString("val.jsonl, k 4"));
    QCOMPARE(cell(m, 0, CheckpointsModel::Greedy), QString("37.5"));
    QCOMPARE(cell(m, 0, CheckpointsModel::MeanAtK), QString("18.8"));
    QCOMPARE(cell(m, 0, CheckpointsModel::PassAtK), QString("62.5"));
    QCOMPARE(m.index(0, CheckpointsModel::Greedy).data(Qt::UserRole).toDouble(), 0.375);
    QCOMPARE(cell(m, 0, CheckpointsModel::FirstSource), QString("50.0"));
    QCOMPARE(cell(m, 0, CheckpointsModel::FirstSource + 1), QString("25.0"));
    QCOMPARE(cell(m, 0, CheckpointsModel::FirstSource + 2), QString());
    QVERIFY(cell(m, 0, CheckpointsModel::FirstSource, Qt::ToolTipRole).contains("mean@4 25.0%, pass@4 75.0%"));
    // Step 20: the later evaluation (other.jsonl, k 1, a judge) replaces the earlier one.
    QCOMPARE(cell(m, 1, CheckpointsModel::Evaluation), QString("other.jsonl, k 1, judge judge-m"));
    QCOMPARE(cell(m, 1, CheckpointsModel::Greedy), QString("56.2"));
    QCOMPARE(cell(m, 1, CheckpointsModel::MeanAtK), QString("-"));
    QVERIFY(m.index(1, CheckpointsModel::MeanAtK).data(Qt::UserRole).isNull());
    QCOMPARE(cell(m, 1, CheckpointsModel::FirstSource), QString());
    QCOMPARE(cell(m, 1, CheckpointsModel::FirstSource + 2), QString("62.5"));
    QVERIFY(cell(m, 1, CheckpointsModel::Evaluation, Qt::ToolTipRole).contains("evals/step-20-other.json"));
    // Step 30: its two files are damaged, so it has no evaluation; the panel names them.
    QCOMPARE(cell(m, 2, CheckpointsModel::Evaluation), QString());
    QVERIFY(m.index(2, CheckpointsModel::Greedy).data(Qt::UserRole).isNull());
    QCOMPARE(panel.problems().size(), 2);
    const QString shown = panel.findChild<QLabel*>("problems")->text();
    QVERIFY2(shown.contains("step-30-broken.json") && shown.contains("step-30-nok.json"), qPrintable(shown));
    QVERIFY(panel.noticeText().isEmpty());
  }

  void chartOfAccuracyByStep() {
    CheckpointsPanel panel;
    panel.setRunDir(q(run_));
    ui::EvalAccuracyChart* chart = panel.chart();
    QCOMPARE(chart->lines(), (QStringList{"average", "docmath_qa", "hotpotqa", "longbench"}));
    // Step 5's checkpoint is gone, its evaluation still charts; step 20 is its later evaluation.
    QCOMPARE(chart->points("docmath_qa"), (QList<QPointF>{{5, 25}, {10, 50}}));
    QCOMPARE(chart->points("hotpotqa"), (QList<QPointF>{{5, 0}, {10, 25}, {20, 50}}));
    QCOMPARE(chart->points("longbench"), (QList<QPointF>{{20, 62.5}}));
    QCOMPARE(chart->points("average"), (QList<QPointF>{{5, 12.5}, {10, 37.5}, {20, 56.25}}));
    // Whole steps on the ticks, and room beyond the first and last points for their markers.
    auto* x = qobject_cast<QValueAxis*>(chart->chart()->axes(Qt::Horizontal).value(0));
    QVERIFY(x && x->min() < 5 && x->max() > 20);
    const double tick = (x->max() - x->min()) / (x->tickCount() - 1);
    QVERIFY2(tick >= 1 && tick == std::floor(tick), qPrintable(QString::number(tick)));
    chart->setMeasure(ui::EvalAccuracyChart::Measure::PassAtK);  // step 20 has k 1: no pass@k
    QCOMPARE(chart->points("hotpotqa"), (QList<QPointF>{{5, 25}, {10, 50}}));
    QVERIFY(chart->points("longbench").isEmpty());
    QCOMPARE(panel.findChild<QComboBox*>("measure")->currentIndex(), 2);
  }

  void evaluateSavesAndShowsTheResult() {
    CheckpointsPanel panel;
    panel.setLongrlProgram(fake_);
    panel.setRunDir(q(run_));
    QVERIFY(panel.selectStep(30));
    auto* dialog = panel.evaluateSelected();
    QVERIFY(dialog);
    QCOMPARE(dialog->findChild<QComboBox*>("checkpoint")->currentText(), QString("step 30"));
    const QString data = q(root_ + "/val2.jsonl");
    std::ofstream(data.toStdString()) << "{}\n";
    dialog->findChild<QLineEdit*>("dataFile")->setText(data);
    dialog->findChild<QGroupBox*>("judge")->setChecked(true);
    dialog->findChild<QLineEdit*>("judgeUrl")->setText("http://127.0.0.1:8000/v1");
    dialog->findChild<QLineEdit*>("judgeModel")->setText("judge-m");
    dialog->findChild<QLineEdit*>("judgeApiKey")->setText("sekrit");
    QSignalSpy saved(dialog, &ui::EvalCheckpointDialog::resultSaved);
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
    dialog->startEvaluation();
    QTRY_VERIFY_WITH_TIMEOUT(!saved.isEmpty(), 20000);

    const QString path = q(run_ / "evals" / "step-30-val2.json");
    QCOMPARE(saved.first().first().toString(), path);
    QCOMPARE(dialog->savedResult(), path);
    const std::string text = test::fileBytes(path.toStdString());
    QVERIFY(text.find("sekrit") == std::string::npos);
    const EvalResult r = EvalResult::fromJson(nlohmann::json::parse(text));
    QCOMPARE(r.step, qint64(30));
    QCOMPARE(r.dataFile, data);
    QCOMPARE(r.k, 4);
    QCOMPARE(r.judgeModel, QString("judge-m"));
    QVERIFY(r.checkpointDir.endsWith("/checkpoints/step-30"));
    QVERIFY(r.evaluatedAt >= before && r.evaluatedAt <= QDateTime::currentDateTimeUtc());
    QCOMPARE(r.report.average.acc.greedy, 0.25);  // fake_eval.sh's report

    // The panel shows it at once: step 30 evaluated, a new point on the chart.
    const CheckpointsModel& m = *panel.model();
    QCOMPARE(cell(m, 2, CheckpointsModel::Evaluation), QString("val2.jsonl, k 4, judge judge-m"));
    QCOMPARE(cell(m, 2, CheckpointsModel::Greedy), QString("25.0"));
    QCOMPARE(cell(m, 2, CheckpointsModel::PassAtK), QString("75.0"));
    QCOMPARE(panel.chart()->points("docmath_qa").last(), QPointF(30, 50));
    QCOMPARE(panel.selectedStep(), qint64(30));  // the selection stays
    dialog->close();
    QVERIFY(QFile::remove(path));  // the other cases see the run as made
  }

  void followsTheRunDirectory() {
    CheckpointsPanel panel;
    panel.setRunDir(q(run_));
    QCOMPARE(panel.model()->rowCount(), 3);
    makeCheckpoint(run_, 60, 600, ".tmp-step-");
    fs::rename(run_ / "checkpoints" / ".tmp-step-60", run_ / "checkpoints" / "step-60");  // as the trainer does
    QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 4, 10000);
    QCOMPARE(cell(*panel.model(), 3, CheckpointsModel::Phase), QString("long"));
    fs::remove_all(run_ / "checkpoints" / "step-60");
    QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 3, 10000);
  }

  void servesTheSelectedCheckpoint() {
    const QString argsFile = q(root_ + "/serve-args.txt"), pidFile = q(root_ + "/serve-pid.txt");
    qputenv("FAKE_SERVE_ARGS", argsFile.toUtf8());
    qputenv("FAKE_SERVE_PID", pidFile.toUtf8());
    auto* panel = new CheckpointsPanel;
    panel->setLongrlProgram(fake_);
    panel->setRunDir(q(run_));
    panel->resize(900, 640);
    panel->show();
    QVERIFY(panel->selectStep(20));
    auto* serve = panel->findChild<QPushButton*>("serve");
    QVERIFY(serve->isEnabled());
    serve->click();
    ui::ServeBar* bar = panel->serveBar();
    QTRY_COMPARE_WITH_TIMEOUT(bar->baseUrl(), QString("http://127.0.0.1:41234/v1"), 10000);
    const QString dir = q(run_ / "checkpoints" / "step-20");
    QCOMPARE(bar->servedDir(), dir);
    QVERIFY(!serve->isEnabled());  // already serving this one
    QFile args(argsFile);
    QVERIFY(args.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(args.readAll()).split('\n', Qt::SkipEmptyParts),
             (QStringList{"serve", "--model", dir, "--host", "127.0.0.1", "--port", "0"}));
    const qint64 pid = readPid(pidFile);
    QVERIFY(pid > 0 && alive(pid));
    auto* url = panel->findChild<QLineEdit*>("serveUrl");
    QVERIFY(url->isVisible());
    QCOMPARE(url->text(), QString("http://127.0.0.1:41234/v1"));
    QVERIFY(bar->statusText().contains("step 20 of run-a"));
    panel->findChild<QPushButton*>("copyUrl")->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), QString("http://127.0.0.1:41234/v1"));
    QVERIFY2(panel->minimumSizeHint().width() <= 560 && panel->minimumSizeHint().height() <= 360,
             qPrintable(QStringLiteral("needs %1x%2")
                            .arg(panel->minimumSizeHint().width())
                            .arg(panel->minimumSizeHint().height())));
    screenshot(panel, "checkpoints-panel.png");

    panel->findChild<QPushButton*>("stopServe")->click();
    QVERIFY(!bar->isServing());
    QVERIFY2(!alive(pid), "Stop left `longrl serve` running");
    QVERIFY(bar->statusText().startsWith("Stopped serving step 20"));
    QVERIFY(serve->isEnabled());

    // Served again, then the run closes: the server goes with it.
    serve->click();
    QTRY_VERIFY_WITH_TIMEOUT(bar->server()->state() == ui::LocalModelServer::State::Ready, 10000);
    const qint64 second = readPid(pidFile);
    QVERIFY(second != pid && alive(second));
    panel->runClosed(q(run_));
    QVERIFY(!alive(second));
    QVERIFY(panel->runDir().isEmpty());

    // And when the panel goes.
    panel->setRunDir(q(run_));
    QVERIFY(panel->selectStep(10));
    serve->click();
    QTRY_VERIFY_WITH_TIMEOUT(bar->server()->state() == ui::LocalModelServer::State::Ready, 10000);
    const qint64 third = readPid(pidFile);
    QVERIFY(third != second && alive(third));
    delete panel;
    QVERIFY2(!alive(third), "the panel's end left `longrl serve` running");
    qunsetenv("FAKE_SERVE_ARGS");
    qunsetenv("FAKE_SERVE_PID");
  }

  void serveFailureShowsItsStderr() {
    qputenv("FAKE_SERVE_FAIL", "1");
    CheckpointsPanel panel;
    panel.setLongrlProgram(fake_);
    panel.setRunDir(q(run_));
    panel.resize(900, 640);
    panel.serveSelected();
    QTRY_VERIFY_WITH_TIMEOUT(panel.serveBar()->server()->state() == ui::LocalModelServer::State::Failed, 10000);
    qunsetenv("FAKE_SERVE_FAIL");
    const QString status = panel.serveBar()->statusText();
    QVERIFY2(status.contains("exited with code 3") && status.contains("step-30/config.json: No such file"),
             qPrintable(status));
    QVERIFY(!panel.findChild<QLineEdit*>("serveUrl")->isVisibleTo(&panel));
    screenshot(&panel, "checkpoints-serve-failed.png");
  }

  void askInDocumentQa() {
    ui::MainWindow window;
    window.show();
    QVERIFY(window.openRun(q(run_)));
    CheckpointsPanel* panel = window.checkpoints();
    QCOMPARE(panel->runDir(), q(run_));
    QCOMPARE(panel->model()->rowCount(), 3);
    auto* centre = qobject_cast<QTabWidget*>(window.centralWidget());
    QVERIFY(centre && centre->indexOf(panel) >= 0);
    QCOMPARE(centre->tabText(centre->indexOf(panel)), QString("Checkpoints"));
    centre->setCurrentWidget(panel);
    QVERIFY(panel->selectStep(20));
    screenshot(&window, "checkpoints-tab.png");
    QSignalSpy asked(panel, &CheckpointsPanel::askInDocumentQa);
    QVERIFY(window.documentQa()->localModelDir() != q(run_ / "checkpoints" / "step-20"));
    panel->findChild<QPushButton*>("ask")->click();
    QCOMPARE(asked.size(), 1);
    QCOMPARE(window.documentQa()->localModelDir(), q(run_ / "checkpoints" / "step-20"));
    QCOMPARE(centre->currentWidget(), static_cast<QWidget*>(window.documentQa()));
    window.closeRun(window.runsModel()->runs().first());
    QVERIFY(panel->runDir().isEmpty());
    QVERIFY(panel->noticeText().startsWith("Select a run"));
  }

  void templateRunIsListedWhereThisMachineSeesIt() {
    const fs::path mirror = fs::path(root_) / "mirror";
    makeCheckpoint(mirror, 10, 10);  // even if something is there, it is not the run's
    ui::LaunchSpec spec;
    spec.kind = ui::LaunchSpec::Kind::Template;
    spec.templ = "srun {command}";
    spec.localRunDir = q(mirror);
    spec.remoteRunDir = "/scratch/runs/r1";
    QCOMPARE(ui::LaunchSpecFile::save(spec), QString());
    CheckpointsPanel panel;
    panel.resize(700, 400);
    panel.show();
    panel.setRunDir(q(mirror));
    QCOMPARE(panel.source(), CheckpointsPanel::Source::Unreachable);
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY2(panel.noticeText().contains("/scratch/runs/r1/checkpoints, which this machine does not see") &&
                 panel.noticeText().contains("evaluate there with `longrl eval`"),
             qPrintable(panel.noticeText()));
    QVERIFY(!panel.view()->isVisible());
    QVERIFY(panel.chart()->lines().isEmpty());
    screenshot(&panel, "checkpoints-remote.png");

    // On a filesystem shared with the cluster, the template's run directory is read.
    spec.remoteRunDir = q(run_);
    QCOMPARE(ui::LaunchSpecFile::save(spec), QString());
    panel.setRunDir(q(mirror));
    QCOMPARE(panel.source(), CheckpointsPanel::Source::Local);
    QCOMPARE(panel.model()->rowCount(), 3);
    QCOMPARE(panel.model()->checkpointAt(0).dir, q(run_ / "checkpoints" / "step-10"));
    QCOMPARE(cell(*panel.model(), 1, CheckpointsModel::Phase), QString("short"));
    QVERIFY2(panel.noticeText().startsWith("Checkpoints of the template run in " + q(run_)),
             qPrintable(panel.noticeText()));
    fs::remove(mirror / "launch.json");

    // A local run without checkpoints says how they come.
    const fs::path empty = fs::path(root_) / "empty-run";
    fs::create_directories(empty);
    panel.setRunDir(q(empty));
    QVERIFY(!panel.isRemote());
    QVERIFY2(panel.noticeText().startsWith("No complete checkpoint"), qPrintable(panel.noticeText()));
    QVERIFY(!panel.findChild<QPushButton*>("evaluate")->isEnabled());
  }
};

QTEST_MAIN(TestCheckpointsPanel)
#include "TestCheckpointsPanel.moc"
