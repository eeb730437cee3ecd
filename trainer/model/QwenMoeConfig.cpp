#include "trainer/model/QwenMoeConfig.h"

#include <algorithm>
#include <cmath>

#include "trainer/model/QwenConfig.h"

namespace longrl::model {
namespace {

template <typename T> T optional(const nlohmann::json& j, const char* key, const std::string& source, T fallback) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  try {
    return j[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ModelConfigError(source + ": field '" + key + "' has the wrong type (" + j[key].dump() + ")");
  }
}

[[noreturn]] void fail(const std::string& source, const char* key, const std::string& why) {
  throw ModelConfigError(source + ": field '" + key + "' " + why);
}

}  // namespace

bool QwenMoeConfig::isSparseLayer(int64_t layer) const {
  if (std::find(mlpOnlyLayers.begin(), mlpOnlyLayers.end(), layer) != mlpOnlyLayers.end()) return false;
  return numExperts > 0 && decoderSparseStep > 0 && (layer + 1) % decoderSparseStep == 0;
}

QwenMoeConfig QwenMoeConfig::fromJson(const nlohmann::json& j, const std::string& source) {
  QwenMoeConfig m;
  m.numExperts = optional<int64_t>(j, "num_experts", source, m.numExperts);
  m.numExpertsPerTok = optional<int64_t>(j, "num_experts_per_tok", source, m.numExpertsPerTok);
  m.moeIntermediateSize = optional<int64_t>(j, "moe_intermediate_size", source, m.moeIntermediateSize);
  m.normTopkProb = optional<bool>(j, "norm_topk_prob", source, m.normTopkProb);
  m.decoderSparseStep = optional<int64_t>(j, "decoder_sparse_step", source, m.decoderSparseStep);
  m.mlpOnlyLayers = optional<std::vector<int64_t>>(j, "mlp_only_layers", source, {});
  m.routerAuxLossCoef = optional<double>(j, "router_aux_loss_coef", source, m.routerAuxLossCoef);
  m.outputRouterLogits = optional<bool>(j, "output_router_logits", source, m.outputRouterLogits);
  return m;
}

void QwenMoeConfig::writeTo(nlohmann::json& j) const {
  j["num_experts"] = numExperts;
  j["num_experts_per_tok"] = numExpertsPerTok;
  j["moe_intermediate_size"] = moeIntermediateSize;
  j["norm_topk_prob"] = normTopkProb;
  j["decoder_sparse_step"] = decoderSparseStep;
  j["mlp_only_layers"] = mlpOnlyLayers;
  j["router_aux_loss_coef"] = routerAuxLossCoef;
  j["output_router_logits"] = outputRouterLogits;
}

void QwenMoeConfig::validate(int64_t numHiddenLayers, const std::string& source) const {
  if (numExperts < 0) fail(source, "num_experts", "must be >= 0, got " + std::to_string(numExperts));
  if (numExperts > 0 && (numExpertsPerTok < 1 || numExpertsPerTok > numExperts))
    fail(source, "num_experts_per_tok",
         "must be between 1 and num_experts (" + std::to_string(numExperts) + "), got " +
             std::to_string(numExpertsPerTok));
  if (moeIntermediateSize <= 0)
    fail(source, "moe_intermediate_size", "must be positive, got " + std::to_string(moeIntermediateSize));
  if (decoderSparseStep <= 0)
    fail(source, "decoder_sparse_step", "must be positive, got " + std::to_string(decoderSparseStep));
  for (int64_t layer : mlpOnlyLayers)
    if (layer < 0 || layer >= numHiddenLayers)
      fail(source, "mlp_only_layers",
           "lists layer " + std::to_string(layer) + ", outside 0.." + std::to_string(numHiddenLayers - 1));
  if (!std::isfinite(routerAuxLossCoef) || routerAuxLossCoef < 0)
    fail(source, "router_aux_loss_coef", "must be a finite number >= 0, got " + std::to_string(routerAuxLossCoef));
}

}  // namespace longrl::model
