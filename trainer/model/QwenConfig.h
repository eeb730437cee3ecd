#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "trainer/model/QwenMoeConfig.h"
#include "trainer/model/RopeScaling.h"

namespace longrl::model {

// A config.json that longrl cannot use (unknown model_type, missing or inconsistent field).
class ModelConfigError : public std::runtime_error {
 public:
  explicit ModelConfigError(const std::string& what) : std::runtime_error(what) {}
};

// The architecture of a Qwen2 / Qwen3 decoder, read from (and written as) HF's config.json.
// Differences handled: Qwen2 has q/k/v biases and head_dim = hidden / heads; Qwen3 has
// q/k RMSNorm, an explicit head_dim and `attention_bias` (default false). Qwen3-MoE is Qwen3
// with sparse mixture-of-experts MLPs in the layers that `moe` selects.
struct QwenConfig {
  std::string modelType = "qwen3";  // "qwen2", "qwen3" or "qwen3_moe"
  int64_t hiddenSize = 64;
  int64_t intermediateSize = 192;
  int64_t numHiddenLayers = 2;
  int64_t numAttentionHeads = 4;
  int64_t numKeyValueHeads = 2;
  int64_t headDim = 16;
  double rmsNormEps = 1e-6;
  double ropeTheta = 1000000.0;
  RopeScaling ropeScaling;  // config.json rope_scaling (none by default)
  int64_t maxPositionEmbeddings = 4096;
  int64_t vocabSize = 512;
  bool tieWordEmbeddings = true;
  bool attentionBias = false;          // q/k/v projection biases (always true for qwen2)
  std::string torchDtype = "float32";  // "float32" | "bfloat16" | "float16"
  double initializerRange = 0.02;
  int64_t bosTokenId = -1;  // -1: not set
  int64_t eosTokenId = -1;
  QwenMoeConfig moe;  // read, written and used only when isMoe()

  bool isMoe() const { return modelType == "qwen3_moe"; }
  bool isQwen3() const { return modelType == "qwen3" || isMoe(); }
  // True for the layers whose MLP is a QwenSparseMoeBlock.
  bool isSparseLayer(int64_t layer) const { return isMoe() && moe.isSparseLayer(layer); }
  bool hasQkNorm() const { return isQwen3(); }

  // `source` names the file in error messages.
  static QwenConfig fromJson(const nlohmann::json& j, const std::string& source = "config.json");
  static QwenConfig fromFile(const std::string& path);
  // HF-compatible config.json content (architectures, model_type, all fields transformers reads).
  nlohmann::json toJson() const;
  // Throws ModelConfigError when sizes are inconsistent (e.g. heads not divisible by kv heads).
  void validate(const std::string& source = "config") const;
};

}  // namespace longrl::model
