// Behaviour records in the run store (schema v5): written beside their rollout in revisions, read
// back in order, carried by the event stream, and absent (not an error) in older files.
#include <QtTest/QtTest>

#include <cmath>

#include "core/behavior/BehaviorStoreRow.h"
#include "core/behavior/RuleBehaviorClassifier.h"
#include "core/store/EventEncoder.h"
#include "core/store/EventStreamDecoder.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/TestPaths.h"

using namespace longrl;
using namespace longrl::store;

namespace {

RolloutRecord rollout(const std::string& response) {
  RolloutRecord r;
  r.step = 7;
  r.example_id = "ex1";
  r.group_idx = 2;
  r.sample_idx = 3;
  r.response = response;
  return r;
}

const std::string kResponse = "<think>First, let me check the table. Wait, 2 + 2 = 4.</think>4";

}  // namespace

class TestBehaviorStore : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void revisionsLiveBesideEachOther() {
    const auto path = RunStore::fileIn(test::freshTempDir("behavior-store"));
    const auto r = rollout(kResponse);
    auto first = behavior::RuleBehaviorClassifier().classify(kResponse);
    auto second = first;
    second.subgoal = 9;
    second.groundingShare = 0.5;
    second.passages = 2;
    {
      RunStoreWriter w(path);
      w.writeRollout(r);
      w.writeRolloutBehavior(behavior::toStoreRow(second, r, 1, 2.0));
      w.writeRolloutBehavior(behavior::toStoreRow(first, r, 0, 1.0));
      // Re-sent by a resumed trainer: the row is updated, not duplicated.
      w.writeRolloutBehavior(behavior::toStoreRow(first, r, 0, 1.5));
    }
    RunStoreReader rd(path);
    const auto rows = rd.rolloutBehaviors(rd.rolloutsAfter(0).at(0));
    QCOMPARE(rows.size(), std::size_t(2));
    QCOMPARE(rows[0].revision, 0);
    QCOMPARE(rows[0].wall_time, 1.5);
    QCOMPARE(rows[0].classifier, std::string("rule"));
    QVERIFY(std::isnan(rows[0].grounding_share));
    QCOMPARE(behavior::fromStoreRow(rows[0]), first);
    QCOMPARE(rows[1].revision, 1);
    QCOMPARE(rows[1].subgoal, std::int64_t(9));
    QCOMPARE(rows[1].grounding_share, 0.5);
    QCOMPARE(behavior::fromStoreRow(rows[1]), second);
    // Another rollout's key finds nothing.
    auto other = r;
    other.sample_idx = 0;
    QVERIFY(rd.rolloutBehaviors(other).empty());
  }

  void eventStreamCarriesThem() {
    const auto r = rollout(kResponse);
    const auto b = behavior::RuleBehaviorClassifier().classify(kResponse);
    const std::string line = EventEncoder::encode(behavior::toStoreRow(b, r, 0, 3.0));
    QVERIFY(line.find(R"("type":"rollout_behavior")") != std::string::npos);
    QVERIFY(line.find(R"("spans":[)") != std::string::npos);  // the record as JSON, not a string
    const auto path = RunStore::fileIn(test::freshTempDir("behavior-stream"));
    {
      RunStoreWriter w(path);
      EventStreamDecoder dec(w);
      int problems = 0;
      dec.setProblemHandler([&](const EventStreamDecoder::Problem&) { ++problems; });
      dec.feed(EventEncoder::encode(r) + line);
      dec.finish();
      QCOMPARE(problems, 0);
      QCOMPARE(dec.stats().records, std::size_t(2));
    }
    RunStoreReader rd(path);
    const auto rows = rd.rolloutBehaviors(r);
    QCOMPARE(rows.size(), std::size_t(1));
    QCOMPARE(behavior::fromStoreRow(rows[0]), b);
  }

  void unreadableRecordNamesTheRollout() {
    auto row = behavior::toStoreRow(behavior::BehaviorRecord{}, rollout(""), 0, 0);
    row.record = "{}";
    try {
      behavior::fromStoreRow(row);
      QFAIL("a record without its fields must not read");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("step 7, example ex1, group 2, sample 3") != std::string::npos, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestBehaviorStore)
#include "TestBehaviorStore.moc"
