// The studio fits a laptop screen (1366x768 at 100%) and a 1920x1080 screen at 200% (960x540
// logical pixels), issue 29: the main window opens inside the screen, a saved geometry from a
// larger screen is clamped to it, no window's or dialog's minimum size exceeds it, opening a tab
// (the memory steps of a rollout with long texts, Document QA) never grows the window, and the
// charts, the runs list and the forms do not scroll sideways.
// The offscreen platform reads its screen from a JSON file named in QT_QPA_PLATFORM, set in main()
// before the QApplication exists: the 200% screen is tested here, the laptop screen in a child
// process (one screen per process).
#include <QtTest/QtTest>

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QTabWidget>
#include <QTableView>

#include "core/memory/MemoryTrajectory.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/SyntheticRollouts.h"
#include "support/SyntheticRun.h"
#include "support/TestPaths.h"
#include "ui/MainWindow.h"
#include "ui/docqa/DocumentQaPanel.h"
#include "ui/eval/EvalCheckpointDialog.h"
#include "ui/launch/RunLauncherDialog.h"
#include "ui/rollouts/RolloutsWorkspace.h"
#include "viewers/chart/ChartsPanel.h"
#include "viewers/chart/MetricPicker.h"
#include "viewers/data/RunSession.h"
#include "viewers/document/DocumentTraceView.h"
#include "viewers/document/MemoryStepsView.h"
#include "viewers/document/RolloutDetailView.h"

using namespace longrl;
using ui::MainWindow;

namespace {

constexpr const char* kScreenVar = "LONGRL_SCREEN_FIT";  // "WIDTHxHEIGHT@SCALE"; unset: 1920x1080@2

struct ScreenSpec {
  int width = 1920, height = 1080, scale = 2;
};

ScreenSpec screenUnderTest() {
  ScreenSpec s;
  if (!qEnvironmentVariableIsSet(kScreenVar)) return s;
  const QString spec = qEnvironmentVariable(kScreenVar);
  const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("^(\\d+)x(\\d+)@([12])$")).match(spec);
  if (!m.hasMatch()) qFatal("%s=%s: expected WIDTHxHEIGHT@SCALE, e.g. 1366x768@1", kScreenVar, qPrintable(spec));
  s = {m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt()};
  return s;
}

// One screen of `s` physical pixels; Qt scales by logicalDpi / logicalBaseDpi.
QString writeScreenConfig(const ScreenSpec& s) {
  QJsonObject screen;
  screen["name"] = "screen-fit";
  screen["x"] = 0;
  screen["y"] = 0;
  screen["width"] = s.width;
  screen["height"] = s.height;
  screen["logicalDpi"] = 96 * s.scale;
  screen["logicalBaseDpi"] = 96;
  screen["dpr"] = 1.0;
  const QString path =
      QDir::temp().filePath(QStringLiteral("longrl-screen-fit-%1.json").arg(QCoreApplication::applicationPid()));
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s: %s", qPrintable(path), qPrintable(f.errorString()));
  f.write(QJsonDocument(QJsonObject{{"screens", QJsonArray{screen}}}).toJson());
  return path;
}

QString q(const std::string& s) { return QString::fromStdString(s); }

QString text(const QRect& r) {
  return QStringLiteral("%1x%2+%3+%4").arg(r.width()).arg(r.height()).arg(r.x()).arg(r.y());
}
QString text(const QSize& s) { return QStringLiteral("%1x%2").arg(s.width()).arg(s.height()); }

// Empty when the shown top-level `w` lies inside its screen's available area and its minimum size
// (with its frame) fits there; else what does not.
QString fitProblem(const QWidget* w, const QString& what) {
  const QRect available = w->screen()->availableGeometry();
  const QRect frame = w->frameGeometry();
  const QSize frameExtra = frame.size() - w->size();
  const QSize minimum = w->minimumSizeHint().expandedTo(w->minimumSize()) + frameExtra;
  if (minimum.width() > available.width() || minimum.height() > available.height())
    return QStringLiteral("%1: minimum size %2 (with its frame) exceeds the screen's %3")
        .arg(what, text(minimum), text(available.size()));
  if (!available.contains(frame))
    return QStringLiteral("%1: %2 is not inside the screen's %3").arg(what, text(frame), text(available));
  return {};
}

