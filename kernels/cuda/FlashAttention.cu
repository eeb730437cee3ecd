// Tiled flash attention (fp32), forward and backward with recomputation, causal, grouped-query.
// One thread owns one query row (forward, dQ) or one key row (dK/dV); tiles of the other side are staged
// in shared memory. Written for clarity and O(T) memory, not tuned (no tensor cores, no warp
// specialisation): a correct baseline for GPUs, which these machines do not have (compile-only here).
#include <cuda_runtime.h>

#include <cmath>

#include "kernels/cuda/LongrlCuda.h"

namespace longrl::kernels::cuda {
namespace {

constexpr int kRows = 64;  // query rows (forward, dQ) or key rows (dK/dV) per block: one per thread
constexpr int kTile = 32;  // rows of the other operand staged in shared memory per step

__device__ __forceinline__ bool visible(const AttentionShape& s, int64_t i, int64_t j) {
  return !s.causal || j <= s.queryOffset + i;
}

// Keys [0, end) are visible to some query of rows [.., lastRow].
__device__ __forceinline__ int64_t keyEnd(const AttentionShape& s, int64_t lastRow) {
  return s.causal ? min(s.S, s.queryOffset + lastRow + 1) : s.S;
}

template <int D>
__device__ void loadTile(float (*dst)[D], const float* src, int64_t start, int64_t limit) {
  for (int idx = threadIdx.x; idx < kTile * D; idx += blockDim.x) {
    int r = idx / D, c = idx % D;
    dst[r][c] = (start + r < limit) ? src[(start + r) * D + c] : 0.f;
  }
}

template <int D>
__global__ void forwardKernel(AttentionShape s, const float* q, const float* k, const float* v, float* out,
                              float* lse) {
  __shared__ float Ks[kTile][D];
  __shared__ float Vs[kTile][D];
  const int64_t bh = blockIdx.y, b = bh / s.Hq, h = bh % s.Hq, hk = h / (s.Hq / s.Hkv);
  const int64_t i = int64_t(blockIdx.x) * kRows + threadIdx.x;
  const bool active = i < s.T;
  const float* kBase = k + (b * s.Hkv + hk) * s.S * D;
  const float* vBase = v + (b * s.Hkv + hk) * s.S * D;
  float qr[D], acc[D];
  float m = -INFINITY, l = 0.f;
  for (int d = 0; d < D; ++d) {
    qr[d] = active ? q[(bh * s.T + i) * D + d] * s.scale : 0.f;
    acc[d] = 0.f;
  }
  const int64_t lastRow = min(s.T - 1, int64_t(blockIdx.x) * kRows + kRows - 1);
  for (int64_t j0 = 0, end = keyEnd(s, lastRow); j0 < end; j0 += kTile) {
    __syncthreads();
    loadTile<D>(Ks, kBase, j0, end);
    loadTile<D>(Vs, vBase, j0, end);
    __syncthreads();
    if (!active) continue;
    for (int jj = 0; jj < kTile && j0 + jj < end; ++jj) {
      if (!visible(s, i, j0 + jj)) break;  // later keys of the tile are masked too
      float x = 0.f;
      for (int d = 0; d < D; ++d) x += qr[d] * Ks[jj][d];
      if (x > m) {  // online softmax: rescale what was accumulated under the old maximum
        float a = __expf(m - x);
        l *= a;
        for (int d = 0; d < D; ++d) acc[d] *= a;
        m = x;
      }
      float p = __expf(x - m);
      l += p;
      for (int d = 0; d < D; ++d) acc[d] += p * Vs[jj][d];
    }
  }
  if (active) {
    for (int d = 0; d < D; ++d) out[(bh * s.T + i) * D + d] = acc[d] / l;
    lse[bh * s.T + i] = m + logf(l);
  }
}

template <int D>
__global__ void deltaKernel(int64_t rows, const float* out, const float* dout, float* delta) {
  int64_t r = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  float acc = 0.f;
  for (int d = 0; d < D; ++d) acc += out[r * D + d] * dout[r * D + d];
  delta[r] = acc;
}

template <int D>
__global__ void dqKernel(AttentionShape s, const float* q, const float* k, const float* v, const float* lse,
                         const float* dout, const float* delta, float* dq) {
  __shared__ float Ks[kTile][D];
  __shared__ float Vs[kTile][D];
  const int64_t bh = blockIdx.y, b = bh / s.Hq, h = bh % s.Hq, hk = h / (s.Hq / s.Hkv);
  const int64_t i = int64_t(blockIdx.x) * kRows + threadIdx.x;
  const bool active = i < s.T;
  const float* kBase = k + (b * s.Hkv + hk) * s.S * D;
  const float* vBase = v + (b * s.Hkv + hk) * s.S * D;
  float qr[D], dor[D], dqr[D];
  for (int d = 0; d < D; ++d) {
    qr[d] = active ? q[(bh * s.T + i) * D + d] * s.scale : 0.f;
    dor[d] = active ? dout[(bh * s.T + i) * D + d] : 0.f;
    dqr[d] = 0.f;
  }
  const float li = active ? lse[bh * s.T + i] : 0.f, di = active ? delta[bh * s.T + i] : 0.f;
  const int64_t lastRow = min(s.T - 1, int64_t(blockIdx.x) * kRows + kRows - 1);
  for (int64_t j0 = 0, end = keyEnd(s, lastRow); j0 < end; j0 += kTile) {
    __syncthreads();
    loadTile<D>(Ks, kBase, j0, end);
    loadTile<D>(Vs, vBase, j0, end);
    __syncthreads();
    if (!active) continue;
    for (int jj = 0; jj < kTile && j0 + jj < end; ++jj) {
      if (!visible(s, i, j0 + jj)) break;
      float x = 0.f, dp = 0.f;
      for (int d = 0; d < D; ++d) {
        x += qr[d] * Ks[jj][d];
        dp += dor[d] * Vs[jj][d];
      }
      float ds = __expf(x - li) * (dp - di);
      for (int d = 0; d < D; ++d) dqr[d] += ds * Ks[jj][d];
    }
  }
  if (active)
    for (int d = 0; d < D; ++d) dq[(bh * s.T + i) * D + d] = dqr[d] * s.scale;
}

template <int D>
__global__ void dkdvKernel(AttentionShape s, const float* q, const float* k, const float* v, const float* lse,
                           const float* dout, const float* delta, float* dk, float* dv) {
  __shared__ float Qs[kTile][D];
  __shared__ float Os[kTile][D];  // dO rows
  __shared__ float Ls[kTile], Ds[kTile];
  const int64_t bhk = blockIdx.y, b = bhk / s.Hkv, hk = bhk % s.Hkv, group = s.Hq / s.Hkv;
  const int64_t j = int64_t(blockIdx.x) * kRows + threadIdx.x;
  const bool active = j < s.S;
  float kr[D], vr[D], dkr[D], dvr[D];
  for (int d = 0; d < D; ++d) {
    kr[d] = active ? k[(bhk * s.S + j) * D + d] : 0.f;
    vr[d] = active ? v[(bhk * s.S + j) * D + d] : 0.f;
    dkr[d] = dvr[d] = 0.f;
  }
  // Queries before firstRow cannot see any key of this block.
  const int64_t firstKey = int64_t(blockIdx.x) * kRows;
  const int64_t firstRow = s.causal ? max(int64_t(0), firstKey - s.queryOffset) : 0;
  for (int64_t g = 0; g < group; ++g) {
    const int64_t bh = b * s.Hq + hk * group + g;
    const float* qBase = q + bh * s.T * D;
    const float* oBase = dout + bh * s.T * D;
    for (int64_t i0 = firstRow - firstRow % kTile; i0 < s.T; i0 += kTile) {
      __syncthreads();
      loadTile<D>(Qs, qBase, i0, s.T);
      loadTile<D>(Os, oBase, i0, s.T);
      for (int r = threadIdx.x; r < kTile; r += blockDim.x) {
        Ls[r] = i0 + r < s.T ? lse[bh * s.T + i0 + r] : 0.f;
        Ds[r] = i0 + r < s.T ? delta[bh * s.T + i0 + r] : 0.f;
      }
      __syncthreads();
      if (!active) continue;
      for (int ii = 0; ii < kTile && i0 + ii < s.T; ++ii) {
        if (!visible(s, i0 + ii, j)) continue;  // earlier queries of the tile cannot see this key
        float x = 0.f, dp = 0.f;
        for (int d = 0; d < D; ++d) {
          x += Qs[ii][d] * kr[d];
          dp += Os[ii][d] * vr[d];
        }
        float p = __expf(x * s.scale - Ls[ii]);
        float ds = p * (dp - Ds[ii]);
        for (int d = 0; d < D; ++d) {
          dvr[d] += p * Os[ii][d];
          dkr[d] += ds * Qs[ii][d];
        }
      }
    }
  }
  if (active)
    for (int d = 0; d < D; ++d) {
      dk[(bhk * s.S + j) * D + d] = dkr[d] * s.scale;
      dv[(bhk * s.S + j) * D + d] = dvr[d];
    }
}

template <int D>
int forwardFor(const AttentionShape& s, const float* q, const float* k, const float* v, float* out, float* lse,
               cudaStream_t st) {
  dim3 grid(static_cast<unsigned>((s.T + kRows - 1) / kRows), static_cast<unsigned>(s.B * s.Hq));
  forwardKernel<D><<<grid, kRows, 0, st>>>(s, q, k, v, out, lse);
  return static_cast<int>(cudaGetLastError());
}

template <int D>
int backwardFor(const AttentionShape& s, const float* q, const float* k, const float* v, const float* out,
                const float* lse, const float* dout, float* delta, float* dq, float* dk, float* dv, cudaStream_t st) {
  const int64_t rows = s.B * s.Hq * s.T;
  deltaKernel<D><<<static_cast<unsigned>((rows + 255) / 256), 256, 0, st>>>(rows, out, dout, delta);
  dim3 gq(static_cast<unsigned>((s.T + kRows - 1) / kRows), static_cast<unsigned>(s.B * s.Hq));
  dqKernel<D><<<gq, kRows, 0, st>>>(s, q, k, v, lse, dout, delta, dq);
  dim3 gk(static_cast<unsigned>((s.S + kRows - 1) / kRows), static_cast<unsigned>(s.B * s.Hkv));
  dkdvKernel<D><<<gk, kRows, 0, st>>>(s, q, k, v, lse, dout, delta, dk, dv);
  return static_cast<int>(cudaGetLastError());
}

}  // namespace

int flashForward(const AttentionShape& s, const float* q, const float* k, const float* v, float* out, float* lse,
                 void* stream) {
  if (s.T == 0 || s.B * s.Hq == 0) return 0;
  auto st = static_cast<cudaStream_t>(stream);
  switch (s.D) {
    case 32: return forwardFor<32>(s, q, k, v, out, lse, st);
    case 64: return forwardFor<64>(s, q, k, v, out, lse, st);
    case 128: return forwardFor<128>(s, q, k, v, out, lse, st);
    default: return static_cast<int>(cudaErrorInvalidValue);
  }
}

int flashBackward(const AttentionShape& s, const float* q, const float* k, const float* v, const float* out,
                  const float* lse, const float* dout, float* delta, float* dq, float* dk, float* dv, void* stream) {
  if (s.T == 0 || s.B * s.Hq == 0) return 0;
  auto st = static_cast<cudaStream_t>(stream);
  switch (s.D) {
    case 32: return backwardFor<32>(s, q, k, v, out, lse, dout, delta, dq, dk, dv, st);
    case 64: return backwardFor<64>(s, q, k, v, out, lse, dout, delta, dq, dk, dv, st);
    case 128: return backwardFor<128>(s, q, k, v, out, lse, dout, delta, dq, dk, dv, st);
    default: return static_cast<int>(cudaErrorInvalidValue);
  }
}

}  // namespace longrl::kernels::cuda
