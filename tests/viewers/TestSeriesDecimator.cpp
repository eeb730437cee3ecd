#include <QtTest/QtTest>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "viewers/chart/MetricSeries.h"
#include "viewers/chart/SeriesDecimator.h"

using longrl::viewers::SeriesDecimator;

class TestSeriesDecimator : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void keepsEveryColumnsEnvelope() {
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 1.0);
    const int n = 200000;
    std::vector<double> x(n), y(n);
    double v = 0;
    for (int i = 0; i < n; ++i) {
      x[i] = i * 0.5;
      v += noise(rng);
      y[i] = v + (i % 9973 == 0 ? 500.0 : 0.0);  // isolated spikes must survive
    }
    const double x0 = 1000.25, x1 = 73000.0;
    const int pixels = 640;
    const auto points = SeriesDecimator::decimate(x.data(), y.data(), n, x0, x1, pixels);
    QVERIFY(points.size() <= pixels * 2 + 8);

    // Direct computation of the per-column envelope.
    const double scale = pixels / (x1 - x0);
    std::map<long long, std::pair<double, double>> expected, got;
    for (int i = 0; i < n; ++i) {
      if (x[i] < x0 || x[i] > x1) continue;
      long long c = static_cast<long long>(std::floor((x[i] - x0) * scale));
      auto it = expected.find(c);
      if (it == expected.end()) expected[c] = {y[i], y[i]};
      else it->second = {std::min(it->second.first, y[i]), std::max(it->second.second, y[i])};
    }
    for (int i = 1; i < points.size(); ++i) QVERIFY(points[i].x() >= points[i - 1].x());
    for (const QPointF& p : points) {
      if (p.x() < x0 || p.x() > x1) continue;
      long long c = static_cast<long long>(std::floor((p.x() - x0) * scale));
      auto it = got.find(c);
      if (it == got.end()) got[c] = {p.y(), p.y()};
      else it->second = {std::min(it->second.first, p.y()), std::max(it->second.second, p.y())};
    }
    QCOMPARE(got.size(), expected.size());
    for (const auto& [c, mm] : expected) {
      QCOMPARE(got[c].first, mm.first);
      QCOMPARE(got[c].second, mm.second);
    }
    // The line reaches both borders: one point on each side outside the range.
    QVERIFY(points.first().x() < x0);
    QVERIFY(points.last().x() > x1);
  }

  void blockSummaryGivesTheSameResult() {
    std::mt19937 rng(11);
    std::normal_distribution<double> noise(0.0, 1.0);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> x, y;
    longrl::viewers::MinMaxBlocks blocks;
    for (int i = 0; i < 300000; ++i) {
      x.push_back(i);
      y.push_back(i % 1000 < 130 ? nan : noise(rng));     // whole blocks of NaN too
      if (i % 7919 == 0) blocks.update(y, y.size() - 1);  // incremental updates as points arrive
    }
    blocks.update(y, y.size() - 1);
    QCOMPARE(blocks.covered(), y.size());
    for (auto [x0, x1, px] :
         {std::tuple{0.0, 299999.0, 700}, std::tuple{1234.5, 98765.0, 333}, std::tuple{5.0, 900.0, 50}}) {
      const auto plain = SeriesDecimator::decimate(x.data(), y.data(), y.size(), x0, x1, px);
      const auto fast = SeriesDecimator::decimate(x.data(), y.data(), y.size(), x0, x1, px, &blocks);
      QCOMPARE(fast, plain);
    }
    // A stale summary is ignored rather than trusted.
    y.push_back(1e9);
    x.push_back(300000);
    const auto withStale = SeriesDecimator::decimate(x.data(), y.data(), y.size(), 0, 300000, 700, &blocks);
    QCOMPARE(withStale, SeriesDecimator::decimate(x.data(), y.data(), y.size(), 0, 300000, 700));
  }

  // The per-block last x kept by MetricSeries (steps and wall times, uneven spacing, a late point
  // inserted in the middle) gives the same lines as scanning.
  void blockLastXGivesTheSameResult() {
    std::mt19937 rng(3);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::uniform_real_distribution<double> gap(0.1, 3.0);
    longrl::viewers::MetricSeries s;
    double wall = 1.7e9;
    for (int i = 0; i < 200000; ++i) {
      if (i == 150000)  // late points: land in block 12 and shift every later point by 40
        for (int k = 1; k <= 40; ++k) s.append(777 + k / 100.0, s.wallTimes()[777] + k / 1000.0, noise(rng));
      s.append(i, wall += gap(rng), noise(rng));
    }
    QCOMPARE(s.blockLastSteps().size(), s.blocks().blockCount());
    for (std::size_t b = 0; b < s.blockLastSteps().size(); ++b) {
      const std::size_t last = std::min(s.size(), (b + 1) * longrl::viewers::MinMaxBlocks::kBlock) - 1;
      QCOMPARE(s.blockLastSteps()[b], s.steps()[last]);
      QCOMPARE(s.blockLastWallTimes()[b], s.wallTimes()[last]);
    }
    QCOMPARE(s.subBlockLastSteps().size(), s.blocks().subBlocks().count());
    for (std::size_t b = 0; b < s.subBlockLastSteps().size(); ++b) {
      const std::size_t last = std::min(s.size(), (b + 1) * longrl::viewers::MinMaxBlocks::kSubBlock) - 1;
      QCOMPARE(s.subBlockLastSteps()[b], s.steps()[last]);
      QCOMPARE(s.subBlockLastWallTimes()[b], s.wallTimes()[last]);
    }
    for (bool byWall : {false, true}) {
      const auto& x = byWall ? s.wallTimes() : s.steps();
      const auto& last = byWall ? s.blockLastWallTimes() : s.blockLastSteps();
      const auto& subLast = byWall ? s.subBlockLastWallTimes() : s.subBlockLastSteps();
      for (auto [f0, f1, px] : {std::tuple{0.0, 1.0, 900}, std::tuple{0.0031, 0.4, 257}, std::tuple{0.5, 0.5001, 80}}) {
        const double x0 = x.front() + f0 * (x.back() - x.front()), x1 = x.front() + f1 * (x.back() - x.front());
        const auto plain = SeriesDecimator::decimate(x.data(), s.values().data(), s.size(), x0, x1, px);
        QCOMPARE(SeriesDecimator::decimate(x.data(), s.values().data(), s.size(), x0, x1, px, &s.blocks(), last.data()),
                 plain);
        QCOMPARE(SeriesDecimator::decimate(x.data(), s.values().data(), s.size(), x0, x1, px, &s.blocks(), last.data(),
                                           subLast.data()),
                 plain);
      }
    }
  }

  // Points appended one by one extend the last block in place; the summary must equal one built
  // from scratch (indices and values), NaN runs and a rewrite from the middle included.
  void incrementalSummaryEqualsFullOne() {
    std::mt19937 rng(5);
    std::normal_distribution<double> noise(0.0, 1.0);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> y;
    longrl::viewers::MinMaxBlocks live;
    auto check = [&] {
      longrl::viewers::MinMaxBlocks full;
      full.update(y);
      QCOMPARE(live.covered(), y.size());
      QCOMPARE(live.blockCount(), full.blockCount());
      for (const bool sub : {false, true}) {
        const auto& l = sub ? live.subBlocks() : live.blocks();
        const auto& f = sub ? full.subBlocks() : full.blocks();
        QCOMPARE(l.count(), (y.size() + l.size() - 1) / l.size());
        QCOMPARE(l.count(), f.count());
        for (std::size_t b = 0; b < f.count(); ++b) {
          QCOMPARE(l.minIndex(b), f.minIndex(b));
          QCOMPARE(l.maxIndex(b), f.maxIndex(b));
          if (f.minIndex(b) == longrl::viewers::MinMaxBlocks::kNone) continue;
          QCOMPARE(l.minValue(b), y[f.minIndex(b)]);
          QCOMPARE(l.maxValue(b), y[f.maxIndex(b)]);
          QCOMPARE(f.minValue(b), y[f.minIndex(b)]);
          // Direct check of the extremes, so a summary wrong in both the same way still fails.
          const std::size_t end = std::min(y.size(), (b + 1) * f.size());
          double lo = INFINITY, hi = -INFINITY;
          for (std::size_t i = b * f.size(); i < end; ++i)
            if (!std::isnan(y[i])) lo = std::min(lo, y[i]), hi = std::max(hi, y[i]);
          QCOMPARE(f.minValue(b), lo);
          QCOMPARE(f.maxValue(b), hi);
        }
      }
    };
    for (int i = 0; i < 5000; ++i) {
      y.push_back(i % 700 < 90 ? nan : std::round(noise(rng) * 4));  // ties and whole NaN blocks
      live.update(y, y.size() - 1);
      if (i % 997 == 0) check();
    }
    check();
    for (int i = 0; i < 150; ++i) y.push_back(noise(rng));  // a batch at once
    live.update(y, y.size() - 150);
    check();
    y[1234] = 1e9;  // a change in the middle
    live.update(y, 1234);
    check();
  }

  void smallSeriesIsReturnedWhole() {
    std::vector<double> x{0, 1, 2, 3}, y{1, 5, 2, 4};
    const auto points = SeriesDecimator::decimate(x.data(), y.data(), x.size(), 0, 3, 800);
    QCOMPARE(points.size(), qsizetype(4));
    QCOMPARE(points[1], QPointF(1, 5));
  }

  void nanValuesAreSkipped() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> x{0, 1, 2}, y{1, nan, 3};
    const auto points = SeriesDecimator::decimate(x.data(), y.data(), x.size(), 0, 2, 100);
    QCOMPARE(points.size(), qsizetype(2));
  }

  void emptyAndDegenerateInputs() {
    std::vector<double> x{5}, y{1};
    QVERIFY(SeriesDecimator::decimate(x.data(), y.data(), 0, 0, 1, 100).isEmpty());
    QVERIFY(SeriesDecimator::decimate(x.data(), y.data(), 1, 0, 1, 0).isEmpty());
    QCOMPARE(SeriesDecimator::decimate(x.data(), y.data(), 1, 5, 5, 100).size(), qsizetype(1));
  }
};

QTEST_APPLESS_MAIN(TestSeriesDecimator)
#include "TestSeriesDecimator.moc"
