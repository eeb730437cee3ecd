// Tiled flash attention (fp32, no tensor cores), forward and backward with recomputation, causal, grouped-query.
// FlashAttention-2 structure on SIMT cores: a block of 256 threads (16 x 16) owns a tile of 64 rows; the other
// operand streams through shared memory in tiles; each thread keeps a 4 x (2 or 4) register micro-tile of the
// score matrix and 4 rows x D/16 columns of its accumulator, and a row's softmax statistics are reduced over the
// 16 lanes that share it (half a warp). Backward: delta = rowsum(dO * O), then dQ (query tiles over key tiles)
// and dK/dV (key tiles over all query heads of the GQA group and their query tiles), so no atomics.
// Global loads are 4-byte cp.async (coalesced, no alignment assumption: tensors may be views at any offset).
#include <cuda_runtime.h>

#include <cmath>

#include "kernels/cuda/LongrlCuda.h"

namespace longrl::kernels::cuda {
namespace {

constexpr int kThreads = 256;  // 16 x 16: tx = threadIdx.x % 16 (columns), ty = threadIdx.x / 16 (rows)
constexpr int kRows = 64;      // rows of a block's own tile (4 per ty)

constexpr int cmax(int a, int b) { return a > b ? a : b; }

// Keys [0, end) are visible to some query of rows [.., lastRow].
__device__ __forceinline__ int64_t keyEnd(const AttentionShape& s, int64_t lastRow) {
  return s.causal ? min(s.S, s.queryOffset + lastRow + 1) : s.S;
}

__device__ __forceinline__ void copy4(float* dst, const float* src, bool ok) {
#if __CUDA_ARCH__ >= 800
  const unsigned d = static_cast<unsigned>(__cvta_generic_to_shared(dst));
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(d), "l"(src), "r"(ok ? 4 : 0) : "memory");
#else
  *dst = ok ? *src : 0.f;
#endif
}

__device__ __forceinline__ void copyWait() {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.wait_all;\n" ::: "memory");
#endif
}

// Starts copying rows [row0, row0 + ROWS) of a row-major [*, D] matrix into dst (row stride ld); rows at or
// beyond rowEnd become 0. Complete with copyWait() then __syncthreads().
template <int D, int ROWS>
__device__ __forceinline__ void loadTile(float* dst, int ld, const float* src, int64_t row0, int64_t rowEnd) {
#pragma unroll 8
  for (int idx = threadIdx.x; idx < ROWS * D; idx += kThreads) {
    const int r = idx / D, c = idx % D;
    const bool ok = row0 + r < rowEnd;
    copy4(dst + r * ld + c, ok ? src + (row0 + r) * D + c : src, ok);
  }
}

// acc[i][j] += sum_d A[ty*4+i][d] * B[tx+16j][d]. A is read by broadcast (one row per half-warp); B's row stride
// must be D+4 so that the 8 rows of a quarter-warp's float4 reads fall in distinct banks.
template <int D, int JN>
__device__ __forceinline__ void mmaNT(const float* A, int lda, const float* B, int ldb, float (&acc)[4][JN]) {
  const float* a = A + (threadIdx.x >> 4) * 4 * lda;
  const float* b = B + (threadIdx.x & 15) * ldb;
#pragma unroll 4
  for (int d = 0; d < D; d += 4) {
    float4 av[4], bv[JN];
#pragma unroll
    for (int i = 0; i < 4; ++i) av[i] = *reinterpret_cast<const float4*>(a + i * lda + d);
#pragma unroll
    for (int j = 0; j < JN; ++j) bv[j] = *reinterpret_cast<const float4*>(b + 16 * j * ldb + d);
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
      for (int j = 0; j < JN; ++j) {
        acc[i][j] = fmaf(av[i].x, bv[j].x, acc[i][j]);
        acc[i][j] = fmaf(av[i].y, bv[j].y, acc[i][j]);
        acc[i][j] = fmaf(av[i].z, bv[j].z, acc[i][j]);
        acc[i][j] = fmaf(av[i].w, bv[j].w, acc[i][j]);
      }
  }
}

// Columns of a D-wide accumulator owned by lane tx: NV vectors of VW floats, col(m, e) = m*16*VW + tx*VW + e,
// so that the 16 lanes of a half-warp read one contiguous row segment.
template <int D> struct Cols {
  static constexpr int VW = D >= 64 ? 4 : 2, NV = D / 16 / VW;
  static __device__ __forceinline__ int col(int c) { return (c / VW) * 16 * VW + (threadIdx.x & 15) * VW + c % VW; }
};

// acc[i][c] += sum_{k<K} P[ty*4+i][k] * B[k][col(c)] (P read by broadcast, B rows by contiguous segments).
template <int D, int K>
__device__ __forceinline__ void mmaNN(const float* P, int ldp, const float* B, int ldb, float (&acc)[4][D / 16]) {
  using C = Cols<D>;
  const float* p = P + (threadIdx.x >> 4) * 4 * ldp;
  const float* bm = B + (threadIdx.x & 15) * C::VW;
#pragma unroll 2
  for (int k = 0; k < K; k += 4) {
    float4 pv[4];
#pragma unroll
    for (int i = 0; i < 4; ++i) pv[i] = *reinterpret_cast<const float4*>(p + i * ldp + k);
#pragma unroll
    for (int kk = 0; kk < 4; ++kk) {
      float pk[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) pk[i] = kk == 0 ? pv[i].x : kk == 1 ? pv[i].y : kk == 2 ? pv[i].z : pv[i].w;
#pragma unroll
      for (int m = 0; m < C::NV; ++m) {
        float bv[C::VW];
        const float* src = bm + (k + kk) * ldb + m * 16 * C::VW;
        if constexpr (C::VW == 4) {
          const float4 t = *reinterpret_cast<const float4*>(src);
          bv[0] = t.x, bv[1] = t.y, bv[2] = t.z, bv[3] = t.w;
        } else {
          const float2 t = *reinterpret_cast<const float2*>(src);
          bv[0] = t.x, bv[1] = t.y;
        }
#pragma unroll
        for (int i = 0; i < 4; ++i)
#pragma unroll
          for (int e = 0; e < C::VW; ++e) acc[i][m * C::VW + e] = fmaf(pk[i], bv[e], acc[i][m * C::VW + e]);
      }
    }
  }
}

// Reductions over the 16 lanes (one half-warp) that share a row.
__device__ __forceinline__ float rowMax(float x) {
  for (int o = 8; o > 0; o >>= 1) x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, o));
  return x;
}
__device__ __forceinline__ float rowSum(float x) {
  for (int o = 8; o > 0; o >>= 1) x += __shfl_xor_sync(0xffffffffu, x, o);
  return x;
}

