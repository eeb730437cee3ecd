#include <QtTest/QtTest>

#include <cmath>
#include <string>

#include "core/grpo/DynamicBatchFiller.h"
#include "core/grpo/GroupAdvantage.h"

using longrl::grpo::DynamicBatchFiller;
using longrl::grpo::GroupAdvantage;

namespace {
bool near(double a, double b) { return std::fabs(a - b) < 1e-9; }
}  // namespace

class TestGrpoCore : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void grpoAdvantageUsesGroupMeanAndUnbiasedStd() {
    // Group 0: rewards 1, 0, 0, 1 -> mean 0.5, unbiased std sqrt(1/3).
    std::vector<GroupAdvantage::Sample> s = {{1, 0, "t"}, {0, 0, "t"},   {0, 0, "t"},
                                             {1, 0, "t"}, {0.2, 1, "t"}, {0.2, 1, "t"}};
    const auto a = GroupAdvantage::compute(s, GroupAdvantage::Estimator::Grpo);
    const double sd = std::sqrt(1.0 / 3.0);
    QVERIFY(near(a[0], 0.5 / (sd + 1e-6)));
    QVERIFY(near(a[1], -0.5 / (sd + 1e-6)));
    QVERIFY(near(a[4], 0.0));  // zero-variance group: no signal
    double sum = 0;
    for (int i = 0; i < 4; ++i) sum += a[i];
    QVERIFY(std::fabs(sum) < 1e-9);
  }

  void singleSampleGroupKeepsItsReward() {
    const auto a = GroupAdvantage::compute({{0.7, 3, "t"}}, GroupAdvantage::Estimator::Grpo);
    QVERIFY(std::fabs(a[0] - 0.7 / (1 + 1e-6)) < 1e-12);
  }

  void taskStdDividesByTheTasksSpread() {
    std::vector<GroupAdvantage::Sample> s = {{1, 0, "math"}, {0, 0, "math"}, {1, 1, "math"},
                                             {1, 1, "math"}, {0.5, 2, "qa"}, {0.4, 2, "qa"}};
    const auto a = GroupAdvantage::compute(s, GroupAdvantage::Estimator::GrpoTaskStd);
    const double mathStd = GroupAdvantage::stddev({1, 0, 1, 1});
    const double qaStd = GroupAdvantage::stddev({0.5, 0.4});
    QVERIFY(near(a[0], 0.5 / (mathStd + 1e-6)));
    QVERIFY(near(a[2], 0.0));
    QVERIFY(near(a[4], 0.05 / (qaStd + 1e-6)));
  }

  void dynamicSamplingDropsZeroVarianceGroups() {
    DynamicBatchFiller<std::string> f(3, 10, true);
    QVERIFY(DynamicBatchFiller<std::string>::informative({0, 1}));
    QVERIFY(!DynamicBatchFiller<std::string>::informative({1, 1, 1}));
    QCOMPARE(f.offer({{"all-right", {1, 1}}, {"mixed-1", {1, 0}}, {"all-wrong", {0, 0}}}), std::size_t(1));
    QVERIFY(!f.done());
    QCOMPARE(f.offer({{"mixed-2", {0, 1}}, {"mixed-3", {0.5, 0}}, {"mixed-4", {1, 0}}}), std::size_t(2));
    QVERIFY(f.done() && f.full());
    QCOMPARE(f.genBatches(), 2LL);
    QCOMPARE(f.dropped(), std::size_t(2));
    QCOMPARE(f.take(), (std::vector<std::string>{"mixed-1", "mixed-2", "mixed-3"}));
  }

  void dynamicSamplingIsCapped() {
    DynamicBatchFiller<int> f(4, 2, true);
    f.offer({{1, {0, 0}}});
    QVERIFY(!f.done());
    f.offer({{2, {1, 1}}, {3, {1, 0}}});
    QVERIFY(f.done());
    QVERIFY(!f.full());
    QCOMPARE(f.take(), (std::vector<int>{3}));
    DynamicBatchFiller<int> off(2, 10, false);
    off.offer({{1, {0, 0}}, {2, {1, 1}}});
    QVERIFY(off.done() && off.full());
  }
};

QTEST_APPLESS_MAIN(TestGrpoCore)
#include "TestGrpoCore.moc"
