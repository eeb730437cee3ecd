// BlockAttention against the naive [T,S]-scores reference: values and gradients (double precision),
// grouped-query heads, causal with a query offset (prefill after a cache), uneven blocks, error paths.
#include <QtTest/QtTest>

#include <torch/torch.h>

#include "kernels/BlockAttention.h"
#include "kernels/KernelError.h"
#include "kernels/KernelReference.h"

using longrl::kernels::BlockAttention;
using longrl::kernels::KernelError;
using longrl::kernels::KernelReference;

namespace {

struct Qkv {
  torch::Tensor q, k, v;
};

Qkv makeQkv(int64_t B, int64_t Hq, int64_t Hkv, int64_t T, int64_t S, int64_t D, uint64_t seed,
            torch::ScalarType dtype = torch::kDouble) {
  torch::manual_seed(seed);
  auto o = torch::TensorOptions().dtype(dtype);
  return {torch::randn({B, Hq, T, D}, o), torch::randn({B, Hkv, S, D}, o), torch::randn({B, Hkv, S, D}, o)};
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

// Values and gradients (of sum(out * w) for a random w) of both implementations; returns the worst gap.
double worstGap(const Qkv& x, const BlockAttention::Options& o) {
  auto q1 = x.q.clone().requires_grad_(), k1 = x.k.clone().requires_grad_(), v1 = x.v.clone().requires_grad_();
  auto q2 = x.q.clone().requires_grad_(), k2 = x.k.clone().requires_grad_(), v2 = x.v.clone().requires_grad_();
  auto out = BlockAttention::forward(q1, k1, v1, o);
  auto ref = KernelReference::attention(q2, k2, v2, o.causal, o.scale, o.queryOffset);
  auto w = torch::randn(out.sizes(), out.options());
  auto g1 = torch::autograd::grad({(out * w).sum()}, {q1, k1, v1});
  auto g2 = torch::autograd::grad({(ref * w).sum()}, {q2, k2, v2});
  double gap = maxAbsDiff(out, ref);
  for (int i = 0; i < 3; ++i) gap = std::max(gap, maxAbsDiff(g1[i], g2[i]));
  if (g2[0].abs().max().item<double>() < 1e-6) return 1.0;  // a vacuous comparison must fail
  return gap;
}

}  // namespace

class TestBlockAttention : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void causalGqaUnevenBlocksMatchReference();
  void nonCausalMatchesReference();
  void causalWithQueryOffsetMatchesReference();
  void singleQueryDecodeStep();
  void explicitScaleAndBlocksLargerThanT();
  void noGradForwardAndLse();
  void floatInputsAgreeWithDoubleReference();
  void rejectsMalformedInputs();
};

void TestBlockAttention::causalGqaUnevenBlocksMatchReference() {
  auto x = makeQkv(2, 4, 2, 37, 37, 8, 1);
  BlockAttention::Options o;
  o.blockQ = 8;   // 37 = 4 x 8 + 5
  o.blockK = 16;  // different from blockQ: tiles straddle the diagonal unevenly
  double gap = worstGap(x, o);
  QVERIFY2(gap < 1e-10, qPrintable(QString::number(gap)));
}

void TestBlockAttention::nonCausalMatchesReference() {
  auto x = makeQkv(1, 4, 2, 19, 23, 8, 2);
  BlockAttention::Options o;
  o.causal = false;
  o.blockQ = 5;
  o.blockK = 7;
  double gap = worstGap(x, o);
  QVERIFY2(gap < 1e-10, qPrintable(QString::number(gap)));
}

void TestBlockAttention::causalWithQueryOffsetMatchesReference() {
  // Prefill of 11 new tokens after a 26-token cache: queries sit at positions 26..36 (default offset S-T).
  auto x = makeQkv(2, 4, 2, 11, 37, 8, 3);
  BlockAttention::Options o;
  o.blockQ = 4;
  o.blockK = 6;
  double gap = worstGap(x, o);
  QVERIFY2(gap < 1e-10, qPrintable(QString::number(gap)));
  // An explicit offset that is not S - T (keys beyond the last query stay unseen).
  o.queryOffset = 10;
  gap = worstGap(x, o);
  QVERIFY2(gap < 1e-10, qPrintable(QString::number(gap)));
  // And the offset matters: the causal result differs from attending to every key.
  BlockAttention::Options all = o;
  all.causal = false;
  QVERIFY(maxAbsDiff(BlockAttention::forward(x.q, x.k, x.v, o), BlockAttention::forward(x.q, x.k, x.v, all)) > 1e-3);
}

