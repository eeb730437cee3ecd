#pragma once
#include <string>

#include "core/cli/Command.h"
#include "trainer/model/QwenConfig.h"

namespace longrl::cli {

// `longrl init-model --preset tiny|small OUT_DIR [--seed N] [--vocab-size N] [--dtype D] [--threads N]
//  [--tokenizer-corpus TEXT_FILE]`: writes a randomly initialised Qwen3-architecture model in HF
// layout (config.json, model.safetensors, generation_config.json) with a byte-level BPE
// tokenizer (tokenizer.json, tokenizer_config.json) trained on the corpus, if one is given.
//   tiny:  2 layers, hidden 64, 4 heads / 2 kv heads (head_dim 16), MLP 192, vocab 512
//   small: 4 layers, hidden 256, 8 heads / 4 kv heads (head_dim 32), MLP 768, vocab 8192
//   qwen3-moe-tiny: tiny's attention, 3 layers, 8 experts of 96 (top-2, renormalised), layer 1
//                   dense (MLP 192)
// All tie the LM head to the embeddings.
Command initModelCommand();

// The architecture of a preset ("tiny" | "demo" | "small" | "qwen3-moe-tiny"); throws UsageError for another name.
model::QwenConfig initModelPreset(const std::string& preset);

}  // namespace longrl::cli