template <int D> struct Fwd {
  static constexpr int Br = kRows, Bc = 64, JN = Bc / 16, ldk = D + 4, ldp = Bc + 4;
  static constexpr int kBuf = cmax(Bc * ldk, Br* ldp);  // K tile, then P
  static constexpr int floats = Br * D + kBuf + Bc * D;
};

template <int D>
__global__ void __launch_bounds__(kThreads, 2)
    forwardKernel(AttentionShape s, const float* q, const float* k, const float* v, float* out, float* lse) {
  using F = Fwd<D>;
  constexpr int Br = F::Br, Bc = F::Bc, JN = F::JN, NC = D / 16;
  extern __shared__ float4 smem4[];
  float* Qs = reinterpret_cast<float*>(smem4);
  float* Ks = Qs + Br * D;  // reused for P once S is in registers
  float* Vs = Ks + F::kBuf;
  const int tx = threadIdx.x & 15, ty = threadIdx.x >> 4;
  const int64_t bh = blockIdx.y, b = bh / s.Hq, h = bh % s.Hq, hk = h / (s.Hq / s.Hkv);
  const int64_t i0 = int64_t(gridDim.x - 1 - blockIdx.x) * Br;  // longest causal rows first
  const float* kBase = k + (b * s.Hkv + hk) * s.S * D;
  const float* vBase = v + (b * s.Hkv + hk) * s.S * D;
  loadTile<D, Br>(Qs, D, q + bh * s.T * D, i0, s.T);
  const int64_t end = keyEnd(s, min(s.T - 1, i0 + Br - 1));
  float o[4][NC], m[4], l[4];  // l: this lane's partial row sum (same rescaling as the full one)
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    m[i] = -INFINITY, l[i] = 0.f;
#pragma unroll
    for (int c = 0; c < NC; ++c) o[i][c] = 0.f;
  }
  for (int64_t j0 = 0; j0 < end; j0 += Bc) {
    __syncthreads();  // the previous tile's P (in Ks) and V are consumed
    loadTile<D, Bc>(Ks, F::ldk, kBase, j0, end);
    loadTile<D, Bc>(Vs, D, vBase, j0, end);
    copyWait();
    __syncthreads();
    float sc[4][JN] = {};
    mmaNT<D, JN>(Qs, D, Ks, F::ldk, sc);
    const bool partial = j0 + Bc > end || (s.causal && j0 + Bc - 1 > s.queryOffset + i0);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      float mx = -INFINITY;
#pragma unroll
      for (int j = 0; j < JN; ++j) {
        float x = sc[i][j] * s.scale;
        const int64_t key = j0 + tx + 16 * j, row = i0 + ty * 4 + i;
        if (partial && (key >= end || (s.causal && key > s.queryOffset + row))) x = -INFINITY;
        sc[i][j] = x;
        mx = fmaxf(mx, x);
      }
      const float mNew = fmaxf(m[i], rowMax(mx));
      const float mUse = mNew == -INFINITY ? 0.f : mNew;  // no key seen yet: avoid -inf - -inf
      const float alpha = __expf(m[i] - mUse);
      m[i] = mNew;
      float sum = 0.f;
#pragma unroll
      for (int j = 0; j < JN; ++j) sum += (sc[i][j] = __expf(sc[i][j] - mUse));
      l[i] = l[i] * alpha + sum;
#pragma unroll
      for (int c = 0; c < NC; ++c) o[i][c] *= alpha;
    }
    __syncthreads();  // every thread is done reading K
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
      for (int j = 0; j < JN; ++j) Ks[(ty * 4 + i) * F::ldp + tx + 16 * j] = sc[i][j];
    __syncthreads();
    mmaNN<D, Bc>(Ks, F::ldp, Vs, D, o);
  }
  copyWait();  // no key tile (S = 0): the Q copy is still outstanding
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float lt = rowSum(l[i]);
    const int64_t row = i0 + ty * 4 + i;
    if (row >= s.T) continue;