void TestBlockAttention::singleQueryDecodeStep() {
  auto x = makeQkv(1, 4, 1, 1, 50, 16, 4);  // Hkv = 1: multi-query attention
  BlockAttention::Options o;
  o.blockK = 16;
  double gap = worstGap(x, o);
  QVERIFY2(gap < 1e-10, qPrintable(QString::number(gap)));
}

void TestBlockAttention::explicitScaleAndBlocksLargerThanT() {
  auto x = makeQkv(1, 2, 2, 13, 13, 4, 5);
  BlockAttention::Options o;
  o.scale = 0.2;
  o.blockQ = 64;
  o.blockK = 64;
  double gap = worstGap(x, o);
  QVERIFY2(gap < 1e-10, qPrintable(QString::number(gap)));
}

void TestBlockAttention::noGradForwardAndLse() {
  auto x = makeQkv(1, 4, 2, 21, 21, 8, 6);
  BlockAttention::Options o;
  o.blockQ = 8;
  o.blockK = 8;
  auto q = x.q.clone().requires_grad_();
  torch::Tensor out;
  {
    torch::NoGradGuard noGrad;
    out = BlockAttention::forward(q, x.k, x.v, o);
  }
  QVERIFY(!out.grad_fn());
  QVERIFY(maxAbsDiff(out, KernelReference::attention(x.q, x.k, x.v, true)) < 1e-12);
  // lse = logsumexp over visible keys of the scaled scores.
  auto [out2, lse] = BlockAttention::forwardWithLse(x.q, x.k, x.v, o);
  auto scores = torch::matmul(x.q, x.k.repeat_interleave(2, 1).transpose(-1, -2)) / std::sqrt(8.0);
  auto mask = torch::ones({21, 21}, torch::kBool).triu(1);
  auto refLse = scores.masked_fill(mask, -std::numeric_limits<double>::infinity()).logsumexp(-1);
  QCOMPARE(lse.sizes().vec(), std::vector<int64_t>({1, 4, 21}));
  QVERIFY(maxAbsDiff(lse, refLse) < 1e-12);
  QVERIFY(maxAbsDiff(out2, out) < 1e-15);
}

void TestBlockAttention::floatInputsAgreeWithDoubleReference() {
  auto x = makeQkv(1, 4, 2, 70, 70, 16, 7, torch::kFloat);
  BlockAttention::Options o;
  o.blockQ = 32;
  o.blockK = 24;
  auto out = BlockAttention::forward(x.q, x.k, x.v, o);
  QCOMPARE(out.scalar_type(), torch::kFloat);
  auto ref = KernelReference::attention(x.q.to(torch::kDouble), x.k.to(torch::kDouble), x.v.to(torch::kDouble), true);
  QVERIFY(maxAbsDiff(out.to(torch::kDouble), ref) < 1e-5);
}

void TestBlockAttention::rejectsMalformedInputs() {
  auto x = makeQkv(1, 3, 2, 5, 5, 4, 8);  // 3 query heads over 2 kv heads
  QVERIFY_THROWS_EXCEPTION(KernelError, BlockAttention::forward(x.q, x.k, x.v));
  auto y = makeQkv(1, 4, 2, 5, 5, 4, 9);
  QVERIFY_THROWS_EXCEPTION(KernelError, BlockAttention::forward(y.q, y.k, y.v.slice(2, 0, 4)));
  QVERIFY_THROWS_EXCEPTION(KernelError, BlockAttention::forward(y.q.slice(3, 0, 2), y.k, y.v));
  QVERIFY_THROWS_EXCEPTION(KernelError, BlockAttention::forward(y.q[0], y.k, y.v));
  auto z = makeQkv(1, 2, 2, 9, 5, 4, 10);  // more queries than keys, causal, default offset = -4
  try {
    BlockAttention::forward(z.q, z.k, z.v);
    QFAIL("negative query offset accepted");
  } catch (const KernelError& e) {
    QVERIFY2(QString(e.what()).contains("queryOffset"), e.what());
  }
  BlockAttention::Options o;
  o.blockK = 0;
  QVERIFY_THROWS_EXCEPTION(KernelError, BlockAttention::forward(y.q, y.k, y.v, o));
}

QTEST_APPLESS_MAIN(TestBlockAttention)
#include "TestBlockAttention.moc"