// A memory-agent rollout with the widest texts the rollout views show: a long example id and
// data source, malformed and truncated replies with long problem messages.
void writeMemoryRollout(const std::string& dir) {
  store::RunStoreWriter w(store::RunStore::fileIn(dir));
  store::DocumentRecord d;
  d.title = "quarterly-report-of-the-northern-harbour-authority-2024-final.txt";
  d.text = test::syntheticDocument(1500, 11);
  store::ExampleRecord e;
  e.id = "memory-agent-example-with-a-rather-long-identifier-0042";
  e.data_source = "demo_multihoprag";
  e.question = "Which harbour authority signed the agreement that the second section of the report mentions?";
  e.ground_truth = "the northern harbour authority";
  e.doc_id = w.writeDocument(d);
  w.writeExample(e);
  memory::MemoryTrajectory t;
  t.chunkTokens = 512;
  t.finalPromptTokens = 900;
  const int sections = 4;
  std::size_t begin = 0;
  for (int i = 0; i < sections; ++i) {
    // Cut at spaces: the offsets are UTF-8 bytes and the document has non-ASCII text.
    const std::size_t end = i + 1 == sections ? d.text.size() : d.text.find(' ', d.text.size() * (i + 1) / sections);
    memory::MemoryStep s;
    s.section = i;
    s.begin = begin;
    s.end = end;
    s.responseTokens = 300 + i;
    s.truncated = i == 2;
    s.memory = "The report names the northern harbour authority as the signatory of the agreement; section " +
               std::to_string(i + 1) + " adds the dates and the other parties of the agreement.";
    s.plan = "Look for the agreement's signatories and the section that mentions them.";
    s.reply = "<memory>" + s.memory + "</memory>";
    if (i % 2 == 1)
      s.problem =
          "no <memory> in the reply: the previous memory is kept, and this message is longer than half a laptop "
          "screen when it is shown on one line";
    t.steps.push_back(s);
    begin = end;
  }
  store::RolloutRecord r;
  r.step = 3;
  r.phase = 2;
  r.example_id = e.id;
  r.group_idx = 12;
  r.sample_idx = 7;
  r.response =
      "<think>The memory names the northern harbour authority.</think>\n\nTherefore, the answer is the "
      "northern harbour authority.";
  r.answer = "the northern harbour authority";
  r.reward = 0.5;
  r.advantage = -0.25;
  r.length = 1234;
  r.truncated = true;
  r.trajectory = t.toJson();
  w.writeRollout(r);
  w.flush();
}

std::string makeRun(const std::string& name, const std::string& status = "running") {
  const std::string dir = test::freshTempDir(name);
  test::SyntheticRunOptions o;
  o.name = name;
  o.steps = 120;
  o.status = status;
  test::writeSyntheticRun(dir, o);
  test::SyntheticRolloutsOptions r;
  r.steps = 4;
  r.groupsPerStep = 4;
  r.samplesPerGroup = 4;
  r.examples = 8;
  r.documentWords = 1500;
  test::writeSyntheticRollouts(dir, r);
  writeMemoryRollout(dir);
  return dir;
}

qint64 memoryRolloutId(const std::string& dir) {
  store::RunStoreReader reader(store::RunStore::fileIn(dir));
  store::RolloutQuery query;
  query.example_id = "memory-agent-example-with-a-rather-long-identifier-0042";
  const auto rows = reader.rollouts(query);
  return rows.empty() ? -1 : rows.front().id;
}

}  // namespace

class TestScreenFit : public QObject {
  Q_OBJECT

  // Empty when the window kept the size it opened at and still fits its screen.
  static QString keptSize(const MainWindow& window, const QSize& opened, const QString& what) {
    QTest::qWait(30);  // layouts settle through posted events
    if (window.size() != opened)
      return QStringLiteral("after %1 the window is %2, it opened at %3").arg(what, text(window.size()), text(opened));
    return fitProblem(&window, QStringLiteral("after ") + what);
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
    QCoreApplication::setApplicationName("TestScreenFit");
    // The screen main() asked for is the one Qt uses: else every check below would be moot.
    const ScreenSpec s = screenUnderTest();
    QCOMPARE(QGuiApplication::primaryScreen()->geometry().size(), QSize(s.width / s.scale, s.height / s.scale));
  }

  void init() { QSettings().clear(); }  // no geometry saved by an earlier test

