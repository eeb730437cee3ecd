// ChunkedLogProbs against the materialise-everything reference: values and gradients (double precision),
// uneven chunks, temperature, entropy gradient, no-grad path, KL estimates, error paths.
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/ChunkedLogProbs.h"
#include "kernels/KernelError.h"
#include "kernels/KernelReference.h"

using longrl::kernels::ChunkedLogProbs;
using longrl::kernels::KernelError;
using longrl::kernels::KernelReference;
using longrl::kernels::KlPenalty;

namespace {

struct Case {
  torch::Tensor hidden, weight, targets;
};

Case makeCase(int64_t T, int64_t H, int64_t V, torch::ScalarType dtype, uint64_t seed) {
  torch::manual_seed(seed);
  auto opts = torch::TensorOptions().dtype(dtype);
  return {torch::randn({T, H}, opts), torch::randn({V, H}, opts) * 0.5, torch::randint(0, V, {T}, torch::kLong)};
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

// Gradients of sum(a * lp) + sum(b * ent) for random weights a, b (b undefined: logprobs only).
std::pair<torch::Tensor, torch::Tensor> gradsOf(const torch::Tensor& lp, const torch::Tensor& ent,
                                                const torch::Tensor& a, const torch::Tensor& b, torch::Tensor& h,
                                                torch::Tensor& w) {
  auto loss = (lp * a).sum();
  if (b.defined()) loss = loss + (ent * b).sum();
  auto g = torch::autograd::grad({loss}, {h, w});
  return {g[0], g[1]};
}

}  // namespace

class TestChunkedLogProbs : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void forwardMatchesReferenceWithUnevenChunks();
  void gradientsMatchReferenceWithEntropyAndTemperature();
  void entropyOnlyGradientMatches();
  void logprobOnlyGradientMatches();
  void chunkOfOneAndChunkLargerThanT();
  void noGradPathMatchesAndBuildsNoGraph();
  void floatInputsAgreeWithDoubleReference();
  void klEstimatesFollowVerlFormulas();
  void klClampsOfK3AndLowVarKl();
  void rejectsMalformedInputs();
};

void TestChunkedLogProbs::forwardMatchesReferenceWithUnevenChunks() {
  auto c = makeCase(37, 16, 53, torch::kDouble, 1);
  ChunkedLogProbs::Options o;
  o.chunk = 8;  // 37 = 4 x 8 + 5
  o.temperature = 0.7;
  auto r = ChunkedLogProbs::compute(c.hidden, c.weight, c.targets, o);
  auto [lp, ent] = KernelReference::logProbsAndEntropy(c.hidden, c.weight, c.targets, 0.7);
  QCOMPARE(r.logprobs.sizes().vec(), std::vector<int64_t>({37}));
  QVERIFY(maxAbsDiff(r.logprobs, lp) < 1e-12);
  QVERIFY(maxAbsDiff(r.entropy, ent) < 1e-12);
  QVERIFY((r.logprobs <= 0).all().item<bool>());
  QVERIFY((r.entropy >= 0).all().item<bool>());
  QVERIFY((r.entropy <= std::log(53.0) + 1e-9).all().item<bool>());
  QVERIFY(!r.kl.defined());
}

void TestChunkedLogProbs::gradientsMatchReferenceWithEntropyAndTemperature() {
  auto c = makeCase(29, 12, 41, torch::kDouble, 2);
  auto a = torch::randn({29}, torch::kDouble), b = torch::randn({29}, torch::kDouble);
  auto h1 = c.hidden.clone().requires_grad_(), w1 = c.weight.clone().requires_grad_();
  ChunkedLogProbs::Options o;
  o.chunk = 7;
  o.temperature = 1.3;
  auto r = ChunkedLogProbs::compute(h1, w1, c.targets, o);
  auto [gh, gw] = gradsOf(r.logprobs, r.entropy, a, b, h1, w1);

  auto h2 = c.hidden.clone().requires_grad_(), w2 = c.weight.clone().requires_grad_();
  auto [lp, ent] = KernelReference::logProbsAndEntropy(h2, w2, c.targets, 1.3);
  auto [rh, rw] = gradsOf(lp, ent, a, b, h2, w2);
  QVERIFY2(maxAbsDiff(gh, rh) < 1e-10, qPrintable(QString::number(maxAbsDiff(gh, rh))));
  QVERIFY2(maxAbsDiff(gw, rw) < 1e-10, qPrintable(QString::number(maxAbsDiff(gw, rw))));
  QVERIFY(rh.abs().max().item<double>() > 1e-3);  // the comparison is not trivially 0 == 0
}