#pragma unroll
    for (int c = 0; c < NC; ++c) out[(bh * s.T + row) * D + Cols<D>::col(c)] = o[i][c] / lt;
    if (tx == 0) lse[bh * s.T + row] = m[i] + logf(lt);
  }
}

// One warp per row: delta = rowsum(dO * O).
template <int D> __global__ void deltaKernel(int64_t rows, const float* out, const float* dout, float* delta) {
  const int64_t r = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
  const int lane = threadIdx.x & 31;
  if (r >= rows) return;  // uniform per warp
  float acc = 0.f;
  for (int d = lane; d < D; d += 32) acc += out[r * D + d] * dout[r * D + d];
  for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
  if (lane == 0) delta[r] = acc;
}

// lse of a row no key reached (-inf) becomes +inf so that p = exp(x - lse) = 0 instead of NaN.
__device__ __forceinline__ float lseForP(float l) { return l == -INFINITY ? INFINITY : l; }

template <int D> struct Dq {
  static constexpr int Br = kRows, Bc = 32, JN = Bc / 16, ldk = D + 4, ldp = Bc + 4;
  static constexpr int vBuf = cmax(Bc * ldk, Br* ldp);  // V tile, then dS
  static constexpr int floats = 2 * Br * D + Bc * ldk + vBuf;
};

