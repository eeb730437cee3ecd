// Stepping through a memory-agent rollout: each step's section is highlighted in the document
// (UTF-16 positions from UTF-8 offsets), its memory, plan and reply shown, the final step shows the
// answer; the rollout detail view offers the tab only for memory-agent rollouts.
#include <QtTest/QtTest>

#include <QLabel>
#include <QPlainTextEdit>
#include <QSlider>
#include <QTabWidget>

#include "core/memory/MemoryTrajectory.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "support/TestPaths.h"
#include "viewers/document/MemoryStepsView.h"
#include "viewers/document/RolloutDetailView.h"

using namespace longrl;
using longrl::viewers::MemoryStepsView;

namespace {
// Three sections; the second starts after a non-ASCII name, so byte and UTF-16 offsets differ.
const std::string kDoc =
    "Zoë lives in Kelmar. Kelmar is in Dravia.\n\nTorena works for Vanttek. "
    "Vanttek is based in Brinora.\n\nBrinora is a city in Solmar.";

memory::MemoryTrajectory trajectory() {
  memory::MemoryTrajectory t;
  t.chunkTokens = 16;
  t.finalPromptTokens = 70;
  const std::size_t cut1 = kDoc.find("Torena"), cut2 = kDoc.find("Brinora is");
  const std::size_t bounds[] = {0, cut1, cut2, kDoc.size()};
  const char* memories[] = {"Zoë lives in Kelmar.", "Zoë lives in Kelmar.", "Zoë lives in Kelmar, in Dravia."};
  for (int i = 0; i < 3; ++i) {
    memory::MemoryStep s;
    s.section = i;
    s.begin = bounds[i];
    s.end = bounds[i + 1];
    s.responseTokens = 12;
    s.truncated = i == 2;
    s.memory = memories[i];
    s.plan = "find Zoë's country";
    s.reply = "<memory>" + s.memory + "</memory>";
    s.problem = i == 1 ? "no <memory> in the reply: the previous memory is kept" : "";
    t.steps.push_back(s);
  }
  return t;
}

QString sectionText(const QPlainTextEdit* e, std::pair<int, int> range) {
  return e->toPlainText().mid(range.first, range.second - range.first);
}
}  // namespace

class TestMemoryStepsView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void stepsHighlightTheSectionTheyRead() {
    MemoryStepsView view;
    view.resize(1200, 700);
    view.show();
    QVERIFY(view.setContent(kDoc, trajectory().toJson(),
                            "<think>Zoë lives in Kelmar.</think> Therefore, the answer is Dravia."));
    QCOMPARE(view.steps(), 3);
    QCOMPARE(view.slider()->maximum(), 3);  // three sections and the final answer
    QVERIFY(view.header()->text().contains("3 sections of at most 16 tokens"));
    QVERIFY(view.header()->text().contains("1 malformed and 1 truncated"));
    QCOMPARE(view.step(), 0);
    QCOMPARE(sectionText(view.documentEdit(), view.highlighted()),
             QStringLiteral("Zoë lives in Kelmar. Kelmar is in Dravia.\n\n"));
    QCOMPARE(view.documentEdit()->extraSelections().size(), 1);

    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.step(), 1);
    QCOMPARE(sectionText(view.documentEdit(), view.highlighted()),
             QStringLiteral("Torena works for Vanttek. Vanttek is based in Brinora.\n\n"));
    QCOMPARE(view.memoryEdit()->toPlainText(), QStringLiteral("Zoë lives in Kelmar."));
    QCOMPARE(view.planEdit()->toPlainText(), QStringLiteral("find Zoë's country"));

    view.slider()->setValue(2);
    QCOMPARE(sectionText(view.documentEdit(), view.highlighted()), QStringLiteral("Brinora is a city in Solmar."));
    QCOMPARE(view.memoryEdit()->toPlainText(), QStringLiteral("Zoë lives in Kelmar, in Dravia."));

    QTest::keyClick(&view, Qt::Key_PageDown);  // the final answer
    QCOMPARE(view.step(), 3);
    QVERIFY(view.replyEdit()->toPlainText().contains("Therefore, the answer is Dravia."));
    QCOMPARE(view.documentEdit()->extraSelections().size(), 0);
    QTest::keyClick(&view, Qt::Key_Right);  // stays at the end
    QCOMPARE(view.step(), 3);
    QTest::keyClick(&view, Qt::Key_Left);
    QCOMPARE(view.step(), 2);
  }

  void anUnreadableTrajectorySaysWhy() {
    MemoryStepsView view;
    QVERIFY(!view.setContent(kDoc, R"({"steps": []})", ""));
    QVERIFY2(view.header()->text().contains("chunk_tokens"), qPrintable(view.header()->text()));
    QCOMPARE(view.steps(), 0);
    QVERIFY(!view.slider()->isEnabled());
    // A good one afterwards replaces the message.
    QVERIFY(view.setContent(kDoc, trajectory().toJson(), "answer"));
    QVERIFY(view.slider()->isEnabled());
  }

  void detailViewOffersTheTabOnlyForMemoryRollouts() {
    const std::string dir = test::freshTempDir("memory-steps-view");
    const auto path = store::RunStore::fileIn(dir);
    {
      store::RunStoreWriter w(path);
      store::DocumentRecord d;
      d.text = kDoc;
      store::ExampleRecord e;
      e.id = "ex-1";
      e.data_source = "demo_multihoprag";
      e.question = "In which country does Zoë live?";
      e.doc_id = w.writeDocument(d);
      w.writeExample(e);
      store::RolloutRecord r;
      r.step = 1;
      r.example_id = "ex-1";
      r.response = "Therefore, the answer is Dravia.";
      r.trajectory = trajectory().toJson();
      w.writeRollout(r);
      r.sample_idx = 1;  // a full-context rollout of the same example
      r.trajectory.reset();
      w.writeRollout(r);
      w.flush();
    }
    viewers::RolloutDetailView view;
    view.setStorePath(QString::fromStdString(path));
    QSignalSpy shown(&view, &viewers::RolloutDetailView::shown);
    view.showRollout(1);
    QVERIFY(shown.wait(10000));
    QVERIFY(view.tabs()->indexOf(view.memorySteps()) >= 0);
    QCOMPARE(view.memorySteps()->steps(), 3);
    view.showRollout(2);
    QVERIFY(shown.wait(10000));
    QCOMPARE(view.tabs()->indexOf(view.memorySteps()), -1);
    view.showRollout(1);
    QVERIFY(shown.wait(10000));
    QCOMPARE(view.tabs()->tabText(view.tabs()->indexOf(view.memorySteps())), QStringLiteral("Memory steps"));
  }
};

QTEST_MAIN(TestMemoryStepsView)
#include "TestMemoryStepsView.moc"
