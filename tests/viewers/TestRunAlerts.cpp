#include <QtTest/QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "support/TestPaths.h"
#include "viewers/data/RunAlerts.h"
#include "viewers/data/RunSession.h"

using longrl::store::MetricPoint;
using longrl::viewers::RunAlert;
using longrl::viewers::RunAlerts;
using Kind = longrl::viewers::RunAlert::Kind;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

MetricPoint point(std::int64_t step, const char* name, double value, double wall = 0) {
  MetricPoint p;
  p.step = step;
  p.name = name;
  p.value = value;
  p.wall_time = wall > 0 ? wall : 1000.0 + 40.0 * static_cast<double>(step);
  return p;
}

// Feeds one point at a time, as a live run delivers them; returns every alert raised.
std::vector<RunAlert> feed(RunAlerts& alerts, const std::vector<MetricPoint>& points) {
  std::vector<RunAlert> out;
  for (const auto& p : points)
    for (auto& a : alerts.add({p})) out.push_back(a);
  return out;
}

std::vector<MetricPoint> entropySteps(std::int64_t from, std::int64_t to, double value) {
  std::vector<MetricPoint> out;
  for (std::int64_t s = from; s <= to; ++s) out.push_back(point(s, "actor/entropy", value));
  return out;
}
}  // namespace

