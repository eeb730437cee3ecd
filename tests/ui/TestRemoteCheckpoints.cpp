// The Checkpoints tab of a run over ssh, through a real sshd on this machine and the real `longrl`
// on the "host": the host's run directory holds two checkpoints (tiny random models), a run store
// with two phases and an evaluation saved there; the studio has only the mirror with launch.json.
// Checks the listing (`longrl checkpoints --json` over ssh: steps, phases, sizes, the host's
// evaluation), Evaluate (`longrl eval` runs on the host; the judge's key reaches the judge through
// stdin and is stored nowhere; the result lands in the mirror and in the table), Serve (the host's
// `longrl serve` reached through an ssh tunnel at a local URL; Stop leaves no server on the host),
// Ask in Document QA (a question answered through the tunnel), and a host that cannot be reached.
#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QGroupBox>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/demo/DemoExampleGenerator.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "support/FakeOpenAIServer.h"
#include "support/Screenshot.h"
#include "support/TestPaths.h"
#include "support/TestSshd.h"
#include "ui/MainWindow.h"
#include "ui/checkpoints/CheckpointsModel.h"
#include "ui/checkpoints/CheckpointsPanel.h"
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

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

bool run(const QString& program, const QStringList& args) {
  QProcess p;
  p.start(program, args);
  return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

QString cell(const CheckpointsModel& m, int row, int column) { return m.index(row, column).data().toString(); }

// The pids of `longrl serve` processes serving this directory (on the "host", which is here); not
// the ssh client whose command line holds the same words.
QStringList servers(const QString& dir) {
  QProcess p;
  p.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), QStringLiteral("^\\S*longrl serve --model %1").arg(dir)});
  p.waitForFinished(5000);
  return QString::fromUtf8(p.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
}

}  // namespace

class TestRemoteCheckpoints : public QObject {
  Q_OBJECT
  test::TestSshd* sshd_ = nullptr;
  QString root_, host_, mirror_;

  // The host's run: checkpoint 10 (a random tiny model) and 20 (the shipped demo warm start: it
  // answers in the recipe's format, so its wrong answers go to the judge), phases "short" (1-10)
  // and "long" (11-, running), an evaluation of step 10 saved on the host, and demo questions.
  void makeHostRun() {
    QVERIFY(run(q(test::cliPath()), {"init-model", "--preset", "tiny", host_ + "/checkpoints/step-10", "--seed", "1"}));
    const fs::path warm = test::sourcePath("resources/demo-warmstart");
    fs::create_directories((host_ + "/checkpoints/step-20").toStdString());
    for (const char* f :
         {"config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"})
      fs::copy_file(warm / f, (host_ + "/checkpoints/step-20/" + f).toStdString());
    for (const char* step : {"step-10", "step-20"}) {
      fs::create_directories((host_ + "/checkpoints/" + step + "/trainer_state").toStdString());
      std::ofstream((host_ + "/checkpoints/" + step + "/trainer_state/state.json").toStdString()) << "{}";
    }
    store::RunStoreWriter writer(store::RunStore::fileIn(host_.toStdString()));
    store::RunInfo info;
    info.name = "host-run";
    info.status = "running";
    writer.writeRun(info);
    store::PhaseInfo p;
    p.index = 0, p.name = "short", p.start_step = 1, p.end_step = 10, p.status = "done";
    writer.writePhase(p);
    p.index = 1, p.name = "long", p.start_step = 11, p.end_step = -1, p.status = "running";
    writer.writePhase(p);
    std::ofstream data((host_ + "/val.jsonl").toStdString());
    demo::DemoExampleGenerator gen(5);
    for (int i = 0; i < 4; ++i) {
      const auto ex = gen.generate(0);
      data << nlohmann::json{{"document", ex.document},
                             {"question", ex.question},
                             {"answer", ex.answer},
                             {"data_source", "hotpotqa"}}
                  .dump()
           << "\n";
    }
  }

  void saveHostEvaluation() {
    ui::EvalResult r;
    r.step = 10;
    r.checkpointDir = host_ + "/checkpoints/step-10";
    r.dataFile = host_ + "/val.jsonl";
    r.k = 1;
    r.evaluatedAt = QDateTime::currentDateTimeUtc().addSecs(-3600);
    eval::EvalRow row;
    row.name = "multihoprag";
    row.scorer = "rule";
    row.examples = 2;
    row.acc.greedy = 0.5;
    r.report.sources = {row};
    r.report.average = row;
    r.report.examples = 2;
    QCOMPARE(ui::EvalResults::save(host_, r), QString());
  }

