#include <QtTest/QtTest>

#include "core/behavior/BehaviorMetrics.h"

using namespace longrl::behavior;

namespace {

BehaviorRecord record(int subgoal, int backtracking, int verification, std::optional<double> share, int passages) {
  BehaviorRecord r;
  r.classifier = "rule";
  r.subgoal = subgoal;
  r.backtracking = backtracking;
  r.verification = verification;
  r.groundingShare = share;
  r.passages = passages;
  return r;
}

}  // namespace

class TestBehaviorMetrics : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void meansOverallAndByCorrectness() {
    const auto a = record(2, 1, 0, 0.5, 2), b = record(0, 3, 1, 0.1, 0), c = record(4, 0, 2, std::nullopt, 0);
    const auto m = BehaviorMetrics::compute({{&a, true}, {&b, false}, {&c, true}, {nullptr, false}});
    QCOMPARE(m.at("behavior/subgoal/mean"), 2.0);
    QCOMPARE(m.at("behavior/subgoal/mean/correct"), 3.0);
    QCOMPARE(m.at("behavior/subgoal/mean/wrong"), 0.0);
    QCOMPARE(m.at("behavior/backtracking/mean"), 4.0 / 3);
    QCOMPARE(m.at("behavior/backtracking/mean/correct"), 0.5);
    QCOMPARE(m.at("behavior/backtracking/mean/wrong"), 3.0);
    QCOMPARE(m.at("behavior/verification/mean"), 1.0);
    QCOMPARE(m.at("behavior/verification/mean/correct"), 1.0);
    QCOMPARE(m.at("behavior/verification/mean/wrong"), 1.0);
    // Only the rollouts with a document count for grounding.
    QCOMPARE(m.at("behavior/grounding_share/mean"), 0.3);
    QCOMPARE(m.at("behavior/grounding_share/mean/correct"), 0.5);
    QCOMPARE(m.at("behavior/grounding_share/mean/wrong"), 0.1);
    QCOMPARE(m.at("behavior/passages/mean"), 1.0);
    QCOMPARE(m.at("behavior/passages/mean/correct"), 2.0);
    QCOMPARE(m.at("behavior/passages/mean/wrong"), 0.0);
    QCOMPARE(m.size(), size_t(15));
  }

  void emptyGroupsGiveNoKey() {
    const auto a = record(1, 0, 0, std::nullopt, 0);
    const auto m = BehaviorMetrics::compute({{&a, true}});
    QCOMPARE(m.at("behavior/subgoal/mean/correct"), 1.0);
    QVERIFY(!m.count("behavior/subgoal/mean/wrong"));
    QVERIFY(!m.count("behavior/grounding_share/mean"));
    QVERIFY(!m.count("behavior/passages/mean"));
    QCOMPARE(m.size(), size_t(6));
    QVERIFY(BehaviorMetrics::compute({}).empty());
    QVERIFY(BehaviorMetrics::compute({{nullptr, true}}).empty());
  }

  void addKeepsOtherMetrics() {
    const auto a = record(1, 2, 3, 1.0, 1);
    BehaviorMetrics::Metrics m{{"critic/score/mean", 0.5}};
    BehaviorMetrics::add({{&a, false}}, m);
    QCOMPARE(m.at("critic/score/mean"), 0.5);
    QCOMPARE(m.at("behavior/verification/mean/wrong"), 3.0);
  }
};

QTEST_GUILESS_MAIN(TestBehaviorMetrics)
#include "TestBehaviorMetrics.moc"
