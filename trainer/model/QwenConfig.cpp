#include "trainer/model/QwenConfig.h"

#include <fstream>
#include <limits>

namespace longrl::model {
namespace {

template <typename T> T field(const nlohmann::json& j, const char* key, const std::string& source, const T* fallback) {
  if (!j.contains(key) || j[key].is_null()) {
    if (fallback) return *fallback;
    throw ModelConfigError(source + ": missing field '" + key + "'");
  }
  try {
    return j[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ModelConfigError(source + ": field '" + key + "' has the wrong type (" + j[key].dump() + ")");
  }
}

template <typename T> T required(const nlohmann::json& j, const char* key, const std::string& source) {
  return field<T>(j, key, source, nullptr);
}

template <typename T> T optional(const nlohmann::json& j, const char* key, const std::string& source, T fallback) {
  return field<T>(j, key, source, &fallback);
}

}  // namespace

QwenConfig QwenConfig::fromJson(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw ModelConfigError(source + ": not a JSON object");
  QwenConfig c;
  c.modelType = required<std::string>(j, "model_type", source);
  if (c.modelType != "qwen2" && c.modelType != "qwen3" && c.modelType != "qwen3_moe")
    throw ModelConfigError(source + ": model_type '" + c.modelType +
                           "' is not supported (longrl implements qwen2, qwen3 and qwen3_moe)");
  c.hiddenSize = required<int64_t>(j, "hidden_size", source);
  c.intermediateSize = required<int64_t>(j, "intermediate_size", source);
  c.numHiddenLayers = required<int64_t>(j, "num_hidden_layers", source);
  c.numAttentionHeads = required<int64_t>(j, "num_attention_heads", source);
  c.numKeyValueHeads = optional<int64_t>(j, "num_key_value_heads", source, c.numAttentionHeads);
  const int64_t derivedHeadDim = c.numAttentionHeads > 0 ? c.hiddenSize / c.numAttentionHeads : 0;
  // HF reads head_dim when present (Qwen3 configs carry it) and derives it otherwise.
  c.headDim = optional<int64_t>(j, "head_dim", source, derivedHeadDim);
  c.rmsNormEps = optional<double>(j, "rms_norm_eps", source, 1e-6);
  c.ropeTheta = optional<double>(j, "rope_theta", source, 10000.0);
  c.maxPositionEmbeddings = optional<int64_t>(j, "max_position_embeddings", source, 32768);
  c.vocabSize = required<int64_t>(j, "vocab_size", source);
  c.tieWordEmbeddings = optional<bool>(j, "tie_word_embeddings", source, false);
  c.attentionBias = c.isQwen3() ? optional<bool>(j, "attention_bias", source, false) : true;
  c.torchDtype = optional<std::string>(j, "torch_dtype", source, "float32");
  c.initializerRange = optional<double>(j, "initializer_range", source, 0.02);
  if (j.contains("bos_token_id") && j["bos_token_id"].is_number_integer())
    c.bosTokenId = j["bos_token_id"].get<int64_t>();
  if (j.contains("eos_token_id") && j["eos_token_id"].is_number_integer())
    c.eosTokenId = j["eos_token_id"].get<int64_t>();
  const std::string act = optional<std::string>(j, "hidden_act", source, "silu");
  if (act != "silu") throw ModelConfigError(source + ": hidden_act '" + act + "' is not supported (only silu)");
  c.ropeScaling = RopeScaling::fromJson(j.contains("rope_scaling") ? j["rope_scaling"] : nlohmann::json(), source);
  if (j.contains("use_sliding_window") && j["use_sliding_window"].is_boolean() && j["use_sliding_window"].get<bool>())
    throw ModelConfigError(source + ": use_sliding_window=true is not supported");
  if (c.isMoe()) c.moe = QwenMoeConfig::fromJson(j, source);
  c.validate(source);
  return c;
}

QwenConfig QwenConfig::fromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ModelConfigError(path + ": cannot open");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for 1e999
    throw ModelConfigError(path + ": not valid JSON: " + e.what());
  }
  return fromJson(j, path);
}

void QwenConfig::validate(const std::string& source) const {
  auto positive = [&](int64_t v, const char* key) {
    if (v <= 0) throw ModelConfigError(source + ": field '" + key + "' must be positive, got " + std::to_string(v));
  };
  positive(hiddenSize, "hidden_size");
  positive(intermediateSize, "intermediate_size");
  positive(numHiddenLayers, "num_hidden_layers");
  positive(numAttentionHeads, "num_attention_heads");
  positive(numKeyValueHeads, "num_key_value_heads");
  positive(headDim, "head_dim");
  positive(vocabSize, "vocab_size");
  if (vocabSize > std::numeric_limits<int32_t>::max())  // token ids are int everywhere
    throw ModelConfigError(source + ": field 'vocab_size' is " + std::to_string(vocabSize) + ", more than " +
                           std::to_string(std::numeric_limits<int32_t>::max()) + " (token ids are 32-bit)");
  if (numAttentionHeads % numKeyValueHeads != 0)
    throw ModelConfigError(source + ": num_attention_heads (" + std::to_string(numAttentionHeads) +
                           ") is not a multiple of num_key_value_heads (" + std::to_string(numKeyValueHeads) + ")");
  if (headDim % 2 != 0) throw ModelConfigError(source + ": head_dim must be even for rotary embedding");
  if (torchDtype != "float32" && torchDtype != "bfloat16" && torchDtype != "float16")
    throw ModelConfigError(source + ": torch_dtype '" + torchDtype + "' is not supported (float32, bfloat16, float16)");
  if (isMoe()) moe.validate(numHiddenLayers, source);
}

nlohmann::json QwenConfig::toJson() const {
  nlohmann::json j = {
      {"architectures",
       {isMoe()     ? "Qwen3MoeForCausalLM"
        : isQwen3() ? "Qwen3ForCausalLM"
                    : "Qwen2ForCausalLM"}},
      {"model_type", modelType},
      {"attention_dropout", 0.0},
      {"hidden_act", "silu"},
      {"hidden_size", hiddenSize},
      {"initializer_range", initializerRange},
      {"intermediate_size", intermediateSize},
      {"max_position_embeddings", maxPositionEmbeddings},
      {"max_window_layers", numHiddenLayers},
      {"num_attention_heads", numAttentionHeads},
      {"num_hidden_layers", numHiddenLayers},
      {"num_key_value_heads", numKeyValueHeads},
      {"rms_norm_eps", rmsNormEps},
      {"rope_scaling", ropeScaling.toJson()},
      {"rope_theta", ropeTheta},
      {"sliding_window", nullptr},
      {"tie_word_embeddings", tieWordEmbeddings},
      {"torch_dtype", torchDtype},
      {"transformers_version", "4.51.0"},
      {"use_cache", true},
      {"use_sliding_window", false},
      {"vocab_size", vocabSize},
  };
  if (isQwen3()) j["attention_bias"] = attentionBias;
  if (isQwen3() || headDim * numAttentionHeads != hiddenSize) j["head_dim"] = headDim;
  if (bosTokenId >= 0) j["bos_token_id"] = bosTokenId;
  if (eosTokenId >= 0) j["eos_token_id"] = eosTokenId;
  if (isMoe()) moe.writeTo(j);
  return j;
}

}  // namespace longrl::model
