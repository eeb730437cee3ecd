#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::plan {

// The sizes of a Qwen2 / Qwen3 / Qwen3-MoE decoder, read from a Hugging Face config.json without
// torch or any weight: what a memory plan needs. The trainer's QwenConfig reads the same fields
// with the same defaults and checks, and parameters() counts what its ModelSize counts (a test
// in tests/trainer holds the two together).
struct ModelShape {
  std::string modelType;  // "qwen2", "qwen3" or "qwen3_moe"
  int64_t hiddenSize = 0;
  int64_t intermediateSize = 0;
  int64_t numHiddenLayers = 0;
  int64_t numAttentionHeads = 0;
  int64_t numKeyValueHeads = 0;  // default: num_attention_heads
  int64_t headDim = 0;           // default: hidden_size / num_attention_heads
  int64_t vocabSize = 0;
  bool tieWordEmbeddings = false;
  bool attentionBias = true;  // q/k/v biases: always for qwen2, attention_bias (default false) for qwen3
  // qwen3_moe only (transformers' defaults when absent).
  int64_t numExperts = 128;
  int64_t numExpertsPerTok = 8;
  int64_t moeIntermediateSize = 768;
  int64_t decoderSparseStep = 1;
  std::vector<int64_t> mlpOnlyLayers;

  bool isMoe() const { return modelType == "qwen3_moe"; }
  bool hasQkNorm() const { return modelType == "qwen3" || isMoe(); }
  bool isSparseLayer(int64_t layer) const;
  int64_t queryWidth() const { return numAttentionHeads * headDim; }
  int64_t kvWidth() const { return numKeyValueHeads * headDim; }

  // Parameters, as doubles: an absurd config must not overflow.
  double layerParameters(int64_t layer) const;  // one decoder layer (attention, MLP or experts, two norms)
  double layersParameters() const;              // all decoder layers
  double largestLayerParameters() const;
  double nonLayerParameters() const;  // embeddings, lm_head unless tied, the final norm
  double parameters() const { return nonLayerParameters() + layersParameters(); }
  // Decoder layers whose MLP is a sparse mixture of experts.
  int64_t sparseLayers() const;

  // `source` names the file in errors ("SOURCE: field 'hidden_size' has the wrong type (...)").
  static ModelShape fromJson(const nlohmann::json& j, const std::string& source);
  // Reads FILE (a model directory's config.json). Throws PlanError naming it.
  static ModelShape fromFile(const std::string& path);
};

}  // namespace longrl::plan
