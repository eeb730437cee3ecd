// Raw-pointer entry points of the CUDA kernels (no torch, no CUDA headers): kernels/CudaKernels.cpp calls
// these with tensor data pointers. All pointers are device pointers to contiguous fp32 (targets int64).
// `stream` is a cudaStream_t (nullptr: the legacy default stream). Each returns 0 or a cudaError_t value.
#pragma once
#include <cstdint>

namespace longrl::kernels::cuda {

// Per row r of logits [rows, vocab] (already divided by the temperature):
// lse[r] = logsumexp(z_r), logprob[r] = z_r[target_r] - lse[r], entropy[r] = lse[r] - sum p z (if non-null).
int rowStats(const float* logits, const int64_t* targets, int64_t rows, int64_t vocab, float* logprob, float* entropy,
             float* lse, void* stream);

// In place: logits[r, j] := invTemp * (gLp[r] (onehot_j - p_j) - gEnt[r] p_j (log p_j + H_r)).
// gradEntropy may be null.
int rowGrad(float* logits, const int64_t* targets, const float* lse, const float* entropy, const float* gradLogprob,
            const float* gradEntropy, int64_t rows, int64_t vocab, float invTemp, void* stream);

struct AttentionShape {
  int64_t B, Hq, Hkv, T, S, D;  // q [B,Hq,T,D]; k, v [B,Hkv,S,D]
  float scale;
  bool causal;
  int64_t queryOffset;  // causal: query t sees keys 0..queryOffset+t
};

// out [B,Hq,T,D], lse [B,Hq,T]. D must be 32, 64 or 128 (returns cudaErrorInvalidValue otherwise).
int flashForward(const AttentionShape& s, const float* q, const float* k, const float* v, float* out, float* lse,
                 void* stream);

// dq [B,Hq,T,D], dk/dv [B,Hkv,S,D] are overwritten; delta is scratch [B,Hq,T].
int flashBackward(const AttentionShape& s, const float* q, const float* k, const float* v, const float* out,
                  const float* lse, const float* dout, float* delta, float* dq, float* dk, float* dv, void* stream);

}  // namespace longrl::kernels::cuda
