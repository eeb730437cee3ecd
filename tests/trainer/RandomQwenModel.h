#pragma once
// Random Qwen models and token ids for tests that compare the C++ model with a reference.
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "trainer/model/QwenForCausalLM.h"

namespace longrl::test {

// Random weights large enough that every part (norm weights, biases, rotary) moves the logits.
inline model::QwenForCausalLM randomModel(const model::QwenConfig& c, uint64_t seed) {
  model::QwenForCausalLM m(c);
  torch::NoGradGuard g;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& [name, p] : m->hfParameters()) {
    auto r = at::normal(0.0, 0.3, p.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat32));
    if (name.find("norm.weight") != std::string::npos) r = r + 1.0;
    p.copy_(r);
  }
  return m;
}

inline torch::Tensor randomIds(int64_t B, int64_t T, int64_t vocab, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::randint(vocab, {B, T}, gen, torch::TensorOptions().dtype(torch::kInt64));
}

}  // namespace longrl::test
