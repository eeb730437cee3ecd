#include "kernels/CudaKernels.h"

#include <string>

#include "kernels/KernelError.h"
#ifdef LONGRL_HAVE_CUDA_KERNELS
#include "kernels/cuda/LongrlCuda.h"
#endif

namespace longrl::kernels {

bool CudaKernels::compiled() {
#ifdef LONGRL_HAVE_CUDA_KERNELS
  return true;
#else
  return false;
#endif
}

bool CudaKernels::usable(const torch::Tensor& t) { return compiled() && t.defined() && t.is_cuda(); }

bool CudaKernels::attentionUsable(const torch::Tensor& q) {
  if (!usable(q) || q.scalar_type() != torch::kFloat || q.dim() != 4) return false;
  const int64_t d = q.size(3);
  return d == 32 || d == 64 || d == 128;
}

#ifdef LONGRL_HAVE_CUDA_KERNELS
namespace {

// LibTorch's current stream needs c10/cuda headers, which a CPU LibTorch lacks: kernels run on the legacy
// default stream (nullptr), which is also LibTorch's default unless a caller switches streams.
void* const kStream = nullptr;

void check(int code, const char* what) {
  if (code != 0) throw KernelError(std::string("CudaKernels::") + what + ": CUDA error " + std::to_string(code));
}

void expectFloatCuda(const torch::Tensor& t, const char* name) {
  if (!t.defined() || !t.is_cuda() || t.scalar_type() != torch::kFloat || !t.is_contiguous())
    throw KernelError(std::string("CudaKernels: ") + name + " must be a contiguous fp32 CUDA tensor");
}

cuda::AttentionShape shapeOf(const torch::Tensor& q, const torch::Tensor& k, double scale, bool causal,
                             int64_t queryOffset) {
  return {q.size(0), q.size(1),  k.size(1), q.size(2), k.size(2), q.size(3), static_cast<float>(scale),
          causal,    queryOffset};
}

}  // namespace

void CudaKernels::rowStats(const torch::Tensor& logits, const torch::Tensor& targets, torch::Tensor& logprob,
                           torch::Tensor* entropy, torch::Tensor& lse) {
  expectFloatCuda(logits, "logits");
  auto tgt = targets.contiguous();
  // Outputs may be slices of [T] tensors: compute into fresh buffers and copy back.
  auto lp = torch::empty({logits.size(0)}, logits.options()), l = torch::empty_like(lp);
  auto ent = entropy ? torch::empty_like(lp) : torch::Tensor();
  check(cuda::rowStats(logits.data_ptr<float>(), tgt.data_ptr<int64_t>(), logits.size(0), logits.size(1),
                       lp.data_ptr<float>(), entropy ? ent.data_ptr<float>() : nullptr, l.data_ptr<float>(), kStream),
        "rowStats");
  logprob.copy_(lp);
  lse.copy_(l);
  if (entropy) entropy->copy_(ent);
}

void CudaKernels::rowGrad(torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& lse,
                          const torch::Tensor& entropy, const torch::Tensor& gradLogprob,
                          const torch::Tensor& gradEntropy, double invTemp) {
  expectFloatCuda(logits, "logits");
  auto tgt = targets.contiguous(), l = lse.contiguous().to(torch::kFloat), ent = entropy.contiguous().to(torch::kFloat);
  auto gl = gradLogprob.contiguous().to(torch::kFloat);
  auto ge = gradEntropy.defined() ? gradEntropy.contiguous().to(torch::kFloat) : torch::Tensor();
  check(cuda::rowGrad(logits.data_ptr<float>(), tgt.data_ptr<int64_t>(), l.data_ptr<float>(), ent.data_ptr<float>(),
                      gl.data_ptr<float>(), ge.defined() ? ge.data_ptr<float>() : nullptr, logits.size(0),
                      logits.size(1), static_cast<float>(invTemp), kStream),
        "rowGrad");
}

std::vector<torch::Tensor> CudaKernels::attentionForward(const torch::Tensor& q, const torch::Tensor& k,
                                                         const torch::Tensor& v, double scale, bool causal,
                                                         int64_t queryOffset) {
  expectFloatCuda(q, "q");
  expectFloatCuda(k, "k");
  expectFloatCuda(v, "v");
  if (!attentionUsable(q))
    throw KernelError("CudaKernels::attentionForward: head size " + std::to_string(q.size(3)) +
                      " is not one the flash kernels take (32, 64, 128)");
  auto out = torch::empty_like(q);
  auto lse = torch::empty({q.size(0), q.size(1), q.size(2)}, q.options());
  check(cuda::flashForward(shapeOf(q, k, scale, causal, queryOffset), q.data_ptr<float>(), k.data_ptr<float>(),
                           v.data_ptr<float>(), out.data_ptr<float>(), lse.data_ptr<float>(), kStream),
        "attentionForward");
  return {out, lse};
}

std::vector<torch::Tensor> CudaKernels::attentionBackward(const torch::Tensor& q, const torch::Tensor& k,
                                                          const torch::Tensor& v, const torch::Tensor& out,
                                                          const torch::Tensor& lse, const torch::Tensor& gradOut,
                                                          double scale, bool causal, int64_t queryOffset) {
  for (auto* t : {&q, &k, &v, &out, &gradOut}) expectFloatCuda(*t, "attention input");
  auto l = lse.contiguous();
  auto delta = torch::empty_like(l);
  auto dq = torch::empty_like(q), dk = torch::empty_like(k), dv = torch::empty_like(v);
  check(cuda::flashBackward(shapeOf(q, k, scale, causal, queryOffset), q.data_ptr<float>(), k.data_ptr<float>(),
                            v.data_ptr<float>(), out.data_ptr<float>(), l.data_ptr<float>(), gradOut.data_ptr<float>(),
                            delta.data_ptr<float>(), dq.data_ptr<float>(), dk.data_ptr<float>(), dv.data_ptr<float>(),
                            kStream),
        "attentionBackward");
  return {dq, dk, dv};
}

#else

namespace {
[[noreturn]] void notBuilt(const char* what) {
  throw KernelError(std::string("CudaKernels::") + what + ": longrl was built without LONGRL_CUDA");
}
}  // namespace

void CudaKernels::rowStats(const torch::Tensor&, const torch::Tensor&, torch::Tensor&, torch::Tensor*, torch::Tensor&) {
  notBuilt("rowStats");
}
void CudaKernels::rowGrad(torch::Tensor&, const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                          const torch::Tensor&, const torch::Tensor&, double) {
  notBuilt("rowGrad");
}
std::vector<torch::Tensor> CudaKernels::attentionForward(const torch::Tensor&, const torch::Tensor&,
                                                         const torch::Tensor&, double, bool, int64_t) {
  notBuilt("attentionForward");
}
std::vector<torch::Tensor> CudaKernels::attentionBackward(const torch::Tensor&, const torch::Tensor&,
                                                          const torch::Tensor&, const torch::Tensor&,
                                                          const torch::Tensor&, const torch::Tensor&, double, bool,
                                                          int64_t) {
  notBuilt("attentionBackward");
}

#endif

}  // namespace longrl::kernels
