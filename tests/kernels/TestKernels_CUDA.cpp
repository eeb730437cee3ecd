// CUDA kernels (cuda/*.cu through CudaKernels) against the CPU reference. Skips without a GPU or without
// LONGRL_CUDA; on these CI machines (no GPU) only the skip and the not-built error path run.
#include <QtTest/QtTest>

#include <torch/cuda.h>
#include <torch/torch.h>

#include "kernels/BlockAttention.h"
#include "kernels/ChunkedLogProbs.h"
#include "kernels/CudaKernels.h"
#include "kernels/KernelError.h"
#include "kernels/KernelReference.h"

using namespace longrl::kernels;

namespace {

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.cpu().to(torch::kDouble) - b.cpu().to(torch::kDouble)).abs().max().item<double>();
}

}  // namespace

class TestKernels_CUDA : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init();
  void chunkedLogProbsMatchCpuReference();
  void blockAttentionMatchesCpuReference();
  void otherHeadSizesTakeTheTilePath();
  void notBuiltEntryPointsThrow();
};

void TestKernels_CUDA::init() {
  if (QByteArray(QTest::currentTestFunction()) == "notBuiltEntryPointsThrow") return;
  if (!CudaKernels::compiled()) QSKIP("built without LONGRL_CUDA");
  if (!torch::cuda::is_available()) QSKIP("no CUDA device (or LibTorch built without CUDA)");
}

void TestKernels_CUDA::chunkedLogProbsMatchCpuReference() {
  torch::manual_seed(11);
  const int64_t T = 77, H = 64, V = 1000;
  auto h = torch::randn({T, H}), w = torch::randn({V, H}) * 0.3;
  auto t = torch::randint(0, V, {T}, torch::kLong);
  auto hc = h.cuda().requires_grad_(), wc = w.cuda().requires_grad_();
  ChunkedLogProbs::Options o;
  o.chunk = 16;
  o.temperature = 0.7;
  auto r = ChunkedLogProbs::compute(hc, wc, t.cuda(), o);
  (r.logprobs.sum() + 0.5 * r.entropy.sum()).backward();
  auto hd = h.to(torch::kDouble).requires_grad_(), wd = w.to(torch::kDouble).requires_grad_();
  auto ref = KernelReference::logProbsAndEntropy(hd, wd, t, 0.7);
  (ref.first.sum() + 0.5 * ref.second.sum()).backward();
  QVERIFY(maxAbsDiff(r.logprobs, ref.first) < 1e-3);
  QVERIFY(maxAbsDiff(r.entropy, ref.second) < 1e-3);
  QVERIFY(maxAbsDiff(hc.grad(), hd.grad()) < 1e-3);
  QVERIFY(maxAbsDiff(wc.grad(), wd.grad()) < 1e-3);
}

void TestKernels_CUDA::blockAttentionMatchesCpuReference() {
  for (bool causal : {true, false}) {
    torch::manual_seed(12);
    const int64_t B = 2, Hq = 4, Hkv = 2, T = 100, S = 130, D = 64;
    auto q = torch::randn({B, Hq, T, D}), k = torch::randn({B, Hkv, S, D}), v = torch::randn({B, Hkv, S, D});
    auto qc = q.cuda().requires_grad_(), kc = k.cuda().requires_grad_(), vc = v.cuda().requires_grad_();
    BlockAttention::Options o;
    o.causal = causal;
    auto out = BlockAttention::forward(qc, kc, vc, o);
    auto w = torch::randn(out.sizes());
    (out * w.cuda()).sum().backward();
    auto qd = q.to(torch::kDouble).requires_grad_(), kd = k.to(torch::kDouble).requires_grad_(),
         vd = v.to(torch::kDouble).requires_grad_();
    auto ref = KernelReference::attention(qd, kd, vd, causal);
    (ref * w.to(torch::kDouble)).sum().backward();
    QVERIFY(maxAbsDiff(out, ref) < 1e-4);
    QVERIFY(maxAbsDiff(qc.grad(), qd.grad()) < 1e-3);
    QVERIFY(maxAbsDiff(kc.grad(), kd.grad()) < 1e-3);
    QVERIFY(maxAbsDiff(vc.grad(), vd.grad()) < 1e-3);
  }
}

// The flash kernels take D in {32, 64, 128}; other head sizes run the LibTorch tile path on the GPU
// (on the H100 they failed with "CUDA error 1" before), and the raw launcher names the head size.
void TestKernels_CUDA::otherHeadSizesTakeTheTilePath() {
  for (int64_t D : {48, 256}) {
    torch::manual_seed(13);
    auto q = torch::randn({1, 2, 20, D}), k = torch::randn({1, 1, 20, D}), v = torch::randn({1, 1, 20, D});
    auto qc = q.cuda().requires_grad_();
    QVERIFY(!CudaKernels::attentionUsable(qc));
    auto out = BlockAttention::forward(qc, k.cuda(), v.cuda(), BlockAttention::Options{});
    out.sum().backward();
    auto qd = q.to(torch::kDouble).requires_grad_();
    auto ref = KernelReference::attention(qd, k.to(torch::kDouble), v.to(torch::kDouble), true);
    ref.sum().backward();
    QVERIFY(maxAbsDiff(out, ref) < 1e-4);
    QVERIFY(maxAbsDiff(qc.grad(), qd.grad()) < 1e-3);
    const auto c = q.cuda();
    try {
      CudaKernels::attentionForward(c, k.cuda(), v.cuda(), 1.0, true, 0);
      QFAIL("no error for an unsupported head size");
    } catch (const KernelError& e) {
      QVERIFY2(QByteArray(e.what()).contains(QByteArray("head size ") + QByteArray::number(qint64(D))), e.what());
    }
  }
}

void TestKernels_CUDA::notBuiltEntryPointsThrow() {
  if (CudaKernels::compiled()) QSKIP("built with LONGRL_CUDA");
  auto x = torch::zeros({2, 3});
  QVERIFY(!CudaKernels::usable(x));
  QVERIFY(!CudaKernels::attentionUsable(torch::zeros({1, 1, 2, 64})));
  QVERIFY_THROWS_EXCEPTION(KernelError, CudaKernels::attentionForward(x, x, x, 1.0, true, 0));
}

QTEST_APPLESS_MAIN(TestKernels_CUDA)
#include "TestKernels_CUDA.moc"
