// The researcher's loop on a remote run, end to end: longrl-studio launches the real `longrl train`
// over ssh (a real sshd on this machine), the trainer waits at the end of phase 0 for labels, a
// label made in the studio's annotation queue travels over ssh into the run's own store, Continue
// lets the trainer go on, and the labelled example joins phase 1.
#include <QtTest/QtTest>

#include <QFile>
#include <QProcess>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/config/RunConfig.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/Screenshot.h"
#include "support/StoredExamples.h"
#include "support/TestPaths.h"
#include "support/TestSshd.h"
#include "ui/MainWindow.h"
#include "ui/annotate/AnnotationQueue.h"
#include "ui/annotate/AnnotationQueueModel.h"
#include "ui/annotate/AnnotationSyncThread.h"
#include "ui/launch/LaunchSpec.h"
#include "ui/launch/TrainerProcess.h"
#include "ui/rollouts/RolloutsWorkspace.h"
#include "viewers/data/RunSession.h"

using namespace longrl;

namespace {

const char* kNames[] = {"Alice", "Bruno", "Chen", "Dana", "Emil", "Farah", "Goran", "Hana"};
const char* kCities[] = {"Oslo", "Lima", "Pune", "Kyiv", "Doha", "Riga", "Baku", "Nice"};

std::string document(int seed, int facts) {
  std::string s;
  for (int i = 0; i < facts; ++i)
    s += std::string(kNames[(seed + i) % 8]) + " lives in " + kCities[(seed * 3 + i) % 8] + ". ";
  return s;
}

// Examples 0 and 1 are short (phase 0), example 10 is long (phase 1 only).
void writeData(const std::string& path) {
  std::ofstream out(path);
  const std::pair<int, int> rows[] = {{0, 2}, {1, 2}, {10, 60}};
  for (int i = 0; i < 3; ++i)
    out << nlohmann::json{{"document", document(i, rows[i].second)},
                          {"question", "Where does Alice live?"},
                          {"answer", "Oslo"},
                          {"data_source", "multihoprag"},
                          {"extra_info", {{"index", rows[i].first}}}}
               .dump()
        << "\n";
}

// Two short phases; retrospective sampling takes at most one example by its rewards (nothing is
// answered, so both phase-0 examples are equally hard) and waits up to 5 minutes for labels.
config::RunConfig runConfig(const std::string& model, const std::string& data) {
  config::RunConfig c;
  c.model.path = model;
  c.model.dtype = "float32";
  c.dataset.train = {data};
  c.phases = {{"short", 300, 12, 1}, {"long", 4000, 12, 2}};
  c.grpo.rolloutN = 4;
  c.grpo.trainBatchSize = 2;
  c.grpo.ppoMiniBatchSize = 1;
  c.grpo.lr = 1e-3;
  c.grpo.dynamicSampling.enabled = false;
  c.grpo.overlongPenalty.enabled = true;
  c.grpo.overlongPenalty.maxLen = 12;
  c.grpo.overlongPenalty.bufferLen = 8;
  c.retrospective.maxCount = 1;
  c.retrospective.waitForAnnotationsS = 300;
  c.checkpoint.everySteps = 100;
  return c;
}

bool run(const QString& program, const QStringList& args) {
  QProcess p;
  p.start(program, args);
  return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

nlohmann::json lastEvent(const QString& runDir, const std::string& kind) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir.toStdString()));
  nlohmann::json out;
  for (const auto& e : r.eventsAfter(0, 100000))
    if (e.kind == kind) out = nlohmann::json::parse(e.payload);
  return out;
}

// The Annotate tab in front, as a person sees it while the trainer waits (for looking at by hand).
void showAnnotateTab(ui::MainWindow& w, const QString& name) {
  for (QWidget* p = w.rollouts(); p; p = p->parentWidget())
    if (auto* tabs = qobject_cast<QTabWidget*>(p->parentWidget() ? p->parentWidget()->parentWidget() : nullptr))
      tabs->setCurrentWidget(p);
  w.rollouts()->tabs()->setCurrentWidget(w.rollouts()->annotations());
  w.resize(1366, 768);
  test::saveScreenshot(&w, name);
}

}  // namespace