template <int D>
__global__ void __launch_bounds__(kThreads, 2)
    dqKernel(AttentionShape s, const float* q, const float* k, const float* v, const float* lse, const float* dout,
             const float* delta, float* dq) {
  using F = Dq<D>;
  constexpr int Br = F::Br, Bc = F::Bc, JN = F::JN, NC = D / 16;
  extern __shared__ float4 smem4[];
  float* Qs = reinterpret_cast<float*>(smem4);
  float* Os = Qs + Br * D;  // dO rows
  float* Ks = Os + Br * D;
  float* Vs = Ks + Bc * F::ldk;  // reused for dS
  const int tx = threadIdx.x & 15, ty = threadIdx.x >> 4;
  const int64_t bh = blockIdx.y, b = bh / s.Hq, h = bh % s.Hq, hk = h / (s.Hq / s.Hkv);
  const int64_t i0 = int64_t(gridDim.x - 1 - blockIdx.x) * Br;
  const float* kBase = k + (b * s.Hkv + hk) * s.S * D;
  const float* vBase = v + (b * s.Hkv + hk) * s.S * D;
  loadTile<D, Br>(Qs, D, q + bh * s.T * D, i0, s.T);
  loadTile<D, Br>(Os, D, dout + bh * s.T * D, i0, s.T);
  float L[4], Dl[4], acc[4][NC];
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int64_t row = i0 + ty * 4 + i;
    L[i] = row < s.T ? lseForP(lse[bh * s.T + row]) : INFINITY;
    Dl[i] = row < s.T ? delta[bh * s.T + row] : 0.f;
#pragma unroll
    for (int c = 0; c < NC; ++c) acc[i][c] = 0.f;
  }
  const int64_t end = keyEnd(s, min(s.T - 1, i0 + Br - 1));
  for (int64_t j0 = 0; j0 < end; j0 += Bc) {
    __syncthreads();  // the previous tile's K and dS (in Vs) are consumed
    loadTile<D, Bc>(Ks, F::ldk, kBase, j0, end);
    loadTile<D, Bc>(Vs, F::ldk, vBase, j0, end);
    copyWait();
    __syncthreads();
    float sc[4][JN] = {}, dp[4][JN] = {};
    mmaNT<D, JN>(Qs, D, Ks, F::ldk, sc);
    mmaNT<D, JN>(Os, D, Vs, F::ldk, dp);
    const bool partial = j0 + Bc > end || (s.causal && j0 + Bc - 1 > s.queryOffset + i0);
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
      for (int j = 0; j < JN; ++j) {
        const int64_t key = j0 + tx + 16 * j, row = i0 + ty * 4 + i;
        const bool ok = !partial || (key < end && (!s.causal || key <= s.queryOffset + row));
        const float p = ok ? __expf(sc[i][j] * s.scale - L[i]) : 0.f;
        sc[i][j] = p * (dp[i][j] - Dl[i]);
      }
    __syncthreads();  // every thread is done reading V
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
      for (int j = 0; j < JN; ++j) Vs[(ty * 4 + i) * F::ldp + tx + 16 * j] = sc[i][j];
    __syncthreads();
    mmaNN<D, Bc>(Vs, F::ldp, Ks, F::ldk, acc);
  }
  copyWait();
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int64_t row = i0 + ty * 4 + i;
    if (row >= s.T) continue;
#pragma unroll
    for (int c = 0; c < NC; ++c) dq[(bh * s.T + row) * D + Cols<D>::col(c)] = acc[i][c] * s.scale;
  }
}

template <int D> struct Dkv {
  static constexpr int Bc = kRows, Br = 32, JN = Br / 16, ldq = D + 4, ldp = Br + 4;
  static constexpr int floats = 2 * Bc * D + 2 * Br * ldq + Bc * ldp + 2 * Br;
};

