// extern "C" wrappers around the raw-pointer entry points of LongrlCuda.h, for the standalone GPU check
// (check_cuda_kernels.py). The GPU machine that runs the check has nvcc and PyTorch but neither Qt nor this
// project's LibTorch build, so the check compiles only kernels/cuda/*.cu plus this file into a shared library
// and calls it through Python ctypes with torch CUDA tensors' data_ptr(). A C ABI with plain scalars (no
// namespaces, no AttentionShape struct, no bool) is what ctypes can call without guessing C++ mangling or
// struct layout. Not part of the project build.
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/LongrlCuda.h"

namespace lk = longrl::kernels::cuda;

namespace {

lk::AttentionShape shapeOf(int64_t B, int64_t Hq, int64_t Hkv, int64_t T, int64_t S, int64_t D, float scale, int causal,
                           int64_t queryOffset) {
  lk::AttentionShape s;
  s.B = B;
  s.Hq = Hq;
  s.Hkv = Hkv;
  s.T = T;
  s.S = S;
  s.D = D;
  s.scale = scale;
  s.causal = causal != 0;
  s.queryOffset = queryOffset;
  return s;
}

}  // namespace

extern "C" {

// Version of this C API, so the harness can refuse a stale library built from an older wrapper.
int longrl_capi_version() { return 1; }

int longrl_row_stats(const float* logits, const int64_t* targets, int64_t rows, int64_t vocab, float* logprob,
                     float* entropy, float* lse, void* stream) {
  return lk::rowStats(logits, targets, rows, vocab, logprob, entropy, lse, stream);
}

int longrl_row_grad(float* logits, const int64_t* targets, const float* lse, const float* entropy,
                    const float* gradLogprob, const float* gradEntropy, int64_t rows, int64_t vocab, float invTemp,
                    void* stream) {
  return lk::rowGrad(logits, targets, lse, entropy, gradLogprob, gradEntropy, rows, vocab, invTemp, stream);
}

int longrl_flash_forward(int64_t B, int64_t Hq, int64_t Hkv, int64_t T, int64_t S, int64_t D, float scale, int causal,
                         int64_t queryOffset, const float* q, const float* k, const float* v, float* out, float* lse,
                         void* stream) {
  return lk::flashForward(shapeOf(B, Hq, Hkv, T, S, D, scale, causal, queryOffset), q, k, v, out, lse, stream);
}

int longrl_flash_backward(int64_t B, int64_t Hq, int64_t Hkv, int64_t T, int64_t S, int64_t D, float scale, int causal,
                          int64_t queryOffset, const float* q, const float* k, const float* v, const float* out,
                          const float* lse, const float* dout, float* delta, float* dq, float* dk, float* dv,
                          void* stream) {
  return lk::flashBackward(shapeOf(B, Hq, Hkv, T, S, D, scale, causal, queryOffset), q, k, v, out, lse, dout, delta, dq,
                           dk, dv, stream);
}

// Waits for all work on the device and returns the first pending (asynchronous) error, e.g. an illegal
// address inside a kernel, which the launch's own return code cannot report.
int longrl_device_synchronize() { return static_cast<int>(cudaDeviceSynchronize()); }

// Clears a non-sticky error left by a failed launch so it is not blamed on the next call.
int longrl_get_last_error() { return static_cast<int>(cudaGetLastError()); }

const char* longrl_error_string(int code) { return cudaGetErrorString(static_cast<cudaError_t>(code)); }

}  // extern "C"