  void mainWindowOpensInsideTheScreen() {
    MainWindow window;
    window.restoreSettings();
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QString problem = fitProblem(&window, QStringLiteral("main window"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    // Sized from the screen, not a small fixed size: most of the available area.
    const QRect available = window.screen()->availableGeometry();
    QVERIFY2(window.width() >= available.width() * 3 / 4 && window.height() >= available.height() * 3 / 4,
             qPrintable(text(window.geometry())));
  }

  void savedGeometryIsClampedToTheScreen() {
    const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
    {
      MainWindow first;  // as a larger screen left it: 1712 px wide, partly off this screen
      first.show();
      QVERIFY(QTest::qWaitForWindowExposed(&first));
      first.setGeometry(QRect(available.topLeft() + QPoint(300, 120), QSize(1712, 1000)));
      QTRY_COMPARE(first.size(), QSize(1712, 1000));
      first.close();  // saves the settings
    }
    QVERIFY(!QSettings().value(QStringLiteral("window/geometry")).toByteArray().isEmpty());
    MainWindow second;
    second.restoreSettings();
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    const QString problem = fitProblem(&second, QStringLiteral("restored main window"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
  }

  void tabsDoNotGrowTheWindow() {
    const std::string dir = makeRun("screen-fit-a");
    const std::string other = makeRun("screen-fit-b", "failed");
    MainWindow window;
    window.restoreSettings();
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    viewers::RunSession* run = window.openRun(q(dir));
    QVERIFY(run && window.openRun(q(other)));
    QTRY_VERIFY_WITH_TIMEOUT(run->caughtUp(), 10000);
    const QSize opened = window.size();
    QString problem = keptSize(window, opened, QStringLiteral("opening two runs"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    auto* centre = qobject_cast<QTabWidget*>(window.centralWidget());
    QVERIFY(centre);
    ui::RolloutsWorkspace* ws = window.rollouts();
    viewers::RolloutDetailView* detail = ws->detail();
    QCOMPARE(ws->runDir(), run->runDir());
    QSignalSpy shown(detail, &viewers::RolloutDetailView::shown);
    QSignalSpy aligned(detail->trace(), &viewers::DocumentTraceView::alignmentReady);
    centre->setCurrentWidget(ws);
    const qint64 id = memoryRolloutId(dir);
    QVERIFY(id > 0);
    ws->showRollout(id);
    QVERIFY(shown.wait(10000));
    QVERIFY(aligned.count() > 0 || aligned.wait(10000));  // the status line under the trace
    problem = keptSize(window, opened, QStringLiteral("showing a memory-agent rollout"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    for (int i = 0; i < ws->tabs()->count(); ++i) {
      ws->tabs()->setCurrentIndex(i);
      problem = keptSize(window, opened, QStringLiteral("the rollouts tab ") + ws->tabs()->tabText(i));
      QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    viewers::MemoryStepsView* steps = detail->memorySteps();
    QVERIFY(detail->tabs()->indexOf(steps) >= 0);
    for (int i = 0; i < detail->tabs()->count(); ++i) {
      detail->tabs()->setCurrentIndex(i);
      problem = keptSize(window, opened, QStringLiteral("the rollout tab ") + detail->tabs()->tabText(i));
      QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    detail->tabs()->setCurrentWidget(steps);
    QCOMPARE(steps->steps(), 4);
    for (int step = 0; step <= steps->steps(); ++step) {  // the malformed replies' messages, the answer
      steps->showStep(step);
      problem = keptSize(window, opened, QStringLiteral("memory step %1").arg(step));
      QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    window.documentQa()->setDocument(QStringLiteral("a-report-with-a-long-file-name-from-the-harbour-archive.txt"),
                                     test::syntheticDocument(800, 3));
    for (int i = 0; i < centre->count(); ++i) {
      centre->setCurrentIndex(i);
      problem = keptSize(window, opened, QStringLiteral("the tab ") + centre->tabText(i));
      QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
  }

  void pagesDoNotScrollSideways() {
    const std::string dir = makeRun("screen-fit-c");
    MainWindow window;
    window.restoreSettings();
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openRun(q(dir)));
    auto* centre = qobject_cast<QTabWidget*>(window.centralWidget());
    QVERIFY(centre);

    // Charts: as many a row as fit beside each other.
    centre->setCurrentWidget(window.charts());
    QTest::qWait(50);
    QScrollArea* charts = window.charts()->scrollArea();
    QVERIFY(!window.charts()->chartMetrics().isEmpty());
    QVERIFY2(charts->widget()->minimumSizeHint().width() <= charts->viewport()->width(),
             qPrintable(QStringLiteral("charts need %1 px, have %2 (%3 a row)")
                            .arg(charts->widget()->minimumSizeHint().width())
                            .arg(charts->viewport()->width())
                            .arg(window.charts()->columns())));

    // Document QA: never sideways; on the laptop screen not even down.
    centre->setCurrentWidget(window.documentQa());
    window.documentQa()->setDocument(QStringLiteral("report.txt"), test::syntheticDocument(300, 2));
    auto* qa = window.documentQa()->findChild<QScrollArea*>(QStringLiteral("DocumentQaScroll"));
    QVERIFY(qa);
    for (const auto mode : {ui::DocumentQaPanel::Mode::WholeDocument, ui::DocumentQaPanel::Mode::Compress}) {
      window.documentQa()->setMode(mode);  // compress mode: the compressor's fields in the mode's row
      window.documentQa()->setCompressor(QStringLiteral("/models/a-compressor-trained-for-the-harbour-reports"));
      QTest::qWait(50);
      const QSize need = qa->widget()->minimumSizeHint(), have = qa->viewport()->size();
      const QString shown = window.documentQa()->modeCombo()->currentText();
      QVERIFY2(need.width() <= have.width(),
               qPrintable(QStringLiteral("Document QA (%1) needs %2, has %3").arg(shown, text(need), text(have))));
      if (window.screen()->availableGeometry().height() >= 768)
        QVERIFY2(need.height() <= have.height(),
                 qPrintable(QStringLiteral("Document QA (%1) needs %2, has %3").arg(shown, text(need), text(have))));
    }
    window.documentQa()->setMode(ui::DocumentQaPanel::Mode::WholeDocument);

    // The runs list: the run's name takes what the other columns leave, nothing hides sideways.
    auto* runsDock = window.findChild<QDockWidget*>(QStringLiteral("RunsDock"));
    QVERIFY(runsDock);
    auto* runs = qobject_cast<QTableView*>(runsDock->widget());
    QVERIFY(runs);
    // The header fits its columns to the rows after they arrive.
    QTRY_VERIFY2(runs->horizontalHeader()->length() <= runs->viewport()->width(),
                 qPrintable(QStringLiteral("runs columns %1 px in %2")
                                .arg(runs->horizontalHeader()->length())
                                .arg(runs->viewport()->width())));
    QVERIFY(runs->columnWidth(0) >= runs->fontMetrics().horizontalAdvance(QStringLiteral("screen-fit")) / 2);
  }

  void dialogsFitTheScreen() {
    const std::string dir = makeRun("screen-fit-d");
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    {
      ui::RunLauncherDialog launcher(&window);
      launcher.show();
      QVERIFY(QTest::qWaitForWindowExposed(&launcher));
      const QString problem = fitProblem(&launcher, QStringLiteral("run launcher"));
      QVERIFY2(problem.isEmpty(), qPrintable(problem));
      // Its form scrolls down on a small screen, never sideways.
      auto* form = launcher.findChild<QScrollArea*>(QStringLiteral("formScroll"));
      QVERIFY(form);
      QVERIFY2(form->widget()->minimumSizeHint().width() <= form->viewport()->width(),
               qPrintable(QStringLiteral("launcher form needs %1 px, has %2")
                              .arg(form->widget()->minimumSizeHint().width())
                              .arg(form->viewport()->width())));
    }
    {
      ui::EvalCheckpointDialog eval(q(dir), QStringLiteral("/bin/false"), &window);
      eval.show();
      QVERIFY(QTest::qWaitForWindowExposed(&eval));
      const QString problem = fitProblem(&eval, QStringLiteral("Evaluate checkpoint"));
      QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    {
      viewers::MetricPicker picker(viewers::ChartsPanel::defaultMetrics(), &window);
      picker.show();
      QVERIFY(QTest::qWaitForWindowExposed(&picker));
      const QString problem = fitProblem(&picker, QStringLiteral("Add charts"));
      QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
  }

  // Last: the same checks on a 1366x768 screen at 100%, in a child process.
  void laptopScreenToo() {
    if (qEnvironmentVariableIsSet(kScreenVar)) QSKIP("this is the child process");
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(kScreenVar), QStringLiteral("1366x768@1"));
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForStarted(10000));
    QVERIFY(child.waitForFinished(300000));
    const QByteArray out = child.readAll();
    QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, out.constData());
  }
};

int main(int argc, char** argv) {
  const QString config = writeScreenConfig(screenUnderTest());
  qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + config.toLocal8Bit());
  // The scale comes from the screen's logical DPI alone.
  for (const char* v : {"QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS", "QT_ENABLE_HIGHDPI_SCALING"}) qunsetenv(v);
  int rc = 0;
  {
    QApplication app(argc, argv);
    TestScreenFit test;
    rc = QTest::qExec(&test, argc, argv);
  }
  QFile::remove(config);
  return rc;
}

#include "TestScreenFit.moc"
