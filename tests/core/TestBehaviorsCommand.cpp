// `longrl behaviors RUN_DIR`: recomputes a finished run's rollout behaviours as a new revision.
#include <QtTest/QtTest>

#include <cmath>
#include <sstream>

#include "core/behavior/BehaviorStoreRow.h"
#include "core/behavior/RuleBehaviorClassifier.h"
#include "core/cli/BehaviorsCommand.h"
#include "core/cli/UsageError.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/TestPaths.h"

using namespace longrl;

namespace {

const std::string kDoc =
    "The committee approved the new budget for the eastern district in early march after a long debate. "
    "Revenue in fiscal 2023 rose to 4.2 billion dollars, up twelve percent from the prior year.";

int runCommand(const std::vector<std::string>& args, std::string& out) {
  cli::ArgList list(args);
  std::ostringstream o, e;
  const int rc = cli::behaviorsCommand().run(list, o, e);
  out = o.str();
  return rc;
}

// A run of two steps: example "a" with the document, "b" without; one right answer.
std::string makeRun() {
  const std::string dir = test::freshTempDir("behaviors-cmd");
  store::RunStoreWriter w(store::RunStore::fileIn(dir));
  store::DocumentRecord d;
  d.text = kDoc;
  store::ExampleRecord a{"a", "docqa", "q", "march", w.writeDocument(d), 50}, b{"b", "docqa", "q", "x", 0, 10};
  w.writeExample(a);
  w.writeExample(b);
  const char* responses[] = {
      "<think>First, I need to find the month. The text says the committee approved the new budget for the "
      "eastern district in early march. Let me check again.</think>march",
      "<think>Wait, no. Actually it is april.</think>april", "<think>Step 1: look.</think>x"};
  for (int i = 0; i < 3; ++i) {
    store::RolloutRecord r;
    r.step = i < 2 ? 1 : 2;
    r.example_id = i < 2 ? "a" : "b";
    r.sample_idx = i;
    r.response = responses[i];
    r.rule_score = i == 0 ? 1.0 : 0.0;
    w.writeRollout(r);
  }
  return dir;
}

}  // namespace

class TestBehaviorsCommand : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void writesRevisionsBesideEachOther() {
    const std::string dir = makeRun();
    std::string out;
    QCOMPARE(runCommand({dir}, out), 0);
    QVERIFY2(out.find("3 rollouts: revision 0 of the rule classifier") != std::string::npos, out.c_str());
    QCOMPARE(runCommand({dir, "--no-grounding"}, out), 0);
    QVERIFY2(out.find("revision 1") != std::string::npos, out.c_str());

    store::RunStoreReader rd(store::RunStore::fileIn(dir));
    const auto rollouts = rd.rolloutsAfter(0);
    QCOMPARE(rollouts.size(), size_t(3));
    for (const auto& r : rollouts) {
      const auto rows = rd.rolloutBehaviors(r);
      QCOMPARE(rows.size(), size_t(2));
      QCOMPARE(rows[0].revision, 0);
      QCOMPARE(rows[1].revision, 1);
      const auto fresh = behavior::RuleBehaviorClassifier().classify(r.response);
      QVERIFY(behavior::fromStoreRow(rows[0]).spans == fresh.spans);
      QCOMPARE(rows[0].subgoal, std::int64_t(fresh.subgoal));
      QCOMPARE(rows[0].backtracking, std::int64_t(fresh.backtracking));
      QCOMPARE(rows[0].verification, std::int64_t(fresh.verification));
      QVERIFY(std::isnan(rows[1].grounding_share));  // --no-grounding
    }
    // Grounding where there is a document: the first trace quotes it, the third has none.
    QVERIFY(rd.rolloutBehaviors(rollouts[0])[0].grounding_share > 0.3);
    QCOMPARE(rd.rolloutBehaviors(rollouts[0])[0].passages, std::int64_t(1));
    QVERIFY(std::isnan(rd.rolloutBehaviors(rollouts[2])[0].grounding_share));
    QVERIFY(rd.metricNames().empty());  // no --metrics
  }

  void metricsFromTheNewRevision() {
    const std::string dir = makeRun();
    std::string out;
    QCOMPARE(runCommand({dir, "--metrics"}, out), 0);
    store::RunStoreReader rd(store::RunStore::fileIn(dir));
    const auto sub = rd.metricSeries("behavior/subgoal/mean");
    QCOMPARE(sub.size(), size_t(2));
    QCOMPARE(sub[0].step, std::int64_t(1));
    QCOMPARE(sub[0].value, 0.5);  // "First, ..." and none
    QCOMPARE(sub[1].value, 1.0);  // "Step 1:"
    QCOMPARE(rd.metricSeries("behavior/subgoal/mean/correct").at(0).value, 1.0);
    QCOMPARE(rd.metricSeries("behavior/backtracking/mean/wrong").at(0).value, 2.0);  // "Wait, no." "Actually"
    QCOMPARE(rd.metricSeries("behavior/grounding_share/mean").size(), size_t(1));    // step 2 has no document
  }

  void badArgumentsAreUsageErrors() {
    std::string out;
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runCommand({}, out));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runCommand({test::freshTempDir("not-a-run")}, out));
    // --judge without a model: this run has no config naming one.
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runCommand({makeRun(), "--judge", "http://x"}, out));
  }
};

QTEST_GUILESS_MAIN(TestBehaviorsCommand)
#include "TestBehaviorsCommand.moc"
