#pragma once
#include <optional>
#include <string>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "trainer/model/QwenForCausalLM.h"

namespace longrl::model {

// Loads and saves a model directory in HF transformers' layout: config.json,
// model.safetensors (or shards + model.safetensors.index.json), generation_config.json.
class QwenPretrained {
 public:
  // `dtype` overrides config.json's torch_dtype. Throws ModelConfigError / SafetensorsError
  // naming the file and tensor for a missing, mis-shaped or unconvertible weight, and
  // ModelConfigError naming config.json's fields when the model would not fit in memory.
  static QwenForCausalLM load(const std::string& dir, std::optional<torch::Dtype> dtype = std::nullopt,
                              torch::Device device = torch::kCPU);
  // Writes config.json (torch_dtype set from the weights), the weights (sharded when above
  // maxShardBytes; 0 = one file) and generation_config.json (`generationConfig`, or defaults
  // from the recipe when null).
  static void save(QwenForCausalLM& model, const std::string& dir, uint64_t maxShardBytes = 0,
                   const nlohmann::json& generationConfig = nullptr);

  static torch::Dtype dtypeFromName(const std::string& name);  // "float32" | "bfloat16" | "float16"
  static std::string dtypeName(torch::Dtype dtype);
};

}  // namespace longrl::model