class TestRemoteAnnotations : public QObject {
  Q_OBJECT
  test::TestSshd* sshd_ = nullptr;
  QString root_;
  QByteArray configJson_;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // the studio's settings go to a throw-away place
    QCoreApplication::setOrganizationName("longrl-tests");
    if (!test::TestSshd::available()) QSKIP("openssh-server not installed (/usr/sbin/sshd)");
    sshd_ = new test::TestSshd(this);
    QVERIFY2(sshd_->start(), "could not start sshd on 127.0.0.1");
    root_ = QString::fromStdString(test::freshTempDir("remote-annotations"));
    {
      std::ofstream corpus((root_ + "/corpus.txt").toStdString());
      for (int i = 0; i < 40; ++i) corpus << document(i, 6) << "\n";
      corpus << "Please read the following text and answer the question below. Therefore, the answer is\n";
    }
    QVERIFY(run(QString::fromStdString(test::cliPath()), {"init-model", "--preset", "tiny", root_ + "/model", "--seed",
                                                          "7", "--tokenizer-corpus", root_ + "/corpus.txt"}));
    writeData((root_ + "/data.jsonl").toStdString());
    configJson_ = QByteArray::fromStdString(
        runConfig((root_ + "/model").toStdString(), (root_ + "/data.jsonl").toStdString()).toJson().dump(2));
  }

  void labelMadeInTheStudioJoinsTheNextPhase() {
    ui::LaunchSpec spec;
    spec.kind = ui::LaunchSpec::Kind::Ssh;
    spec.host = QStringLiteral("127.0.0.1");
    spec.port = sshd_->port();
    spec.sshOptions = sshd_->sshOptions();
    spec.localRunDir = root_ + "/mirror";
    spec.remoteRunDir = root_ + "/remote";
    spec.remoteLongrl = QString::fromStdString(test::cliPath());
    ui::MainWindow w;
    w.show();
    viewers::RunSession* session = w.launchRun(spec, configJson_);
    QVERIFY(session);
    QVERIFY2(w.annotationSyncFor(session), "a remote run gets label delivery");
    QTRY_VERIFY_WITH_TIMEOUT(session->annotationWaitPhase() == 0, 120000);

    // The queue of the shown run lists phase 0's examples, with the wait banner above them.
    ui::AnnotationQueue* queue = w.rollouts()->annotations();
    QVERIFY(queue->isRemote());
    QTRY_COMPARE_WITH_TIMEOUT(queue->model()->rowCount(), 2, 20000);
    QVERIFY(queue->continueButton()->isVisibleTo(queue));
    for (const char* id : {"0", "1"}) {
      queue->view()->setCurrentIndex(queue->model()->index(queue->model()->rowOf(id), 0));
      QTest::keyClick(queue->view(), Qt::Key_1);  // hard
      QTest::keyClick(queue->view(), Qt::Key_Return);
    }
    ui::AnnotationSyncThread* sync = w.annotationSyncFor(session);
    QTRY_VERIFY_WITH_TIMEOUT(sync->state().pending == 0 && sync->state().delivered == 2, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(
        queue->model()->index(queue->model()->rowOf("1"), ui::AnnotationQueueModel::Trainer).data().toString(),
        QStringLiteral("✓ there"), 10000);

    showAnnotateTab(w, "remote-annotations");

    QTest::mouseClick(queue->continueButton(), Qt::LeftButton);
    ui::TrainerProcess* trainer = w.trainerFor(session);
    QTRY_VERIFY_WITH_TIMEOUT(!trainer->isActive(), 120000);
    QVERIFY2(trainer->failure().isEmpty(), qPrintable(trainer->failure() + " | " + trainer->outputTail().join(" | ")));
    QTRY_COMPARE_WITH_TIMEOUT(session->annotationWaitPhase(), -1, 10000);

    // In the run's own store: the trainer went on because of Continue, took one example by its
    // rewards and the other because a person marked it, and phase 1 trained on both.
    const QString remote = spec.remoteRunDir;
    QCOMPARE(QString::fromStdString(lastEvent(remote, "annotation_wait_over").value("reason", "")),
             QStringLiteral("continue"));
    const auto retro = lastEvent(remote, "retrospective");
    QCOMPARE(retro.value("by_difficulty", -1), 1);
    QCOMPARE(retro.value("by_annotation", -1), 1);
    QCOMPARE(test::exampleIdsByPhase(remote.toStdString()).at(1), (std::set<std::string>{"0", "1", "10"}));
    QCOMPARE(test::exampleIdsByPhase(spec.localRunDir.toStdString()).at(1),
             (std::set<std::string>{"0", "1", "10"}));  // the mirror
  }
};

QTEST_MAIN(TestRemoteAnnotations)
#include "TestRemoteAnnotations.moc"