void TestChunkedLogProbs::entropyOnlyGradientMatches() {
  auto c = makeCase(19, 8, 31, torch::kDouble, 3);
  auto h1 = c.hidden.clone().requires_grad_(), w1 = c.weight.clone().requires_grad_();
  ChunkedLogProbs::Options o;
  o.chunk = 5;
  o.temperature = 0.6;
  auto r = ChunkedLogProbs::compute(h1, w1, c.targets, o);
  auto g = torch::autograd::grad({r.entropy.mean()}, {h1, w1});
  auto h2 = c.hidden.clone().requires_grad_(), w2 = c.weight.clone().requires_grad_();
  auto ref = KernelReference::logProbsAndEntropy(h2, w2, c.targets, 0.6);
  auto rg = torch::autograd::grad({ref.second.mean()}, {h2, w2});
  QVERIFY(maxAbsDiff(g[0], rg[0]) < 1e-10);
  QVERIFY(maxAbsDiff(g[1], rg[1]) < 1e-10);
}

void TestChunkedLogProbs::logprobOnlyGradientMatches() {
  auto c = makeCase(23, 8, 17, torch::kDouble, 4);
  auto a = torch::randn({23}, torch::kDouble);
  auto h1 = c.hidden.clone().requires_grad_(), w1 = c.weight.clone().requires_grad_();
  ChunkedLogProbs::Options o;
  o.chunk = 6;
  o.computeEntropy = false;
  auto r = ChunkedLogProbs::compute(h1, w1, c.targets, o);
  QVERIFY(!r.entropy.defined());
  auto [gh, gw] = gradsOf(r.logprobs, {}, a, {}, h1, w1);
  auto h2 = c.hidden.clone().requires_grad_(), w2 = c.weight.clone().requires_grad_();
  auto ref = KernelReference::logProbsAndEntropy(h2, w2, c.targets, 1.0);
  auto [rh, rw] = gradsOf(ref.first, {}, a, {}, h2, w2);
  QVERIFY(maxAbsDiff(gh, rh) < 1e-10);
  QVERIFY(maxAbsDiff(gw, rw) < 1e-10);
  // Only the hidden states require grad (frozen head): the weight gradient is not produced.
  auto h3 = c.hidden.clone().requires_grad_();
  auto r3 = ChunkedLogProbs::compute(h3, c.weight, c.targets, o);
  (r3.logprobs * a).sum().backward();
  QVERIFY(maxAbsDiff(h3.grad(), rh) < 1e-10);
}

void TestChunkedLogProbs::chunkOfOneAndChunkLargerThanT() {
  auto c = makeCase(9, 4, 11, torch::kDouble, 5);
  auto ref = KernelReference::logProbsAndEntropy(c.hidden, c.weight, c.targets, 1.0);
  for (int64_t chunk : {1, 9, 100}) {
    ChunkedLogProbs::Options o;
    o.chunk = chunk;
    auto r = ChunkedLogProbs::compute(c.hidden, c.weight, c.targets, o);
    QVERIFY(maxAbsDiff(r.logprobs, ref.first) < 1e-12);
    QVERIFY(maxAbsDiff(r.entropy, ref.second) < 1e-12);
  }
}

