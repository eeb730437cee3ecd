#include <QtTest/QtTest>

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "trainer/grpo/PolicyLoss.h"

using longrl::config::KlLossType;
using longrl::config::LossAggMode;
using longrl::grpo::PolicyLoss;
using longrl::grpo::PolicyLossOptions;

namespace {
// Scalar re-statement of verl's per-token PPO loss, written independently of the tensor code.
double tokenLoss(double lp, double old, double adv, const PolicyLossOptions& o, bool* clipped, bool* lower) {
  const double ratio = std::exp(std::clamp(lp - old, -20.0, 20.0));
  const double l1 = -adv * ratio;
  const double l2 = -adv * std::clamp(ratio, 1 - o.clipRatioLow, 1 + o.clipRatioHigh);
  *clipped = l2 > l1;
  double l = std::max(l1, l2);
  *lower = false;
  if (o.dualClip && adv < 0) {
    const double l3 = -adv * o.clipRatioC;
    *lower = l > l3;
    l = std::min(l, l3);
  }
  return l;
}

struct Batch {
  torch::Tensor lp, old, adv, mask;
};

Batch makeBatch() {
  torch::manual_seed(11);
  const int B = 4, T = 7;
  Batch b;
  b.old = -torch::rand({B, T}, torch::kDouble) * 3;
  b.lp = b.old + torch::randn({B, T}, torch::kDouble) * 0.5;
  b.lp.index_put_({2, 3}, b.old.index({2, 3}) + 2.0);  // far outside the clip range
  b.lp.index_put_({1, 0}, b.old.index({1, 0}) + 3.0);  // triggers the dual clip on a negative advantage
  b.adv = torch::tensor({1.5, -2.0, 0.7, -0.3}, torch::kDouble).unsqueeze(1).expand({B, T}).contiguous();
  b.mask = torch::ones({B, T}, torch::kDouble);
  b.mask.index_put_({0, torch::indexing::Slice(5, torch::indexing::None)}, 0.0);  // sequences of different lengths
  b.mask.index_put_({3, torch::indexing::Slice(2, torch::indexing::None)}, 0.0);
  return b;
}
}  // namespace

class TestPolicyLoss : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void matchesScalarReferenceInEveryAggregationMode() {
    const Batch b = makeBatch();
    PolicyLossOptions o;
    o.clipRatioHigh = 0.28;
    for (auto mode : {LossAggMode::TokenMean, LossAggMode::SeqMeanTokenMean, LossAggMode::SeqMeanTokenSum}) {
      o.aggMode = mode;
      const auto r = PolicyLoss::compute(b.lp, b.old, b.adv, b.mask, o);
      double tokenSum = 0, tokens = 0, seqMeanSum = 0, seqSumSum = 0, clipped = 0, lower = 0, kl = 0;
      for (int i = 0; i < 4; ++i) {
        double s = 0, n = 0;
        for (int t = 0; t < 7; ++t) {
          if (b.mask[i][t].item<double>() == 0) continue;
          bool c, lo;
          const double lp = b.lp[i][t].item<double>(), old = b.old[i][t].item<double>();
          const double l = tokenLoss(lp, old, b.adv[i][t].item<double>(), o, &c, &lo);
          s += l;
          n += 1;
          clipped += c;
          lower += lo;
          kl += old - lp;
        }
        tokenSum += s;
        tokens += n;
        seqMeanSum += s / n;
        seqSumSum += s;
      }
      const double expected = mode == LossAggMode::TokenMean          ? tokenSum / tokens
                              : mode == LossAggMode::SeqMeanTokenMean ? seqMeanSum / 4
                                                                      : seqSumSum / 4;
      QVERIFY2(std::abs(r.loss.item<double>() - expected) < 1e-12, qPrintable(QString::number(int(mode))));
      QVERIFY(std::abs(r.clipFrac.item<double>() - clipped / tokens) < 1e-12);
      QVERIFY(std::abs(r.clipFracLower.item<double>() - lower / tokens) < 1e-12);
      QVERIFY(std::abs(r.ppoKl.item<double>() - kl / tokens) < 1e-12);
      QVERIFY(lower > 0);  // the batch does exercise the dual clip
    }
  }

  void gradientFlowsOnlyThroughUnclippedTokens() {
    Batch b = makeBatch();
    b.lp.requires_grad_(true);
    PolicyLossOptions o;
    const auto r = PolicyLoss::compute(b.lp, b.old, b.adv, b.mask, o);
    r.loss.backward();
    const auto g = b.lp.grad();
    const double tokens = b.mask.sum().item<double>();
    for (int i = 0; i < 4; ++i)
      for (int t = 0; t < 7; ++t) {
        const double lp = b.lp[i][t].item<double>(), old = b.old[i][t].item<double>(), adv = b.adv[i][t].item<double>();
        const double ratio = std::exp(lp - old);
        bool c, lo;
        tokenLoss(lp, old, adv, o, &c, &lo);
        const bool outside = (adv > 0 && ratio > 1 + o.clipRatioHigh) || (adv < 0 && ratio < 1 - o.clipRatioLow) || lo;
        const double expected = b.mask[i][t].item<double>() == 0 || outside ? 0.0 : -adv * ratio / tokens;
        QVERIFY2(std::abs(g[i][t].item<double>() - expected) < 1e-12, qPrintable(QString("%1,%2").arg(i).arg(t)));
      }
  }

  void withoutDualClipNegativeAdvantagesAreUnbounded() {
    Batch b = makeBatch();
    PolicyLossOptions o;
    o.dualClip = false;
    const auto r = PolicyLoss::compute(b.lp, b.old, b.adv, b.mask, o);
    QCOMPARE(r.clipFracLower.item<double>(), 0.0);
    o.dualClip = true;
    QVERIFY(PolicyLoss::compute(b.lp, b.old, b.adv, b.mask, o).loss.item<double>() < r.loss.item<double>());
  }

  void klEstimators() {
    const auto lp = torch::tensor({-1.0, -2.0, -0.5, -30.0}, torch::kDouble);
    const auto ref = torch::tensor({-1.5, -1.0, -0.5, -1.0}, torch::kDouble);
    const auto k1 = PolicyLoss::klPenalty(lp, ref, KlLossType::K1);
    const auto k2 = PolicyLoss::klPenalty(lp, ref, KlLossType::K2);
    const auto k3 = PolicyLoss::klPenalty(lp, ref, KlLossType::K3);
    const auto low = PolicyLoss::klPenalty(lp, ref, KlLossType::LowVarKl);
    for (int i = 0; i < 4; ++i) {
      const double d = lp[i].item<double>() - ref[i].item<double>();
      QVERIFY(std::abs(k1[i].item<double>() - d) < 1e-12);
      QVERIFY(std::abs(k2[i].item<double>() - 0.5 * d * d) < 1e-12);
      const double x = std::clamp(-d, -20.0, 20.0);
      const double expected = std::exp(x) - x - 1;
      QVERIFY(std::abs(k3[i].item<double>() - expected) < 1e-9 * std::max(1.0, expected));
      QVERIFY(std::abs(low[i].item<double>() - std::clamp(expected, -10.0, 10.0)) < 1e-9);
      QVERIFY(k3[i].item<double>() >= 0);  // k3 is never negative
    }
    QCOMPARE(low[3].item<double>(), 10.0);  // clamped
    QCOMPARE(k1[2].item<double>(), 0.0);
  }
};

QTEST_APPLESS_MAIN(TestPolicyLoss)
#include "TestPolicyLoss.moc"
