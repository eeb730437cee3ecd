// Row-wise log-sum-exp / target log-prob / entropy over a logits chunk, and its gradient, for the chunked
// log-prob kernel. The logits chunk itself is a cuBLAS matmul issued by LibTorch; these kernels replace
// the several full passes (max, exp, sum, gather, product) that the op-by-op version makes over [c,V].
#include <cuda_runtime.h>

#include <cmath>

#include "kernels/cuda/LongrlCuda.h"
#include "kernels/cuda/SoftmaxStats.h"

namespace longrl::kernels::cuda {
namespace {

constexpr int kThreads = 256;

// Merges the statistics of the 32 lanes of a warp; the result is valid in lane 0.
__device__ SoftmaxStats warpReduce(SoftmaxStats v) {
  for (int off = 16; off > 0; off /= 2) {
    const SoftmaxStats o{__shfl_down_sync(0xffffffffu, v.m, off), __shfl_down_sync(0xffffffffu, v.s, off),
                         __shfl_down_sync(0xffffffffu, v.t, off)};
    v = mergeSoftmaxStats(v, o);
  }
  return v;
}

__device__ SoftmaxStats blockReduce(SoftmaxStats v) {
  __shared__ SoftmaxStats warpStats[kThreads / 32];
  v = warpReduce(v);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) warpStats[warp] = v;
  __syncthreads();
  if (warp == 0) v = warpReduce(lane < kThreads / 32 ? warpStats[lane] : softmaxStatsEmpty());
  return v;  // valid in thread 0
}

__global__ void rowStatsKernel(const float* __restrict__ logits, const int64_t* __restrict__ targets, int64_t vocab,
                               float* logprob, float* entropy, float* lse) {
  const int64_t row = blockIdx.x;
  const float* z = logits + row * vocab;
  SoftmaxStats acc = softmaxStatsEmpty();
  for (int64_t j = threadIdx.x; j < vocab; j += blockDim.x) acc = mergeSoftmaxStats(acc, softmaxStatsOf(z[j]));
  acc = blockReduce(acc);
  if (threadIdx.x == 0) {
    const float l = logSumExpOf(acc);
    lse[row] = l;
    logprob[row] = z[targets[row]] - l;
    if (entropy) entropy[row] = entropyOf(acc);
  }
}

__global__ void rowGradKernel(float* logits, const int64_t* __restrict__ targets, const float* __restrict__ lse,
                              const float* __restrict__ entropy, const float* __restrict__ gLp,
                              const float* __restrict__ gEnt, int64_t vocab, float invTemp) {
  const int64_t row = blockIdx.x;
  float* z = logits + row * vocab;
  const float l = lse[row], g = gLp[row], ge = gEnt ? gEnt[row] : 0.f, h = gEnt ? entropy[row] : 0.f;
  const int64_t target = targets[row];
  for (int64_t j = threadIdx.x; j < vocab; j += blockDim.x) {
    float logp = z[j] - l, p = __expf(logp);
    // A -inf logit has p = 0 and no gradient (p * (logp + h) would be 0 * -inf = NaN).
    float grad = p > 0.f ? -p * (g + ge * (logp + h)) : 0.f;
    if (j == target) grad += g;
    z[j] = grad * invTemp;
  }
}

}  // namespace

int rowStats(const float* logits, const int64_t* targets, int64_t rows, int64_t vocab, float* logprob, float* entropy,
             float* lse, void* stream) {
  if (rows == 0) return 0;
  rowStatsKernel<<<static_cast<unsigned>(rows), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(logits, targets,
                                                                                                  vocab, logprob,
                                                                                                  entropy, lse);
  return static_cast<int>(cudaGetLastError());
}

int rowGrad(float* logits, const int64_t* targets, const float* lse, const float* entropy, const float* gradLogprob,
            const float* gradEntropy, int64_t rows, int64_t vocab, float invTemp, void* stream) {
  if (rows == 0) return 0;
  rowGradKernel<<<static_cast<unsigned>(rows), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(logits, targets, lse,
                                                                                                 entropy, gradLogprob,
                                                                                                 gradEntropy, vocab,
                                                                                                 invTemp);
  return static_cast<int>(cudaGetLastError());
}

}  // namespace longrl::kernels::cuda