void TestChunkedLogProbs::noGradPathMatchesAndBuildsNoGraph() {
  auto c = makeCase(21, 8, 19, torch::kDouble, 6);
  auto h = c.hidden.clone().requires_grad_();
  ChunkedLogProbs::Options o;
  o.chunk = 4;
  o.temperature = 0.7;
  torch::Tensor lp, ent;
  {
    torch::NoGradGuard noGrad;
    auto r = ChunkedLogProbs::compute(h, c.weight, c.targets, o);
    lp = r.logprobs;
    ent = r.entropy;
  }
  QVERIFY(!lp.requires_grad());
  QVERIFY(!lp.grad_fn());
  auto ref = KernelReference::logProbsAndEntropy(c.hidden, c.weight, c.targets, 0.7);
  QVERIFY(maxAbsDiff(lp, ref.first) < 1e-12);
  QVERIFY(maxAbsDiff(ent, ref.second) < 1e-12);
  // Grad mode on but nothing requires grad: the same fast path.
  auto r2 = ChunkedLogProbs::compute(c.hidden, c.weight, c.targets, o);
  QVERIFY(!r2.logprobs.grad_fn());
}

void TestChunkedLogProbs::floatInputsAgreeWithDoubleReference() {
  auto c = makeCase(40, 32, 300, torch::kFloat, 7);
  ChunkedLogProbs::Options o;
  o.chunk = 16;
  o.temperature = 0.7;
  auto h = c.hidden.clone().requires_grad_();
  auto r = ChunkedLogProbs::compute(h, c.weight, c.targets, o);
  (r.logprobs.sum() + 0.1 * r.entropy.sum()).backward();
  auto hd = c.hidden.to(torch::kDouble).requires_grad_();
  auto ref = KernelReference::logProbsAndEntropy(hd, c.weight.to(torch::kDouble), c.targets, 0.7);
  (ref.first.sum() + 0.1 * ref.second.sum()).backward();
  QCOMPARE(r.logprobs.scalar_type(), torch::kFloat);
  QVERIFY(maxAbsDiff(r.logprobs.to(torch::kDouble), ref.first) < 1e-4);
  QVERIFY(maxAbsDiff(r.entropy.to(torch::kDouble), ref.second) < 1e-4);
  QVERIFY(maxAbsDiff(h.grad().to(torch::kDouble), hd.grad()) < 1e-4);
}

void TestChunkedLogProbs::klEstimatesFollowVerlFormulas() {
  auto c = makeCase(13, 6, 9, torch::kDouble, 8);
  auto ref = torch::randn({13}, torch::kDouble) - 2.0;
  auto h = c.hidden.clone().requires_grad_();
  ChunkedLogProbs::Options o;
  o.chunk = 5;
  o.refLogProbs = ref;
  auto r = ChunkedLogProbs::compute(h, c.weight, c.targets, o);
  auto lp = r.logprobs.detach();
  auto k3 = ((ref - lp).exp() - (ref - lp) - 1).clamp(-10.0, 10.0);  // k3 (low_var_kl), clamped as verl does
  QVERIFY(maxAbsDiff(r.kl.detach(), k3) < 1e-12);
  QVERIFY((r.kl >= 0).all().item<bool>());
  QVERIFY(maxAbsDiff(ChunkedLogProbs::klEstimate(lp, ref, KlPenalty::K1), lp - ref) < 1e-15);
  QVERIFY(maxAbsDiff(ChunkedLogProbs::klEstimate(lp, ref, KlPenalty::K2), 0.5 * (lp - ref).square()) < 1e-15);
  // low_var_kl (the default) is clamped at 10 for very unlikely tokens under the reference.
  auto big = ChunkedLogProbs::klEstimate(torch::full({1}, -30.0, torch::kDouble), torch::zeros({1}, torch::kDouble),
                                         KlPenalty::LowVarKl);
  QCOMPARE(big.item<double>(), 10.0);
  r.kl.sum().backward();  // the KL term is differentiable through the log-probs
  QVERIFY(h.grad().defined() && h.grad().abs().sum().item<double>() > 0);
}