  ui::LaunchSpec spec(const QString& host) const {
    ui::LaunchSpec s;
    s.kind = ui::LaunchSpec::Kind::Ssh;
    s.host = host;
    s.port = sshd_->port();
    s.sshOptions = sshd_->sshOptions();
    s.connectTimeoutS = 5;
    s.localRunDir = mirror_;
    s.remoteRunDir = host_;
    s.remoteLongrl = q(test::cliPath());
    return s;
  }

  // A panel on the mirror, its listing arrived.
  void openListed(CheckpointsPanel& panel) {
    panel.setLongrlProgram(QStringLiteral("/nonexistent/longrl"));  // nothing may run here
    panel.setRunDir(mirror_);
    QCOMPARE(panel.source(), CheckpointsPanel::Source::Ssh);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isListing() && panel.model()->rowCount() == 2, 30000);
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
    if (!test::TestSshd::available()) QSKIP("openssh-server not installed (/usr/sbin/sshd)");
    sshd_ = new test::TestSshd(this);
    QVERIFY2(sshd_->start(), "could not start sshd on 127.0.0.1");
    root_ = q(test::freshTempDir("remote-checkpoints"));
    host_ = root_ + "/host-run";
    mirror_ = root_ + "/mirror";
    QVERIFY(QDir().mkpath(mirror_));
    makeHostRun();
    saveHostEvaluation();
    QCOMPARE(ui::LaunchSpecFile::save(spec(QStringLiteral("127.0.0.1"))), QString());
  }

  void listsTheHostsCheckpoints() {
    CheckpointsPanel panel;
    panel.resize(1000, 600);
    panel.show();
    openListed(panel);
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const CheckpointsModel& m = *panel.model();
    QCOMPARE(m.checkpointAt(0).dir, host_ + "/checkpoints/step-10");
    QCOMPARE(cell(m, 0, CheckpointsModel::Phase), QString("short"));
    QCOMPARE(cell(m, 1, CheckpointsModel::Phase), QString("long"));
    QVERIFY(m.checkpointAt(1).bytes > 1000);                          // the model's weights, as the host measures them
    QCOMPARE(cell(m, 0, CheckpointsModel::Greedy), QString("50.0"));  // the host's evaluation
    QVERIFY(panel.view()->isVisible());
    QVERIFY2(panel.noticeText().contains("127.0.0.1:" + host_ + "/checkpoints, listed over ssh"),
             qPrintable(panel.noticeText()));
    test::saveScreenshot(&panel, "remote-checkpoints");
  }

  void evaluatesOnTheHost() {
    test::FakeOpenAIServer judge;
    judge.setDefault(test::FakeOpenAIServer::Behaviour::reply("no"));
    CheckpointsPanel panel;
    openListed(panel);
    QVERIFY(panel.selectStep(20));
    auto* dialog = panel.evaluateSelected();
    QVERIFY(dialog);
    QCOMPARE(dialog->findChild<QComboBox*>("checkpoint")->currentData().toString(), host_ + "/checkpoints/step-20");
    dialog->findChild<QLineEdit*>("dataFile")->setText(host_ + "/val.jsonl");
    dialog->findChild<QSpinBox*>("k")->setValue(1);
    dialog->findChild<QSpinBox*>("maxNewTokens")->setValue(96);
    dialog->findChild<QGroupBox*>("judge")->setChecked(true);
    dialog->findChild<QLineEdit*>("judgeUrl")->setText(q(judge.baseUrl()));
    dialog->findChild<QLineEdit*>("judgeModel")->setText("judge-m");
    dialog->findChild<QLineEdit*>("judgeApiKey")->setText("sekrit-over-stdin");
    QSignalSpy saved(dialog, &ui::EvalCheckpointDialog::resultSaved);
    dialog->startEvaluation();
    QTRY_VERIFY_WITH_TIMEOUT(!saved.isEmpty(), 60000);

    const QString path = mirror_ + "/evals/step-20-val.json";
    QCOMPARE(saved.first().first().toString(), path);
    QVERIFY(test::fileBytes(path.toStdString()).find("sekrit") == std::string::npos);
    QVERIFY(judge.requestCount() > 0);  // the warm start's wrong answers were judged
    for (const auto& r : judge.requests()) QCOMPARE(q(r.authorization), QString("Bearer sekrit-over-stdin"));
    QTRY_COMPARE_WITH_TIMEOUT(cell(*panel.model(), 1, CheckpointsModel::Evaluation),
                              QString("val.jsonl, k 1, judge judge-m"), 5000);
    dialog->close();
    QVERIFY(QFile::remove(path));
  }

  void servesThroughATunnel() {
    auto* panel = new CheckpointsPanel;
    openListed(*panel);
    QVERIFY(panel->selectStep(20));
    panel->serveSelected();
    ui::ServeBar* bar = panel->serveBar();
    QTRY_VERIFY_WITH_TIMEOUT(bar->server()->state() == ui::LocalModelServer::State::Ready, 60000);
    const QString dir = host_ + "/checkpoints/step-20";
    QCOMPARE(servers(dir).size(), 1);
    const QUrl url(bar->baseUrl());
    QCOMPARE(url.host(), QString("127.0.0.1"));
    QVERIFY(url.port() > 0);
    QVERIFY(bar->statusText().contains("through an ssh tunnel"));

    QNetworkAccessManager net;
    std::unique_ptr<QNetworkReply> reply(net.get(QNetworkRequest(QUrl(bar->baseUrl() + "/models"))));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QVERIFY(reply->readAll().contains(bar->server()->modelName().toUtf8()));

    panel->findChild<QPushButton*>("stopServe")->click();
    QTRY_VERIFY_WITH_TIMEOUT(servers(dir).isEmpty(), 10000);  // the host's server went with ssh

    panel->serveSelected();  // and when the panel goes
    QTRY_VERIFY_WITH_TIMEOUT(bar->server()->state() == ui::LocalModelServer::State::Ready, 60000);
    delete panel;
    QTRY_VERIFY_WITH_TIMEOUT(servers(dir).isEmpty(), 10000);
  }

  void asksInDocumentQaThroughTheTunnel() {
    ui::MainWindow window;
    window.show();
    QVERIFY(window.openRun(mirror_));
    CheckpointsPanel* panel = window.checkpoints();
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isListing() && panel->model()->rowCount() == 2, 30000);
    QVERIFY(panel->selectStep(10));
    panel->findChild<QPushButton*>("ask")->click();
    auto* centre = qobject_cast<QTabWidget*>(window.centralWidget());
    QTRY_VERIFY_WITH_TIMEOUT(centre->currentWidget() == window.documentQa(), 60000);
    ui::DocumentQaPanel* qa = window.documentQa();
    qa->setDocument("facts", "Alice lives in Oslo.");
    qa->setQuestion("Where does Alice live?");
    QSignalSpy finished(qa, &ui::DocumentQaPanel::answerFinished);
    qa->ask();
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60000);
    QVERIFY2(finished.first().first().toBool(), qPrintable(qa->statusText()));
    window.resize(1366, 768);
    test::saveScreenshot(&window, "remote-checkpoint-asked");
  }

  void aHostThatCannotBeReachedIsNamed() {
    const QString other = root_ + "/mirror-unreachable";
    QVERIFY(QDir().mkpath(other));
    ui::LaunchSpec s = spec(QStringLiteral("no-such-host.invalid"));
    s.localRunDir = other;
    QCOMPARE(ui::LaunchSpecFile::save(s), QString());
    CheckpointsPanel panel;
    panel.setRunDir(other);
    QVERIFY(panel.noticeText().startsWith("Listing the checkpoints on no-such-host.invalid:"));
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isListing(), 30000);
    QVERIFY2(panel.noticeText().startsWith("Could not list the checkpoints on no-such-host.invalid:" + host_) &&
                 panel.noticeText().contains("exit code 255"),
             qPrintable(panel.noticeText()));
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY(!panel.view()->isVisibleTo(&panel));
  }
};

QTEST_MAIN(TestRemoteCheckpoints)
#include "TestRemoteCheckpoints.moc"
