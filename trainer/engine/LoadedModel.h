#pragma once
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "trainer/engine/GenerationEngine.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/tokenizer/Tokenizer.h"

namespace longrl::engine {

// A model directory ready to generate from: weights (eval mode), tokenizer, the ids that end a
// completion, and the recipe's sampling defaults from generation_config.json.
struct LoadedModel {
  model::QwenForCausalLM model{nullptr};
  tokenizer::Tokenizer tokenizer;
  // generation_config.json eos_token_id (int or list), config.json's, the tokenizer's eos
  // token -- deduplicated. Qwen's <|im_end|> is among them for chat models.
  std::vector<int> eosTokenIds;
  double defaultTemperature = 1.0;  // generation_config.json (1.0 when absent)
  double defaultTopP = 1.0;
  int64_t defaultTopK = 0;

  // Throws (ModelConfigError, SafetensorsError, TokenizerError) naming the file at fault.
  static LoadedModel load(const std::string& dir, torch::Device device = torch::kCPU);
  // EngineOptions with this model's eos ids, tokenizer decode and pad id.
  EngineOptions engineOptions() const;
  // The most tokens the model reads, prompt and generation together: config.json's
  // max_position_embeddings, stretched by its rope_scaling. serve, eval and generate refuse past it.
  int64_t contextLength() const;
};

}  // namespace longrl::engine
