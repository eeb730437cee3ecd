#include <QtTest/QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "viewers/chart/SeriesSmoother.h"

using longrl::viewers::SeriesSmoother;

class TestSeriesSmoother : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emaMatchesClosedForm() {
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(-2, 5);
    std::vector<double> y(300);
    for (double& v : y) v = u(rng);
    const double w = 0.9;
    const auto s = SeriesSmoother::debiasedEma(y, w);
    for (std::size_t k = 0; k < y.size(); k += 37) {
      double num = 0;
      for (std::size_t j = 0; j <= k; ++j) num += (1 - w) * std::pow(w, double(k - j)) * y[j];
      const double expected = num / (1 - std::pow(w, double(k + 1)));
      QVERIFY2(std::abs(s[k] - expected) < 1e-9, qPrintable(QString("k=%1").arg(k)));
    }
  }

  void emaOfConstantIsConstantFromTheFirstPoint() {
    const auto s = SeriesSmoother::debiasedEma(std::vector<double>(50, 0.75), 0.99);
    for (double v : s) QVERIFY(std::abs(v - 0.75) < 1e-12);
  }

  void emaSkipsNan() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto s = SeriesSmoother::debiasedEma({1.0, nan, 1.0}, 0.5);
    QVERIFY(std::isnan(s[1]));
    QVERIFY(std::abs(s[2] - 1.0) < 1e-12);
  }

  void windowAverageMatchesDirectMean() {
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<double> y(5000);
    for (double& v : y) v = u(rng) * 1e6;
    const int window = 25;
    const auto s = SeriesSmoother::windowAverage(y, window);
    for (std::size_t i = 0; i < y.size(); i += 97) {
      const std::size_t from = i + 1 >= std::size_t(window) ? i + 1 - window : 0;
      double sum = 0;
      for (std::size_t j = from; j <= i; ++j) sum += y[j];
      QVERIFY(std::abs(s[i] - sum / double(i - from + 1)) < 1e-6);
    }
  }

  // A live chart extends the smoothing from the cached tail; it must equal smoothing the whole
  // series again, bit for bit, whatever the sizes of the appended batches (NaNs included).
  void incrementalExtensionEqualsFullRecomputation() {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(-3, 3);
    std::uniform_int_distribution<int> batch(0, 40);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    struct Case {
      SeriesSmoother::Kind kind;
      double parameter;
    };
    for (const Case c : {Case{SeriesSmoother::Kind::Ema, 0.9}, Case{SeriesSmoother::Kind::Ema, 0.999},
                         Case{SeriesSmoother::Kind::Window, 7}, Case{SeriesSmoother::Kind::Window, 100},
                         Case{SeriesSmoother::Kind::Ema, 0.0}, Case{SeriesSmoother::Kind::None, 0.0}}) {
      SeriesSmoother live(c.kind, c.parameter);
      std::vector<double> y;
      for (int round = 0; round < 200; ++round) {
        const int n = batch(rng);
        for (int i = 0; i < n; ++i) y.push_back(rng() % 23 == 0 ? nan : u(rng) * (1 + round));
        live.extend(y);
        QCOMPARE(live.covered(), y.size());
      }
      QVERIFY(y.size() > 1000);
      const std::vector<double> full =
          c.kind == SeriesSmoother::Kind::Window ? SeriesSmoother::windowAverage(y, int(c.parameter))
          : c.kind == SeriesSmoother::Kind::Ema  ? SeriesSmoother::debiasedEma(y, c.parameter)
                                                 : y;
      QCOMPARE(live.values().size(), full.size());
      for (std::size_t i = 0; i < full.size(); ++i) {
        const bool same = std::isnan(full[i]) ? std::isnan(live.values()[i]) : live.values()[i] == full[i];
        QVERIFY2(same, qPrintable(QString("kind %1, parameter %2, point %3: %4 vs %5")
                                      .arg(int(c.kind))
                                      .arg(c.parameter)
                                      .arg(i)
                                      .arg(live.values()[i], 0, 'g', 17)
                                      .arg(full[i], 0, 'g', 17)));
      }
      // And against a direct computation, so that both paths cannot be wrong together.
      if (c.kind == SeriesSmoother::Kind::Window) {
        const std::size_t w = std::size_t(c.parameter);
        std::vector<double> finite;
        for (std::size_t i = 0; i < y.size(); ++i) {
          if (std::isnan(y[i])) continue;
          finite.push_back(y[i]);
          const std::size_t from = finite.size() > w ? finite.size() - w : 0;
          double sum = 0;
          for (std::size_t j = from; j < finite.size(); ++j) sum += finite[j];
          QVERIFY(std::abs(full[i] - sum / double(finite.size() - from)) < 1e-9 * (1 + std::abs(sum)));
        }
      }
    }
  }

  void resetStartsOver() {
    SeriesSmoother s(SeriesSmoother::Kind::Ema, 0.5);
    s.extend({10, 10, 10});
    s.reset();
    s.extend({1, 1});
    QCOMPARE(s.values(), (std::vector<double>{1, 1}));
  }

  void weightZeroAndWindowOneAreIdentity() {
    std::vector<double> y{3, 1, 4, 1, 5};
    QCOMPARE(SeriesSmoother::debiasedEma(y, 0.0), y);
    QCOMPARE(SeriesSmoother::windowAverage(y, 1), y);
  }
};

QTEST_APPLESS_MAIN(TestSeriesSmoother)
#include "TestSeriesSmoother.moc"
