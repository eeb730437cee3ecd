#include "core/plan/PhaseBytes.h"

#include <algorithm>

namespace longrl::plan {
namespace {

constexpr double kF32 = 4;
constexpr double kLogProbChunk = 1024;  // kernels::ChunkedLogProbsOptions::chunk
constexpr double kPrefillSlice = 2048;  // engine::EngineOptions::prefillChunkTokens

double d(int64_t v) { return static_cast<double>(v); }

// Below float32 the kernels compute in float32 and keep float32 copies beside the compute dtype's.
double lowPrecisionCopy(double b) { return b < kF32 ? b : 0; }

// Score-matrix bytes of an eager attention per (query, key) pair, all heads: the float32 softmax
// output and, below float32, its copy in the compute dtype that multiplies V.
double pairBytes(const ModelShape& m, double b) { return d(m.numAttentionHeads) * (kF32 + lowPrecisionCopy(b)); }

// (query, key) pairs of the micro-batch: causal attention still computes the whole matrix.
double scorePairs(const UpdateShape& u) {
  const double p = d(u.prompt), r = d(u.response);
  if (!u.sharedPrompt) return u.rows() * (p + r) * (p + r);
  return d(u.groups) * (p * p + d(u.rowsPerGroup) * r * (p + r));
}

// Shared prompts: every row attends to its own copy of the prompt's K/V (KvCache::expand copies),
// kept for backward by the attention in float32 (eager: K in float32, V in the compute dtype);
// below float32 the group's cache itself (compute dtype) lives while the group runs.
double sharedKvBytes(const ModelShape& m, const UpdateShape& u, const PhaseBytes::Settings& s) {
  if (!u.sharedPrompt) return 0;
  const double b = s.dtypeBytes, positions = d(u.prompt) + d(u.response), kv = d(m.kvWidth());
  const double saved = u.rows() * positions * kv * (s.eagerAttention ? kF32 + b : 2 * kF32);
  return saved + (b < kF32 ? d(u.rowsPerGroup) * positions * kv * 2 * b : 0);
}

double updateActivations(const ModelShape& m, const UpdateShape& u, const PhaseBytes::Settings& s) {
  const double b = s.dtypeBytes, h = d(m.hiddenSize), tokens = u.modelTokens();
  const double sparse = d(m.sparseLayers()), dense = d(m.numHiddenLayers) - sparse;
  const double denseLayer = dense > 0 ? PhaseBytes::layerBytes(m, false, u, s) : 0;
  const double sparseLayer = sparse > 0 ? PhaseBytes::layerBytes(m, true, u, s) : 0;
  const double finalNorm = tokens * (kF32 + b) * h;
  // Rows sharing a prompt are checkpointed by SharedPromptCheckpoint in dense models only: an MoE
  // model's shared prompts keep every layer's activations.
  if (!s.gradientCheckpointing || (u.sharedPrompt && sparse > 0))
    return dense * denseLayer + sparse * sparseLayer + finalNorm;
  // Checkpointed: each layer keeps only its input (a shared prompt once, then its rows' responses);
  // backward rebuilds one layer's activations at a time.
  const double layers = d(m.numHiddenLayers);
  return layers * tokens * h * b + std::max(denseLayer, sparseLayer) + finalNorm;
}

// The chunked log-prob kernel's backward: a chunk of logits and its softmax (float32), the LM
// head's float32 weight gradient (and, below float32, its float32 weight copy), and the response
// rows' hidden states it keeps with their float32 gradient.
double logitsBytes(const ModelShape& m, const UpdateShape& u, double b) {
  const double rows = u.responseTokens(), chunk = std::min(kLogProbChunk, rows);
  const double v = d(m.vocabSize), h = d(m.hiddenSize);
  return 2 * chunk * v * kF32 + v * h * kF32 + (b < kF32 ? v * h * kF32 : 0) + rows * h * (b + kF32);
}

// The engine's KV cache for a batch of prompts: capacity prompt + max_output_tokens reserved up front
// for every row, the prompt copied into each of the n rows (KvCache::stack copies, it does not
// share), while the prompts' own prefill caches are still held (n of them in a memory phase).
double kvCacheBytes(const ModelShape& m, const UpdateShape& u, const PhaseBytes::Settings& s) {
  const double prompts = d(u.generationPrompts), p = d(u.prompt);
  const double positions = prompts * d(u.samples) * (p + d(u.response)) + (s.memoryAgent ? d(u.samples) : prompts) * p;
  return positions * d(m.numHiddenLayers) * 2 * d(m.kvWidth()) * s.dtypeBytes;
}

// A prefill slice's scores [heads, slice, prompt] under eager attention: the engine prefills each
// prompt alone and unpadded, which the block kernel runs without them.
double prefillBytes(const ModelShape& m, const UpdateShape& u, const PhaseBytes::Settings& s) {
  if (!s.eagerAttention) return 0;
  const double p = d(u.prompt), slice = std::min(kPrefillSlice, p);
  // Scores and softmax in float32, and the softmax's copy in the compute dtype (no autograd here).
  return d(m.numAttentionHeads) * slice * p * (2 * kF32 + lowPrecisionCopy(s.dtypeBytes));
}

}  // namespace

double PhaseBytes::layerBytesPerToken(const ModelShape& m, bool sparseMlp, const Settings& s) {
  const double b = s.dtypeBytes, h = d(m.hiddenSize), q = d(m.queryWidth()), kv = d(m.kvWidth());
  // Each RmsNorm keeps its float32 input and the normalised value before the weight; its output is
  // kept by the projections after it.
  double bytes = 2 * ((kF32 + b) * h + b * h);
  // Qwen3's per-head q/k norms.
  if (m.hasQkNorm()) bytes += (kF32 + b) * (q + kv);
  // Rotary embedding: x and rotate_half(x) of q and k.
  bytes += 2 * b * (q + kv);
  // Eager: float32 q and k, and v (the score matrices are counted per pair). Block: float32 q, k,
  // v and out, and the rows' log-sum-exp.
  bytes += s.eagerAttention ? kF32 * (q + kv) + b * kv : kF32 * (2 * q + 2 * kv) + kF32 * d(m.numAttentionHeads);
  // o_proj's input.
  bytes += b * q;
  // Dense MLP: gate, up, silu(gate) and their product.
  if (!sparseMlp) return bytes + 4 * b * d(m.intermediateSize);
  // Router: float32 softmax (and the logits the aux loss records); per pick: the token's copy,
  // the expert's MLP, its output under the routing weight, the indices.
  const double picks = d(m.numExpertsPerTok);
  return bytes + d(m.numExperts) * (kF32 + b) + picks * (2 * b * h + 4 * b * d(m.moeIntermediateSize) + 8);
}

double PhaseBytes::layerBytes(const ModelShape& m, bool sparseMlp, const UpdateShape& u, const Settings& s) {
  double bytes = u.modelTokens() * layerBytesPerToken(m, sparseMlp, s) + sharedKvBytes(m, u, s);
  if (s.eagerAttention) bytes += scorePairs(u) * pairBytes(m, s.dtypeBytes);
  return bytes;
}

PhaseBytes PhaseBytes::estimate(const ModelShape& m, const UpdateShape& u, const Settings& s) {
  PhaseBytes out;
  out.activations = updateActivations(m, u, s);
  out.logits = logitsBytes(m, u, s.dtypeBytes);
  out.generationKvCache = kvCacheBytes(m, u, s);
  out.generationPrefill = prefillBytes(m, u, s);
  return out;
}

}  // namespace longrl::plan
