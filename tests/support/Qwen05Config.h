#pragma once
#include <nlohmann/json.hpp>

namespace longrl::test {

// Qwen2.5-0.5B-Instruct's config.json, the fields a memory plan and a parameter count read
// (494,032,768 parameters): the real-size shape tests plan for without its weights.
inline nlohmann::json qwen05Config() {
  return {{"model_type", "qwen2"},    {"hidden_size", 896},          {"intermediate_size", 4864},
          {"num_hidden_layers", 24},  {"num_attention_heads", 14},   {"num_key_value_heads", 2},
          {"vocab_size", 151936},     {"tie_word_embeddings", true}, {"max_position_embeddings", 32768},
          {"torch_dtype", "bfloat16"}};
}

}  // namespace longrl::test
