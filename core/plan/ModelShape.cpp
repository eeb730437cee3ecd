#include "core/plan/ModelShape.h"

#include <algorithm>
#include <fstream>
#include <limits>

#include "core/plan/PlanError.h"

namespace longrl::plan {
namespace {

template <typename T> T field(const nlohmann::json& j, const char* key, const std::string& source, const T* fallback) {
  if (!j.contains(key) || j[key].is_null()) {
    if (fallback) return *fallback;
    throw PlanError(source + ": missing field '" + key + "'");
  }
  try {
    return j[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw PlanError(source + ": field '" + key + "' has the wrong type (" + j[key].dump() + ")");
  }
}

template <typename T> T required(const nlohmann::json& j, const char* key, const std::string& source) {
  return field<T>(j, key, source, nullptr);
}

template <typename T> T optional(const nlohmann::json& j, const char* key, const std::string& source, T fallback) {
  return field<T>(j, key, source, &fallback);
}

[[noreturn]] void fail(const std::string& source, const char* key, const std::string& why) {
  throw PlanError(source + ": field '" + key + "' " + why);
}

void positive(int64_t value, const char* key, const std::string& source) {
  if (value <= 0) fail(source, key, "must be positive, got " + std::to_string(value));
}

// The trainer's checks (QwenConfig::validate, QwenMoeConfig::validate): a config it refuses gets no plan.
void validate(const ModelShape& m, const std::string& source) {
  positive(m.hiddenSize, "hidden_size", source);
  positive(m.intermediateSize, "intermediate_size", source);
  positive(m.numHiddenLayers, "num_hidden_layers", source);
  positive(m.numAttentionHeads, "num_attention_heads", source);
  positive(m.numKeyValueHeads, "num_key_value_heads", source);
  positive(m.headDim, "head_dim", source);
  positive(m.vocabSize, "vocab_size", source);
  if (m.vocabSize > std::numeric_limits<int32_t>::max())
    fail(source, "vocab_size", "is " + std::to_string(m.vocabSize) + ", more than 2^31 - 1 (token ids are 32-bit)");
  if (m.numAttentionHeads % m.numKeyValueHeads != 0)
    fail(source, "num_key_value_heads",
         "(" + std::to_string(m.numKeyValueHeads) + ") does not divide num_attention_heads (" +
             std::to_string(m.numAttentionHeads) + ")");
  if (!m.isMoe()) return;
  if (m.numExperts < 0) fail(source, "num_experts", "must be >= 0, got " + std::to_string(m.numExperts));
  if (m.numExperts > 0 && (m.numExpertsPerTok < 1 || m.numExpertsPerTok > m.numExperts))
    fail(source, "num_experts_per_tok",
         "must be between 1 and num_experts (" + std::to_string(m.numExperts) + "), got " +
             std::to_string(m.numExpertsPerTok));
  positive(m.moeIntermediateSize, "moe_intermediate_size", source);
  positive(m.decoderSparseStep, "decoder_sparse_step", source);
  for (int64_t layer : m.mlpOnlyLayers)
    if (layer < 0 || layer >= m.numHiddenLayers)
      fail(source, "mlp_only_layers",
           "lists layer " + std::to_string(layer) + ", outside 0.." + std::to_string(m.numHiddenLayers - 1));
}

void readMoe(ModelShape& m, const nlohmann::json& j, const std::string& source) {
  m.numExperts = optional<int64_t>(j, "num_experts", source, m.numExperts);
  m.numExpertsPerTok = optional<int64_t>(j, "num_experts_per_tok", source, m.numExpertsPerTok);
  m.moeIntermediateSize = optional<int64_t>(j, "moe_intermediate_size", source, m.moeIntermediateSize);
  m.decoderSparseStep = optional<int64_t>(j, "decoder_sparse_step", source, m.decoderSparseStep);
  m.mlpOnlyLayers = optional<std::vector<int64_t>>(j, "mlp_only_layers", source, {});
}

// One decoder layer: attention (q/k/v/o, biases, Qwen3's q/k norms), its MLP or experts with
// their router, and the two norms.
double layerOf(const ModelShape& m, bool sparse) {
  const double h = static_cast<double>(m.hiddenSize), q = static_cast<double>(m.queryWidth());
  const double kv = static_cast<double>(m.kvWidth()), d = static_cast<double>(m.headDim);
  const double attention =
      h * q + 2 * h * kv + q * h + (m.attentionBias ? q + 2 * kv : 0) + (m.hasQkNorm() ? 2 * d : 0);
  const double experts = static_cast<double>(m.numExperts);
  const double mlp = sparse ? h * experts + experts * 3 * h * static_cast<double>(m.moeIntermediateSize)
                            : 3 * h * static_cast<double>(m.intermediateSize);
  return attention + mlp + 2 * h;
}

}  // namespace

bool ModelShape::isSparseLayer(int64_t layer) const {
  if (!isMoe()) return false;
  if (std::find(mlpOnlyLayers.begin(), mlpOnlyLayers.end(), layer) != mlpOnlyLayers.end()) return false;
  return numExperts > 0 && decoderSparseStep > 0 && (layer + 1) % decoderSparseStep == 0;
}

int64_t ModelShape::sparseLayers() const {
  if (!isMoe()) return 0;
  // An absurd layer count is sized as all sparse rather than counted one by one.
  if (numHiddenLayers > (int64_t{1} << 20)) return numHiddenLayers;
  int64_t n = 0;
  for (int64_t l = 0; l < numHiddenLayers; ++l) n += isSparseLayer(l) ? 1 : 0;
  return n;
}

double ModelShape::layerParameters(int64_t layer) const { return layerOf(*this, isSparseLayer(layer)); }

double ModelShape::layersParameters() const {
  const int64_t sparse = sparseLayers();
  return static_cast<double>(numHiddenLayers - sparse) * layerOf(*this, false) +
         static_cast<double>(sparse) * layerOf(*this, true);
}

double ModelShape::largestLayerParameters() const {
  const int64_t sparse = sparseLayers();
  return std::max(sparse < numHiddenLayers ? layerOf(*this, false) : 0.0, sparse > 0 ? layerOf(*this, true) : 0.0);
}

double ModelShape::nonLayerParameters() const {
  const double embed = static_cast<double>(vocabSize) * static_cast<double>(hiddenSize);
  return embed * (tieWordEmbeddings ? 1 : 2) + static_cast<double>(hiddenSize);
}

ModelShape ModelShape::fromJson(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw PlanError(source + ": not a JSON object");
  ModelShape m;
  m.modelType = required<std::string>(j, "model_type", source);
  if (m.modelType != "qwen2" && m.modelType != "qwen3" && m.modelType != "qwen3_moe")
    fail(source, "model_type", "is '" + m.modelType + "', not one longrl trains (qwen2, qwen3, qwen3_moe)");
  m.hiddenSize = required<int64_t>(j, "hidden_size", source);
  m.intermediateSize = required<int64_t>(j, "intermediate_size", source);
  m.numHiddenLayers = required<int64_t>(j, "num_hidden_layers", source);
  m.numAttentionHeads = required<int64_t>(j, "num_attention_heads", source);
  m.numKeyValueHeads = optional<int64_t>(j, "num_key_value_heads", source, m.numAttentionHeads);
  m.headDim =
      optional<int64_t>(j, "head_dim", source, m.numAttentionHeads > 0 ? m.hiddenSize / m.numAttentionHeads : 0);
  m.vocabSize = required<int64_t>(j, "vocab_size", source);
  m.tieWordEmbeddings = optional<bool>(j, "tie_word_embeddings", source, false);
  m.attentionBias = m.hasQkNorm() ? optional<bool>(j, "attention_bias", source, false) : true;
  if (m.isMoe()) readMoe(m, j, source);
  validate(m, source);
  return m;
}

ModelShape ModelShape::fromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw PlanError(path + ": cannot open (a model directory holds its config.json)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw PlanError(path + ": not valid JSON: " + e.what());
  }
  return fromJson(j, path);
}

}  // namespace longrl::plan
