#include <QtTest/QtTest>

#include <cmath>
#include <map>
#include <set>

#include "core/curriculum/BatchSampler.h"
#include "core/curriculum/DifficultyTracker.h"
#include "core/curriculum/PhaseBands.h"
#include "core/curriculum/RetrospectiveSelector.h"

using namespace longrl::curriculum;
using longrl::config::DifficultyMeasure;

class TestCurriculum : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void phaseBandsFollowTheRecipe() {
    PhaseBands bands({20000, 60000});
    QCOMPARE(bands.bandOf(1), 0);
    QCOMPARE(bands.bandOf(20000), 0);  // upper bound inclusive
    QCOMPARE(bands.bandOf(20001), 1);
    QCOMPARE(bands.bandOf(60000), 1);
    QCOMPARE(bands.bandOf(60001), -1);  // longer than every phase allows
    QCOMPARE(bands.bandOf(0), -1);
    const auto phase1 = bands.select(1, {100, 30000, 70000, 59999, 20000});
    QCOMPARE(phase1, (std::vector<std::size_t>{1, 3}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PhaseBands({20000, 20000}));
  }

  void anOpenLastBandTakesEveryLongerInput() {
    // A memory-agent last phase reads documents of any length in sections.
    PhaseBands bands({20000, 60000}, /*openLast=*/true);
    QCOMPARE(bands.bandOf(20000), 0);
    QCOMPARE(bands.bandOf(60000), 1);
    QCOMPARE(bands.bandOf(5'000'000), 1);
    QCOMPARE(bands.bandOf(0), -1);
    QCOMPARE(bands.select(1, {100, 30000, 70000}), (std::vector<std::size_t>{1, 2}));
  }

  void difficultyFromGroupRewards() {
    DifficultyTracker t(DifficultyMeasure::InverseMean);
    t.addGroup("a", {1, 1, 0, 0});
    t.addGroup("a", {1, 0, 0, 0});  // a second step's group accumulates
    t.addGroup("b", {0, 0, 0, 0});
    t.addGroup("c", {1, 1, 1, 1});
    const auto a = t.entry("a");
    QCOMPARE(a.attempts, 8LL);
    QCOMPARE(a.meanReward, 3.0 / 8.0);
    QCOMPARE(a.difficulty, 8.0 / 3.0);
    QVERIFY(std::isinf(t.entry("b").difficulty));
    const auto order = t.hardestFirst();
    QCOMPARE(QString::fromStdString(order[0].exampleId), QString("b"));
    QCOMPARE(QString::fromStdString(order[2].exampleId), QString("c"));
    QCOMPARE(DifficultyTracker::difficultyOf(0.25, DifficultyMeasure::OneMinusMean), 0.75);
  }

  void retrospectiveSelectionWithAnnotations() {
    DifficultyTracker t(DifficultyMeasure::InverseMean);
    t.addGroup("never", {0, 0, 0, 0});    // difficulty inf
    t.addGroup("quarter", {1, 0, 0, 0});  // 4
    t.addGroup("half", {1, 1, 0, 0});     // 2
    t.addGroup("easy", {1, 1, 1, 0});     // 1.33
    t.addGroup("solved", {1, 1, 1, 1});   // 1
    t.addGroup("vetoed", {0, 0, 0, 0});
    longrl::config::RetrospectiveConfig cfg;
    cfg.threshold = 2.0;
    std::vector<longrl::store::AnnotationRecord> notes = {
        {"solved", "hard", "", "ana", 10.0},  // a person wants it again
        {"vetoed", "not_hard", "gt is wrong", "ana", 5.0},
        {"easy", "hard", "", "bo", 1.0},
        {"easy", "unsure", "", "ana", 2.0},  // latest label wins: unsure, not hard
    };
    const auto sel = RetrospectiveSelector(cfg).select(t.hardestFirst(), notes);
    QCOMPARE(sel.exampleIds, (std::vector<std::string>{"never", "quarter", "half", "solved"}));
    QCOMPARE(sel.byDifficulty, std::size_t(3));
    QCOMPARE(sel.byAnnotation, std::size_t(1));
    QCOMPARE(sel.vetoedByAnnotation, std::size_t(1));

    cfg.maxCount = 1;
    const auto capped = RetrospectiveSelector(cfg).select(t.hardestFirst(), notes);
    QCOMPARE(capped.exampleIds, (std::vector<std::string>{"never", "solved"}));
    cfg.enabled = false;
    QVERIFY(RetrospectiveSelector(cfg).select(t.hardestFirst(), notes).exampleIds.empty());
  }

  void plainSamplerCoversEveryExampleEachEpoch() {
    std::vector<std::string> tasks(10, "docqa");
    BatchSampler s(tasks, false, 42);
    std::multiset<std::size_t> seen;
    for (int b = 0; b < 5; ++b)
      for (auto i : s.nextBatch(4)) seen.insert(i);  // 20 draws = 2 epochs
    for (std::size_t i = 0; i < 10; ++i) QCOMPARE(seen.count(i), std::size_t(2));
    QCOMPARE(s.epoch(), 2LL);
  }

  void balancedSamplerGivesEachTaskAnEqualShare() {
    std::vector<std::string> tasks;
    for (int i = 0; i < 90; ++i) tasks.push_back("docmath");
    for (int i = 0; i < 10; ++i) tasks.push_back("musique");
    BatchSampler s(tasks, true, 7);
    std::map<std::string, int> count;
    for (int b = 0; b < 10; ++b)
      for (auto i : s.nextBatch(8)) count[tasks[i]]++;
    QCOMPARE(count["docmath"], 40);
    QCOMPARE(count["musique"], 40);
    // An odd batch size: the extra slot rotates between tasks.
    std::map<std::string, int> odd;
    BatchSampler s2(tasks, true, 7);
    for (int b = 0; b < 4; ++b)
      for (auto i : s2.nextBatch(3)) odd[tasks[i]]++;
    QCOMPARE(odd["docmath"], 6);
    QCOMPARE(odd["musique"], 6);
  }

  void samplerResumesExactly() {
    std::vector<std::string> tasks;
    for (int i = 0; i < 37; ++i) tasks.push_back(i % 3 == 0 ? "a" : "b");
    BatchSampler original(tasks, true, 99);
    for (int b = 0; b < 7; ++b) original.nextBatch(5);
    const auto saved = original.state();
    std::vector<std::size_t> expected;
    for (int b = 0; b < 20; ++b)
      for (auto i : original.nextBatch(5)) expected.push_back(i);

    BatchSampler resumed(tasks, true, 99);
    resumed.restore(nlohmann::json::parse(saved.dump()));
    std::vector<std::size_t> got;
    for (int b = 0; b < 20; ++b)
      for (auto i : resumed.nextBatch(5)) got.push_back(i);
    QCOMPARE(got, expected);

    BatchSampler other(tasks, true, 100);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, other.restore(saved));
    std::vector<std::string> fewer(tasks.begin(), tasks.end() - 1);
    BatchSampler changed(fewer, true, 99);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, changed.restore(saved));
  }

  void samplerSeedsDiffer() {
    std::vector<std::string> tasks(50, "x");
    BatchSampler a(tasks, false, 1), b(tasks, false, 2);
    QVERIFY(a.nextBatch(20) != b.nextBatch(20));
  }
};

QTEST_APPLESS_MAIN(TestCurriculum)
#include "TestCurriculum.moc"
