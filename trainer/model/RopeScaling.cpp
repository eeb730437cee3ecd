#include "trainer/model/RopeScaling.h"

#include <algorithm>
#include <cmath>

#include "trainer/model/QwenConfig.h"

namespace longrl::model {
namespace {

const char* kSupported = "supported: default, linear, dynamic, yarn";

// Reads rope_scaling.<key> as a number; nullopt when absent or null.
std::optional<double> number(const nlohmann::json& rs, const char* key, const std::string& source) {
  if (!rs.contains(key) || rs[key].is_null()) return std::nullopt;
  if (!rs[key].is_number() || !std::isfinite(rs[key].get<double>()))
    throw ModelConfigError(source + ": rope_scaling." + key + " must be a number, got " + rs[key].dump());
  return rs[key].get<double>();
}

double positive(const nlohmann::json& rs, const char* key, const std::string& source, double fallback) {
  const auto v = number(rs, key, source);
  if (v && *v <= 0) throw ModelConfigError(source + ": rope_scaling." + key + " must be > 0, got " + rs[key].dump());
  return v.value_or(fallback);
}

std::string readType(const nlohmann::json& rs, const std::string& source) {
  // transformers prefers rope_type and falls back to the legacy `type`.
  const char* key = rs.contains("rope_type") && !rs["rope_type"].is_null() ? "rope_type" : "type";
  if (!rs.contains(key) || rs[key].is_null())
    throw ModelConfigError(source + ": rope_scaling.rope_type is missing (" + kSupported + ")");
  if (!rs[key].is_string())
    throw ModelConfigError(source + ": rope_scaling." + key + " must be a string, got " + rs[key].dump());
  return rs[key].get<std::string>();
}

void readYarnFields(const nlohmann::json& rs, const std::string& source, RopeScaling& s) {
  s.betaFast = positive(rs, "beta_fast", source, 32.0);
  s.betaSlow = positive(rs, "beta_slow", source, 1.0);
  if (s.betaFast <= s.betaSlow)
    throw ModelConfigError(source + ": rope_scaling.beta_fast (" + nlohmann::json(s.betaFast).dump() +
                           ") must be larger than rope_scaling.beta_slow (" + nlohmann::json(s.betaSlow).dump() + ")");
  if (rs.contains("attention_factor") && !rs["attention_factor"].is_null())
    s.attentionFactor = positive(rs, "attention_factor", source, 1.0);
  s.mscale = number(rs, "mscale", source);
  s.mscaleAllDim = number(rs, "mscale_all_dim", source);
  if (rs.contains("truncate") && !rs["truncate"].is_null()) {
    if (!rs["truncate"].is_boolean())
      throw ModelConfigError(source + ": rope_scaling.truncate must be true or false, got " + rs["truncate"].dump());
    s.truncate = rs["truncate"].get<bool>();
  }
}

// transformers' get_mscale: the YaRN paper's 0.1 ln(s) + 1, scaled by `m`, and 1 for s <= 1.
double getMscale(double scale, double m) { return scale <= 1.0 ? 1.0 : 0.1 * m * std::log(scale) + 1.0; }

}  // namespace

std::string RopeScaling::typeName() const {
  switch (type) {
    case Type::Linear:
      return "linear";
    case Type::Dynamic:
      return "dynamic";
    case Type::Yarn:
      return "yarn";
    case Type::None:
      break;
  }
  return "default";
}

RopeScaling RopeScaling::fromJson(const nlohmann::json& rs, const std::string& source) {
  RopeScaling s;
  if (rs.is_null()) return s;
  if (!rs.is_object()) throw ModelConfigError(source + ": rope_scaling must be an object or null, got " + rs.dump());
  const std::string type = readType(rs, source);
  if (type == "default") return s;
  if (type == "linear") s.type = Type::Linear;
  else if (type == "dynamic") s.type = Type::Dynamic;
  else if (type == "yarn") s.type = Type::Yarn;
  else throw ModelConfigError(source + ": rope_scaling.rope_type '" + type + "' is not supported (" + kSupported + ")");
  const auto factor = number(rs, "factor", source);
  if (!factor) throw ModelConfigError(source + ": rope_scaling.factor is missing (rope_type '" + type + "' needs it)");
  if (*factor < 1.0) throw ModelConfigError(source + ": rope_scaling.factor must be >= 1, got " + rs["factor"].dump());
  s.factor = *factor;
  if (const auto original = number(rs, "original_max_position_embeddings", source)) {
    if (*original < 1 || std::floor(*original) != *original)
      throw ModelConfigError(source +
                             ": rope_scaling.original_max_position_embeddings must be a positive integer, got " +
                             rs["original_max_position_embeddings"].dump());
    s.originalMaxPositionEmbeddings = static_cast<int64_t>(*original);
  }
  if (s.type == Type::Yarn) readYarnFields(rs, source, s);
  return s;
}

nlohmann::json RopeScaling::toJson() const {
  if (!enabled()) return nullptr;
  nlohmann::json j = {{"rope_type", typeName()}, {"type", typeName()}, {"factor", factor}};
  if (originalMaxPositionEmbeddings) j["original_max_position_embeddings"] = *originalMaxPositionEmbeddings;
  if (type != Type::Yarn) return j;
  j["beta_fast"] = betaFast;
  j["beta_slow"] = betaSlow;
  if (attentionFactor) j["attention_factor"] = *attentionFactor;
  if (mscale) j["mscale"] = *mscale;
  if (mscaleAllDim) j["mscale_all_dim"] = *mscaleAllDim;
  if (!truncate) j["truncate"] = false;
  return j;
}

int64_t RopeScaling::contextLength(int64_t maxPositionEmbeddings) const {
  if (!enabled()) return maxPositionEmbeddings;
  const int64_t window = type == Type::Yarn ? yarnOriginalWindow(maxPositionEmbeddings) : maxPositionEmbeddings;
  return std::max(maxPositionEmbeddings, static_cast<int64_t>(std::floor(factor * static_cast<double>(window))));
}

double RopeScaling::attentionScaling() const {
  if (type != Type::Yarn) return 1.0;
  if (attentionFactor) return *attentionFactor;
  // As transformers: both mscale and mscale_all_dim non-zero -> their ratio, else the paper's value.
  if (mscale.value_or(0.0) != 0.0 && mscaleAllDim.value_or(0.0) != 0.0)
    return getMscale(factor, *mscale) / getMscale(factor, *mscaleAllDim);
  return getMscale(factor, 1.0);
}

}  // namespace longrl::model
