#pragma once
// Running softmax statistics of one row of logits, merged in any order (one pass, online softmax):
// the row's log-sum-exp and entropy. Header-only and host/device, so the CUDA row kernels and a
// CPU test (tests/kernels/TestSoftmaxStats.cpp) run the same arithmetic.
#include <math.h>

#if defined(__CUDACC__)
#define LONGRL_HOST_DEVICE __host__ __device__
#else
#define LONGRL_HOST_DEVICE
#endif

namespace longrl::kernels::cuda {

// m: the largest logit so far; s: sum of e^(z - m); t: sum of e^(z - m) (z - m). Keeping t relative
// to the maximum makes the entropy log s - t / s exact in float for logits of any size (the former
// sum of e^(z - m) z gave lse - E[z], which lost ~2e-4 to cancellation with logits near 1e3).
struct SoftmaxStats {
  float m, s, t;
};

LONGRL_HOST_DEVICE inline SoftmaxStats softmaxStatsEmpty() { return {-INFINITY, 0.f, 0.f}; }

LONGRL_HOST_DEVICE inline SoftmaxStats softmaxStatsOf(float z) { return {z, 1.f, 0.f}; }

LONGRL_HOST_DEVICE inline SoftmaxStats mergeSoftmaxStats(SoftmaxStats a, SoftmaxStats b) {
  if (a.m == -INFINITY) return b;  // also drops -inf logits: e^-inf adds nothing
  if (b.m == -INFINITY) return a;
  const float m = fmaxf(a.m, b.m);
  const float da = a.m - m, db = b.m - m;  // <= 0
  const float ea = expf(da), eb = expf(db);
  return {m, a.s * ea + b.s * eb, ea * (a.t + a.s * da) + eb * (b.t + b.s * db)};
}

LONGRL_HOST_DEVICE inline float logSumExpOf(SoftmaxStats v) { return v.m + logf(v.s); }

// H = -sum p log p with log p = (z - m) - log s.
LONGRL_HOST_DEVICE inline float entropyOf(SoftmaxStats v) { return logf(v.s) - v.t / v.s; }

}  // namespace longrl::kernels::cuda
