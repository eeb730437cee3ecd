// plan::GenerationBatches: which prompts decode together (the engine's batches and the memory
// plan's KV cache): at most 8 prompts, fewer when their rows' cache room passes the budget, a
// prompt alone when it passes it by itself, in order and covering every prompt once.
#include <QtTest/QtTest>

#include "core/plan/GenerationBatches.h"

using longrl::plan::GenerationBatches;
using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

class TestGenerationBatches : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void shortPromptsFillBatchesOfEight() {
    const std::vector<int64_t> lengths(19, 500);
    QCOMPARE(GenerationBatches::split(lengths, 8, 100), (Ranges{{0, 8}, {8, 16}, {16, 19}}));
  }

  void theCacheBudgetStopsABatch() {
    // 4 rows x (longest + 10): 100 + 100 fit a budget of 1000 (2 x 4 x 110 = 880), a third does not.
    QCOMPARE(GenerationBatches::split({100, 100, 100, 100}, 4, 10, 8, 1000), (Ranges{{0, 2}, {2, 4}}));
    // A longer prompt later raises the room of every row before it.
    QCOMPARE(GenerationBatches::split({50, 50, 200}, 4, 10, 8, 1000), (Ranges{{0, 2}, {2, 3}}));
    // Too long for the budget by itself: it still goes, alone.
    QCOMPARE(GenerationBatches::split({5000, 10, 10}, 4, 10, 8, 1000), (Ranges{{0, 1}, {1, 3}}));
    QVERIFY(GenerationBatches::split({}, 4, 10).empty());
  }

  void promptsTogetherAgreesWithSplit() {
    for (int64_t length : {100, 2000, 20000, 120000})
      for (int64_t available : {1, 3, 8, 64}) {
        const std::vector<int64_t> lengths(static_cast<std::size_t>(available), length);
        const auto ranges = GenerationBatches::split(lengths, 8, 1000);
        const int64_t first = static_cast<int64_t>(ranges.front().second - ranges.front().first);
        QCOMPARE(GenerationBatches::promptsTogether(length, 8, 1000, available), first);
      }
    QCOMPARE(GenerationBatches::promptsTogether(120000, 8, 1000, 64), int64_t(1));
    QCOMPARE(GenerationBatches::promptsTogether(2000, 8, 1000, 64), int64_t(8));
  }
};

QTEST_APPLESS_MAIN(TestGenerationBatches)
#include "TestGenerationBatches.moc"
