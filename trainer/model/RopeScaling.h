#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace longrl::model {

// config.json's `rope_scaling`, the variants transformers computes in modeling_rope_utils.py that
// longrl implements: none (null or "default"), "linear", "dynamic" (NTK, base rescaled from the
// current length) and "yarn". The type is read from `rope_type` or the legacy `type`.
struct RopeScaling {
  enum class Type { None, Linear, Dynamic, Yarn };

  Type type = Type::None;
  double factor = 1.0;
  // yarn: the pre-training window that sets the ramp between the extrapolated and interpolated
  // dimensions (transformers defaults it to max_position_embeddings). Kept for linear/dynamic too,
  // which transformers reads but does not use (dynamic rescales past max_position_embeddings).
  std::optional<int64_t> originalMaxPositionEmbeddings;
  double betaFast = 32.0;
  double betaSlow = 1.0;
  std::optional<double> attentionFactor;  // yarn: overrides the factor derived from `factor`
  std::optional<double> mscale;           // yarn: with mscaleAllDim, DeepSeek's attention factor
  std::optional<double> mscaleAllDim;
  bool truncate = true;  // yarn: floor/ceil the correction range (gpt-oss sets false)

  bool enabled() const { return type != Type::None; }
  std::string typeName() const;  // "default", "linear", "dynamic", "yarn"

  // `value` is the config's rope_scaling (null allowed); errors name `source` and the field.
  static RopeScaling fromJson(const nlohmann::json& value, const std::string& source);
  // null when none, else the object with both `rope_type` and `type` (as transformers saves it).
  nlohmann::json toJson() const;

  // yarn: the window the correction range is computed for.
  int64_t yarnOriginalWindow(int64_t maxPositionEmbeddings) const {
    return originalMaxPositionEmbeddings.value_or(maxPositionEmbeddings);
  }
  // The longest input the scaling is meant for, as vLLM derives it: yarn factor x its original
  // window (at least max_position_embeddings), linear and dynamic factor x max_position_embeddings.
  int64_t contextLength(int64_t maxPositionEmbeddings) const;
  // The factor transformers multiplies cos and sin by (1 except for yarn).
  double attentionScaling() const;
};

}  // namespace longrl::model
