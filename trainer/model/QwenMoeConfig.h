#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::model {

// The sparse mixture-of-experts fields of a qwen3_moe config.json (HF Qwen3MoeConfig). Missing
// fields take transformers' defaults, so a config loads here as it does there.
struct QwenMoeConfig {
  int64_t numExperts = 128;
  int64_t numExpertsPerTok = 8;
  int64_t moeIntermediateSize = 768;
  bool normTopkProb = false;  // renormalise the top-k routing weights to sum to 1
  int64_t decoderSparseStep = 1;
  std::vector<int64_t> mlpOnlyLayers;  // layers that keep a dense MLP of intermediate_size
  double routerAuxLossCoef = 0.001;
  bool outputRouterLogits = false;  // with coef > 0: the load-balancing loss joins the training loss

  // HF's rule: a layer is sparse unless listed in mlp_only_layers, when there are experts and
  // (layer + 1) is a multiple of decoder_sparse_step.
  bool isSparseLayer(int64_t layer) const;
  // True when training adds routerAuxLossCoef x the load-balancing loss (as HF does with labels).
  bool addsAuxLoss() const { return outputRouterLogits && routerAuxLossCoef > 0; }

  static QwenMoeConfig fromJson(const nlohmann::json& j, const std::string& source);
  void writeTo(nlohmann::json& j) const;
  // Throws ModelConfigError naming the field.
  void validate(int64_t numHiddenLayers, const std::string& source) const;
};

}  // namespace longrl::model