class TestRunAlerts : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // A long healthy run (entropy falling from 1.15 to 0.35, a few judge errors, grad-norm spikes,
  // steady 40 s steps) raises nothing, and is not stalled 100 s after its last step.
  void healthyRunRaisesNothing() {
    RunAlerts alerts;
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<MetricPoint> points;
    for (std::int64_t s = 1; s <= 600; ++s) {
      const double t = static_cast<double>(s) / 600.0;
      points.push_back(point(s, "actor/entropy", 0.9 * std::exp(-1.5 * t) + 0.25 + 0.02 * noise(rng)));
      points.push_back(point(s, "actor/grad_norm", 0.4 + 0.15 * std::abs(noise(rng)) + (s % 97 == 0 ? 20.0 : 0.0)));
      points.push_back(point(s, "actor/pg_loss", 0.05 * noise(rng)));
      points.push_back(point(s, "judge/calls", 16));
      points.push_back(point(s, "judge/errors", s % 10 == 0 ? 3 : 0));  // 19% at worst
      points.push_back(point(s, "timing_s/step", 40 + 5 * noise(rng)));
    }
    QVERIFY(alerts.add(points).empty());
    QVERIFY(alerts.checkStalled(true, 1000.0 + 40.0 * 600 + 100).empty());
    QVERIFY(alerts.raised().empty());
    QVERIFY(std::abs(alerts.medianStepSeconds() - 40.0) < 2.0);
  }

  void nonFiniteLossOrGradNormFiresOncePerEpisode() {
    RunAlerts alerts;
    std::vector<MetricPoint> points;
    for (int s = 1; s <= 10; ++s) points.push_back(point(s, "actor/grad_norm", 0.5));
    points.push_back(point(11, "actor/grad_norm", kNaN));
    points.push_back(point(12, "actor/grad_norm", kNaN));
    points.push_back(point(13, "actor/grad_norm", kInf));  // still the same episode
    points.push_back(point(14, "actor/grad_norm", 0.7));   // ends it
    points.push_back(point(20, "actor/grad_norm", kInf));
    points.push_back(point(21, "sft/loss", -kInf));
    points.push_back(point(22, "actor/kl_loss", kNaN));
    // Neither a loss nor a gradient norm: not this rule's business.
    points.push_back(point(23, "actor/entropy", kNaN));
    points.push_back(point(24, "critic/score/mean", kNaN));
    const auto raised = feed(alerts, points);
    QCOMPARE(static_cast<int>(raised.size()), 4);
    QVERIFY(raised[0].kind == Kind::NonFinite);
    QCOMPARE(raised[0].metric, QString("actor/grad_norm"));
    QCOMPARE(qint64(raised[0].step), qint64(11));
    QCOMPARE(raised[0].message, QString("step 11: actor/grad_norm is NaN"));
    QCOMPARE(raised[1].message, QString("step 20: actor/grad_norm is inf"));
    QCOMPARE(raised[2].message, QString("step 21: sft/loss is -inf"));
    QCOMPARE(raised[2].metric, QString("sft/loss"));
    QCOMPARE(raised[3].message, QString("step 22: actor/kl_loss is NaN"));
    QCOMPARE(static_cast<int>(alerts.raised().size()), 4);
    QCOMPARE(RunAlert::kindName(raised[0].kind), QString("nonfinite"));
  }

  // Floor: 10% of the median of the first 20 values (0.8 → 0.08), above the absolute 0.05.
  void entropyCollapseNeedsFiveStepsBelowTheFloor() {
    RunAlerts alerts;
    std::vector<MetricPoint> points = entropySteps(1, 20, 0.8);
    for (auto& p : entropySteps(21, 24, 0.07)) points.push_back(p);  // 4 steps below: not yet
    points.push_back(point(25, "actor/entropy", 0.5));
    for (auto& p : entropySteps(26, 35, 0.03)) points.push_back(p);  // fires at the 5th, once
    auto raised = feed(alerts, points);
    QCOMPARE(static_cast<int>(raised.size()), 1);
    QVERIFY(raised[0].kind == Kind::EntropyCollapse);
    QCOMPARE(raised[0].metric, QString("actor/entropy"));
    QCOMPARE(qint64(raised[0].step), qint64(26));  // where it went below
    QCOMPARE(raised[0].message, QString("step 26: actor/entropy below 0.08 nats (10% of its median 0.8 over the first "
                                        "20 steps) for 5 steps, 0.03 at step 30: entropy collapse"));
    // Four steps back above do not end the episode; five do, and the next collapse fires again.
    points = entropySteps(36, 39, 0.5);
    points.push_back(point(40, "actor/entropy", 0.02));
    for (auto& p : entropySteps(41, 45, 0.04)) points.push_back(p);
    QVERIFY(feed(alerts, points).empty());
    points = entropySteps(46, 50, 0.5);
    for (auto& p : entropySteps(51, 55, 0.04)) points.push_back(p);
    raised = feed(alerts, points);
    QCOMPARE(static_cast<int>(raised.size()), 1);
    QCOMPARE(qint64(raised[0].step), qint64(51));
    QCOMPARE(RunAlert::kindName(raised[0].kind), QString("entropy_collapse"));
  }

  // Before the baseline exists (and for a model that starts low) the absolute floor applies.
  void entropyBelowTheAbsoluteFloorFromTheStart() {
    RunAlerts alerts;
    auto raised = feed(alerts, entropySteps(1, 4, 0.01));
    QVERIFY(raised.empty());
    raised = feed(alerts, entropySteps(5, 5, 0.01));
    QCOMPARE(static_cast<int>(raised.size()), 1);
    QCOMPARE(qint64(raised[0].step), qint64(1));
    QCOMPARE(raised[0].message,
             QString("step 1: actor/entropy below 0.05 nats (an all but deterministic policy) for 5 steps, 0.01 at "
                     "step 5: entropy collapse"));
    // A model whose entropy starts at 0.3 and stays there is healthy: 10% of 0.3 is below 0.05.
    RunAlerts steady;
    QVERIFY(feed(steady, entropySteps(1, 200, 0.3)).empty());
  }

  void judgeErrorRateAboveTwentyPercent() {
    RunAlerts alerts;
    std::vector<MetricPoint> points{point(1, "judge/calls", 16), point(1, "judge/errors", 2),   // 12.5%
                                    point(2, "judge/errors", 6), point(2, "judge/calls", 16),   // 37.5%: fires
                                    point(3, "judge/calls", 16), point(3, "judge/errors", 8),   // same episode
                                    point(4, "judge/calls", 16), point(4, "judge/errors", 0)};  // ends it
    auto raised = feed(alerts, points);
    QCOMPARE(static_cast<int>(raised.size()), 1);
    QVERIFY(raised[0].kind == Kind::JudgeErrors);
    QCOMPARE(raised[0].metric, QString("judge/errors"));
    QCOMPARE(qint64(raised[0].step), qint64(2));
    QCOMPARE(raised[0].message, QString("step 2: 6 of 16 judge calls failed (38%, above 20%)"));
    // Small steps are pooled until they hold 10 calls: 3/4 alone says little; 5/12 over three steps does.
    points = {point(5, "judge/calls", 4), point(5, "judge/errors", 3), point(6, "judge/calls", 4),
              point(6, "judge/errors", 1)};
    QVERIFY(feed(alerts, points).empty());
    raised = feed(alerts, {point(7, "judge/calls", 4), point(7, "judge/errors", 1)});
    QCOMPARE(static_cast<int>(raised.size()), 1);
    QCOMPARE(qint64(raised[0].step), qint64(5));
    QCOMPARE(raised[0].message, QString("steps 5-7: 5 of 12 judge calls failed (42%, above 20%)"));
    // Exactly 20% is not above it.
    RunAlerts edge;
    QVERIFY(feed(edge, {point(1, "judge/calls", 10), point(1, "judge/errors", 2)}).empty());
  }

  // 40 s steps: stalled after max(5 x 40 s, 120 s) = 200 s without a point, once until the next one.
  void stalledAfterFiveMedianStepsWithTheInjectedClock() {
    RunAlerts alerts;
    std::vector<MetricPoint> points;
    for (int s = 1; s <= 10; ++s) {
      points.push_back(point(s, "critic/score/mean", 0.5));
      points.push_back(point(s, "timing_s/step", s == 1 ? 300 : 40));  // the first step loads the model
    }
    QVERIFY(alerts.add(points).empty());
    const double last = 1000.0 + 40.0 * 10;
    QCOMPARE(alerts.medianStepSeconds(), 40.0);
    QVERIFY(alerts.checkStalled(true, last + 199).empty());
    QVERIFY(alerts.checkStalled(false, last + 5000).empty());  // finished, failed or paused
    auto raised = alerts.checkStalled(true, last + 430);
    QCOMPARE(static_cast<int>(raised.size()), 1);
    QVERIFY(raised[0].kind == Kind::Stalled);
    QCOMPARE(qint64(raised[0].step), qint64(10));
    QCOMPARE(raised[0].metric, QString("timing_s/step"));
    QCOMPARE(raised[0].message, QString("step 10: no new step for 7 min (median step 40 s): a rank may have stopped "
                                        "reporting or the job hangs"));
    QVERIFY(alerts.checkStalled(true, last + 5000).empty());  // the same episode
    QVERIFY(alerts.add({point(11, "critic/score/mean", 0.5)}).empty());
    QVERIFY(alerts.checkStalled(true, last + 40 + 100).empty());
    raised = alerts.checkStalled(true, last + 40 + 3 * 3600);
    QCOMPARE(static_cast<int>(raised.size()), 1);
    QCOMPARE(raised[0].message.left(30), QString("step 11: no new step for 3 h ("));
    QCOMPARE(RunAlert::kindName(raised[0].kind), QString("stalled"));
  }

  // Fast steps: the 120 s floor; no timing_s/step: the median gap between steps' first points.
  void stallFloorAndStepTimeFromWallClock() {
    RunAlerts fast;
    std::vector<MetricPoint> points;
    for (int s = 1; s <= 30; ++s) points.push_back(point(s, "timing_s/step", 1.0, 5000.0 + s));
    fast.add(points);
    QVERIFY(fast.checkStalled(true, 5030 + 119).empty());
    QCOMPARE(static_cast<int>(fast.checkStalled(true, 5030 + 121).size()), 1);

    RunAlerts untimed;
    points.clear();
    for (int s = 1; s <= 30; ++s) {
      points.push_back(point(s, "critic/score/mean", 0.5, 9000.0 + 30.0 * s));
      points.push_back(point(s, "actor/entropy", 0.5, 9000.0 + 30.0 * s + 1));
    }
    untimed.add(points);
    QCOMPARE(untimed.medianStepSeconds(), 30.0);
    QVERIFY(untimed.checkStalled(true, 9901 + 149).empty());
    const auto raised = untimed.checkStalled(true, 9901 + 151);
    QCOMPARE(static_cast<int>(raised.size()), 1);
    QVERIFY2(raised[0].message.contains("(median step 30 s)"), qPrintable(raised[0].message));
    QCOMPARE(raised[0].metric, QString("actor/entropy"));  // the last metric written

    RunAlerts empty;  // nothing written yet: loading a model is no stall
    QVERIFY(empty.checkStalled(true, 1e9).empty());
  }

  // A pause for labels at a phase end is no stall: the rule counts from the pause's end.
  void stallCountsFromTheEndOfAPause() {
    RunAlerts alerts;
    alerts.add({point(1, "timing_s/step", 40, 1000), point(2, "timing_s/step", 40, 1040)});
    alerts.noteActivity(1040 + 3600);
    QVERIFY(alerts.checkStalled(true, 1040 + 3600 + 150).empty());
    QCOMPARE(static_cast<int>(alerts.checkStalled(true, 1040 + 3600 + 250).size()), 1);
  }

  void durations() {
    QCOMPARE(RunAlerts::duration(0.5), QString("0.5 s"));
    QCOMPARE(RunAlerts::duration(40), QString("40 s"));
    QCOMPARE(RunAlerts::duration(7 * 60 + 10), QString("7 min"));
    QCOMPARE(RunAlerts::duration(5 * 3600), QString("5 h"));
    QCOMPARE(RunAlerts::duration(3 * 86400), QString("3 days"));
  }

  // RunSession feeds its RunAlerts from the store (the backlog too) and checks the stall on its
  // clock once caught up.
  void sessionRaisesAlertsFromItsStore() {
    const std::string dir = longrl::test::freshTempDir("alerts-session");
    const double t0 = 1.7e9;
    {
      longrl::store::RunStoreWriter w(longrl::store::RunStore::fileIn(dir));
      longrl::store::RunInfo info;
      info.name = "alerts";
      info.status = "running";
      w.writeRun(info);
      for (int s = 1; s <= 20; ++s) {
        w.writeMetric(point(s, "actor/grad_norm", s == 5 ? kNaN : 0.5, t0 + 40.0 * s));
        w.writeMetric(point(s, "timing_s/step", 40, t0 + 40.0 * s));
      }
    }
    const double last = t0 + 40.0 * 20;
    double now = last + 10;
    longrl::viewers::RunSession session(QString::fromStdString(dir), QStringLiteral("local"), nullptr, 20);
    session.setClock([&now] { return now; });
    std::vector<RunAlert> signalled;
    connect(&session, &longrl::viewers::RunSession::alertRaised, this,
            [&signalled](const RunAlert& a) { signalled.push_back(a); });
    QTRY_VERIFY_WITH_TIMEOUT(session.caughtUp(), 10000);
    QTRY_COMPARE(static_cast<int>(signalled.size()), 1);
    QCOMPARE(signalled[0].message, QString("step 5: actor/grad_norm is NaN"));
    QCOMPARE(static_cast<int>(session.alerts().size()), 1);
    now = last + 1000;
    session.checkStalled();
    QCOMPARE(static_cast<int>(signalled.size()), 2);
    QVERIFY(signalled[1].kind == Kind::Stalled);
    QCOMPARE(qint64(signalled[1].step), qint64(20));
    // A run whose trainer is known to be gone does not stall.
    session.setStatusOverride(QStringLiteral("trainer crashed"));
    now = last + 1e6;
    session.checkStalled();
    QCOMPARE(static_cast<int>(session.alerts().size()), 2);
  }
};

QTEST_MAIN(TestRunAlerts)
#include "TestRunAlerts.moc"