template <int D>
__global__ void __launch_bounds__(kThreads, 2)
    dkdvKernel(AttentionShape s, const float* q, const float* k, const float* v, const float* lse, const float* dout,
               const float* delta, float* dk, float* dv) {
  using F = Dkv<D>;
  constexpr int Bc = F::Bc, Br = F::Br, JN = F::JN, NC = D / 16;
  extern __shared__ float4 smem4[];
  float* Ks = reinterpret_cast<float*>(smem4);
  float* Vs = Ks + Bc * D;
  float* Qs = Vs + Bc * D;
  float* Os = Qs + Br * F::ldq;  // dO rows
  float* Ps = Os + Br * F::ldq;  // P^T, then dS^T: [key][query]
  float* Ls = Ps + Bc * F::ldp;
  float* Ds = Ls + Br;
  const int tx = threadIdx.x & 15, ty = threadIdx.x >> 4;
  const int64_t bhk = blockIdx.y, b = bhk / s.Hkv, hk = bhk % s.Hkv, group = s.Hq / s.Hkv;
  const int64_t j0 = int64_t(blockIdx.x) * Bc;
  loadTile<D, Bc>(Ks, D, k + bhk * s.S * D, j0, s.S);
  loadTile<D, Bc>(Vs, D, v + bhk * s.S * D, j0, s.S);
  float dka[4][NC], dva[4][NC];
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int c = 0; c < NC; ++c) dka[i][c] = dva[i][c] = 0.f;
  // Queries before firstRow see no key of this block.
  const int64_t firstRow = s.causal ? max(int64_t(0), j0 - s.queryOffset) : 0;
  const bool keyTail = j0 + Bc > s.S;
  for (int64_t g = 0; g < group; ++g) {
    const int64_t bh = b * s.Hq + hk * group + g;
    for (int64_t i0 = firstRow - firstRow % Br; i0 < s.T; i0 += Br) {
      __syncthreads();  // the previous step's Q, dO, dS^T are consumed
      loadTile<D, Br>(Qs, F::ldq, q + bh * s.T * D, i0, s.T);
      loadTile<D, Br>(Os, F::ldq, dout + bh * s.T * D, i0, s.T);
      if (threadIdx.x < Br) {
        const int64_t row = i0 + threadIdx.x;
        Ls[threadIdx.x] = row < s.T ? lseForP(lse[bh * s.T + row]) : INFINITY;
        Ds[threadIdx.x] = row < s.T ? delta[bh * s.T + row] : 0.f;
      }
      copyWait();
      __syncthreads();
      float sc[4][JN] = {}, dp[4][JN] = {};  // S^T, dP^T: keys ty*4+i, queries tx+16j
      mmaNT<D, JN>(Ks, D, Qs, F::ldq, sc);
      mmaNT<D, JN>(Vs, D, Os, F::ldq, dp);
      const bool partial = keyTail || i0 + Br > s.T || (s.causal && j0 + Bc - 1 > s.queryOffset + i0);
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < JN; ++j) {
          const int qi = tx + 16 * j;
          const int64_t key = j0 + ty * 4 + i, row = i0 + qi;
          const bool ok = !partial || (key < s.S && row < s.T && (!s.causal || key <= s.queryOffset + row));
          const float p = ok ? __expf(sc[i][j] * s.scale - Ls[qi]) : 0.f;
          sc[i][j] = p;
          dp[i][j] = p * (dp[i][j] - Ds[qi]);
          Ps[(ty * 4 + i) * F::ldp + qi] = p;
        }
      __syncthreads();
      mmaNN<D, Br>(Ps, F::ldp, Os, F::ldq, dva);
      __syncthreads();  // every thread is done reading P^T
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < JN; ++j) Ps[(ty * 4 + i) * F::ldp + tx + 16 * j] = dp[i][j];
      __syncthreads();
      mmaNN<D, Br>(Ps, F::ldp, Qs, F::ldq, dka);
    }
  }
  copyWait();  // no query step: the K/V copies are still outstanding
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int64_t key = j0 + ty * 4 + i;
    if (key >= s.S) continue;
