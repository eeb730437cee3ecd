// Thin LibTorch launcher for the CUDA kernels in cuda/*.cu. The .cu files take raw pointers only
// (cuda/LongrlCuda.h), so nvcc never needs torch headers; this file checks tensors and passes pointers.
// Without LONGRL_CUDA every entry point but compiled()/usable() throws KernelError.
#pragma once
#include <torch/torch.h>

#include <vector>

namespace longrl::kernels {

class CudaKernels {
 public:
  static bool compiled();                      // built with LONGRL_CUDA
  static bool usable(const torch::Tensor& t);  // compiled() and t is a CUDA tensor
  // usable(q), fp32 and a head size the flash kernels take (32, 64, 128); other head sizes run
  // BlockAttention's LibTorch tile path on the GPU instead of failing.
  static bool attentionUsable(const torch::Tensor& q);

  // logits [R,V] fp32 (already divided by the temperature), targets [R] int64 -> per row: log-softmax at
  // the target, entropy (when wanted) and log-sum-exp, written into the given [R] fp32 tensors.
  static void rowStats(const torch::Tensor& logits, const torch::Tensor& targets, torch::Tensor& logprob,
                       torch::Tensor* entropy, torch::Tensor& lse);

  // Overwrites logits [R,V] with dLoss/dRawLogits = invTemp * (gLp (onehot - p) - gEnt p (log p + H)).
  // gradEntropy may be undefined (entropy not in the loss).
  static void rowGrad(torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& lse,
                      const torch::Tensor& entropy, const torch::Tensor& gradLogprob, const torch::Tensor& gradEntropy,
                      double invTemp);

  // Flash attention, fp32 [B,H,T,D] contiguous, D in {32, 64, 128}. Returns {out, lse [B,Hq,T]}.
  static std::vector<torch::Tensor> attentionForward(const torch::Tensor& q, const torch::Tensor& k,
                                                     const torch::Tensor& v, double scale, bool causal,
                                                     int64_t queryOffset);
  // Returns {dq, dk, dv}.
  static std::vector<torch::Tensor> attentionBackward(const torch::Tensor& q, const torch::Tensor& k,
                                                      const torch::Tensor& v, const torch::Tensor& out,
                                                      const torch::Tensor& lse, const torch::Tensor& gradOut,
                                                      double scale, bool causal, int64_t queryOffset);
};

}  // namespace longrl::kernels