// The clamps of k3 and low_var_kl, pinned at values where each one acts; the training loss
// (grpo::PolicyLoss::klPenalty) computes its KL term with this function.
void TestChunkedLogProbs::klClampsOfK3AndLowVarKl() {
  // ref - lp: 0.5 (no clamp acts), 5 (k3 = e^5 - 6 = 142.4: low_var_kl clamps it to 10), 30 and -30
  // (the exponent is clamped to 20 and -20 first), and +inf (a token impossible under the policy).
  const auto lp = torch::tensor({-1.0, -5.0, -30.0, 0.0, -std::numeric_limits<double>::infinity()}, torch::kDouble);
  const auto ref = torch::tensor({-0.5, 0.0, 0.0, -30.0, 0.0}, torch::kDouble);
  const auto k3 = ChunkedLogProbs::klEstimate(lp, ref, KlPenalty::K3);
  const auto low = ChunkedLogProbs::klEstimate(lp, ref, KlPenalty::LowVarKl);
  const double expected[] = {std::exp(0.5) - 1.5, std::exp(5.0) - 6.0, std::exp(20.0) - 21.0, std::exp(-20.0) + 19.0,
                             std::exp(20.0) - 21.0};
  for (int i = 0; i < 5; ++i) {
    QVERIFY2(std::abs(k3[i].item<double>() - expected[i]) <= 1e-12 * std::max(1.0, expected[i]),
             qPrintable(QString::number(i)));
    QCOMPARE(low[i].item<double>(), std::min(expected[i], 10.0));
  }
  // k3 itself is not clamped at 10.
  QVERIFY(k3[1].item<double>() > 100.0);
  // The clamped exponent gives no gradient; inside the clamps the gradient is 1 - exp(ref - lp).
  auto x = lp.clone().requires_grad_();
  ChunkedLogProbs::klEstimate(x.narrow(0, 0, 3), ref.narrow(0, 0, 3), KlPenalty::K3).sum().backward();
  QVERIFY(std::abs(x.grad()[0].item<double>() - (1.0 - std::exp(0.5))) < 1e-12);
  QCOMPARE(x.grad()[2].item<double>(), 0.0);
}

void TestChunkedLogProbs::rejectsMalformedInputs() {
  auto c = makeCase(5, 4, 7, torch::kDouble, 9);
  ChunkedLogProbs::Options o;
  QVERIFY_THROWS_EXCEPTION(KernelError, ChunkedLogProbs::compute(c.hidden, c.weight.t(), c.targets, o));
  QVERIFY_THROWS_EXCEPTION(KernelError, ChunkedLogProbs::compute(c.hidden, c.weight, c.targets.slice(0, 0, 4), o));
  QVERIFY_THROWS_EXCEPTION(KernelError, ChunkedLogProbs::compute(c.hidden, c.weight, c.targets.to(torch::kInt), o));
  QVERIFY_THROWS_EXCEPTION(KernelError, ChunkedLogProbs::compute(c.hidden.to(torch::kFloat), c.weight, c.targets, o));
  auto bad = c.targets.clone();
  bad[2] = 7;  // == V
  try {
    ChunkedLogProbs::compute(c.hidden, c.weight, bad, o);
    QFAIL("out-of-range target accepted");
  } catch (const KernelError& e) {
    QVERIFY2(QString(e.what()).contains("out of [0,7)"), e.what());
  }
  o.chunk = 0;
  QVERIFY_THROWS_EXCEPTION(KernelError, ChunkedLogProbs::compute(c.hidden, c.weight, c.targets, o));
  o.chunk = 4;
  o.temperature = 0.0;
  QVERIFY_THROWS_EXCEPTION(KernelError, ChunkedLogProbs::compute(c.hidden, c.weight, c.targets, o));
}

QTEST_APPLESS_MAIN(TestChunkedLogProbs)
#include "TestChunkedLogProbs.moc"
