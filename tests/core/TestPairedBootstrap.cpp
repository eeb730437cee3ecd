// The paired bootstrap interval of a change in mean accuracy: exact where the answer is certain,
// close to the normal approximation on a large sample, reproducible from its seed.
#include <QtTest/QtTest>

#include <cmath>
#include <stdexcept>

#include "core/eval/PairedBootstrap.h"

using longrl::eval::PairedBootstrap;

class TestPairedBootstrap : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void certainChangesHaveNoWidth();
  void agreesWithTheNormalApproximation();
  void pairsCancelExampleDifficulty();
  void seedFixesTheInterval();
  void badInputIsRefused();
};

void TestPairedBootstrap::certainChangesHaveNoWidth() {
  const std::vector<double> zeros(10, 0.0), ones(10, 1.0);
  const auto up = PairedBootstrap(2000, 1).change(zeros, ones);
  QCOMPARE(up.change, 1.0);
  QCOMPARE(up.lo, 1.0);
  QCOMPARE(up.hi, 1.0);
  QCOMPARE(up.examples, int64_t(10));
  const auto none = PairedBootstrap(2000, 1).change(ones, ones);
  QCOMPARE(none.lo, 0.0);
  QCOMPARE(none.hi, 0.0);
}

// 400 examples: 30% gain an answer, 10% lose one, the rest stay. Mean change 0.2, standard
// deviation 0.6, so the 95% interval is about 0.2 -+ 1.96 * 0.6 / 20 = [0.141, 0.259].
void TestPairedBootstrap::agreesWithTheNormalApproximation() {
  std::vector<double> before, after;
  for (int i = 0; i < 400; ++i) {
    const int k = i % 10;
    before.push_back(k < 3 ? 0.0 : k < 4 ? 1.0 : (i % 2));
    after.push_back(k < 3 ? 1.0 : k < 4 ? 0.0 : (i % 2));
  }
  const auto c = PairedBootstrap(20000, 7).change(before, after);
  QVERIFY(std::abs(c.change - 0.2) < 1e-12);
  QVERIFY2(std::abs(c.lo - 0.141) < 0.01, qPrintable(QString::number(c.lo)));
  QVERIFY2(std::abs(c.hi - 0.259) < 0.01, qPrintable(QString::number(c.hi)));
}

// Every example gains exactly 0.25 while examples differ widely in difficulty: the paired interval
// is a point, where an unpaired one would be wide.
void TestPairedBootstrap::pairsCancelExampleDifficulty() {
  std::vector<double> before, after;
  for (int i = 0; i < 100; ++i) {
    before.push_back((i % 4) * 0.25 * 0.75);
    after.push_back(before.back() + 0.25);
  }
  const auto c = PairedBootstrap(1000, 3).change(before, after);
  QVERIFY(std::abs(c.lo - 0.25) < 1e-12 && std::abs(c.hi - 0.25) < 1e-12);
}

void TestPairedBootstrap::seedFixesTheInterval() {
  std::vector<double> before, after;
  // Shares of 4 samples: the resampled means take so many values that two seeds cannot agree.
  for (int i = 0; i < 50; ++i) before.push_back((i * 7 % 5) / 4.0 * 0.9), after.push_back((i * 3 % 5) / 4.0);
  const auto a = PairedBootstrap(500, 11).change(before, after), b = PairedBootstrap(500, 11).change(before, after);
  const auto other = PairedBootstrap(500, 12).change(before, after);
  QCOMPARE(a.lo, b.lo);
  QCOMPARE(a.hi, b.hi);
  QVERIFY(a.lo != other.lo || a.hi != other.hi);
  QVERIFY(a.lo < a.change && a.change < a.hi);
}

void TestPairedBootstrap::badInputIsRefused() {
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PairedBootstrap().change({0.0}, {0.0, 1.0}));
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PairedBootstrap().change({}, {}));
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PairedBootstrap(0));
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PairedBootstrap(100, 0, 1.5));
}

QTEST_GUILESS_MAIN(TestPairedBootstrap)
#include "TestPairedBootstrap.moc"