#pragma unroll
    for (int c = 0; c < NC; ++c) {
      dk[(bhk * s.S + key) * D + Cols<D>::col(c)] = dka[i][c] * s.scale;
      dv[(bhk * s.S + key) * D + Cols<D>::col(c)] = dva[i][c];
    }
  }
}

template <typename Kernel> cudaError_t allowSmem(Kernel kernel, size_t bytes) {
  return bytes > 48 * 1024
             ? cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes))
             : cudaSuccess;
}

unsigned tiles(int64_t n) { return static_cast<unsigned>((n + kRows - 1) / kRows); }

template <int D>
int forwardFor(const AttentionShape& s, const float* q, const float* k, const float* v, float* out, float* lse,
               cudaStream_t st) {
  const size_t bytes = Fwd<D>::floats * sizeof(float);
  if (cudaError_t e = allowSmem(forwardKernel<D>, bytes)) return static_cast<int>(e);
  forwardKernel<D><<<dim3(tiles(s.T), static_cast<unsigned>(s.B * s.Hq)), kThreads, bytes, st>>>(s, q, k, v, out, lse);
  return static_cast<int>(cudaGetLastError());
}

template <int D>
int backwardFor(const AttentionShape& s, const float* q, const float* k, const float* v, const float* out,
                const float* lse, const float* dout, float* delta, float* dq, float* dk, float* dv, cudaStream_t st) {
  const int64_t rows = s.B * s.Hq * s.T;
  deltaKernel<D><<<static_cast<unsigned>((rows * 32 + 255) / 256), 256, 0, st>>>(rows, out, dout, delta);
  const size_t qBytes = Dq<D>::floats * sizeof(float), kBytes = Dkv<D>::floats * sizeof(float);
  if (cudaError_t e = allowSmem(dqKernel<D>, qBytes)) return static_cast<int>(e);
  if (cudaError_t e = allowSmem(dkdvKernel<D>, kBytes)) return static_cast<int>(e);
  dqKernel<D>
      <<<dim3(tiles(s.T), static_cast<unsigned>(s.B * s.Hq)), kThreads, qBytes, st>>>(s, q, k, v, lse, dout, delta, dq);
  if (s.S > 0)
    dkdvKernel<D><<<dim3(tiles(s.S), static_cast<unsigned>(s.B * s.Hkv)), kThreads, kBytes, st>>>(s, q, k, v, lse, dout,
                                                                                                  delta, dk, dv);
  return static_cast<int>(cudaGetLastError());
}

}  // namespace

int flashForward(const AttentionShape& s, const float* q, const float* k, const float* v, float* out, float* lse,
                 void* stream) {
  if (s.T == 0 || s.B * s.Hq == 0) return 0;
  auto st = static_cast<cudaStream_t>(stream);
  switch (s.D) {
    case 32:
      return forwardFor<32>(s, q, k, v, out, lse, st);
    case 64:
      return forwardFor<64>(s, q, k, v, out, lse, st);
    case 128:
      return forwardFor<128>(s, q, k, v, out, lse, st);
    default:
      return static_cast<int>(cudaErrorInvalidValue);
  }
}

int flashBackward(const AttentionShape& s, const float* q, const float* k, const float* v, const float* out,
                  const float* lse, const float* dout, float* delta, float* dq, float* dk, float* dv, void* stream) {
  if (s.T == 0 || s.B * s.Hq == 0) return 0;
  auto st = static_cast<cudaStream_t>(stream);
  switch (s.D) {
    case 32:
      return backwardFor<32>(s, q, k, v, out, lse, dout, delta, dq, dk, dv, st);
    case 64:
      return backwardFor<64>(s, q, k, v, out, lse, dout, delta, dq, dk, dv, st);
    case 128:
      return backwardFor<128>(s, q, k, v, out, lse, dout, delta, dq, dk, dv, st);
    default:
      return static_cast<int>(cudaErrorInvalidValue);
  }
}

}  // namespace longrl::kernels::cuda
