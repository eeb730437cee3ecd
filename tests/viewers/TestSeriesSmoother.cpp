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

  void weightZeroAndWindowOneAreIdentity() {
    std::vector<double> y{3, 1, 4, 1, 5};
    QCOMPARE(SeriesSmoother::debiasedEma(y, 0.0), y);
    QCOMPARE(SeriesSmoother::windowAverage(y, 1), y);
  }
};

QTEST_APPLESS_MAIN(TestSeriesSmoother)
#include "TestSeriesSmoother.moc"
