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

// Qwen2-shaped: q/k/v biases, grouped-query attention (4 query heads on 2 kv heads), untied head.
inline model::QwenConfig smallQwen2Config(int64_t layers = 2) {
  model::QwenConfig c;
  c.modelType = "qwen2";
  c.hiddenSize = 32;
  c.numAttentionHeads = 4;
  c.numKeyValueHeads = 2;
  c.headDim = 8;
  c.intermediateSize = 48;
  c.numHiddenLayers = layers;
  c.vocabSize = 50;
  c.tieWordEmbeddings = false;
  c.attentionBias = true;
  c.ropeTheta = 10000.0;
  c.rmsNormEps = 1e-6;
  return c;
}

// Three layers, layer 1 dense (mlp_only_layers), top-2 of 6 renormalised, tied head; the
// load-balancing loss is added to the training loss (output_router_logits).
inline model::QwenConfig smallMoeConfig() {
  model::QwenConfig c;
  c.modelType = "qwen3_moe";
  c.hiddenSize = 48;
  c.numAttentionHeads = 4;
  c.numKeyValueHeads = 2;
  c.headDim = 16;
  c.intermediateSize = 40;
  c.numHiddenLayers = 3;
  c.vocabSize = 61;
  c.tieWordEmbeddings = true;
  c.moe.numExperts = 6;
  c.moe.numExpertsPerTok = 2;
  c.moe.moeIntermediateSize = 24;
  c.moe.normTopkProb = true;
  c.moe.decoderSparseStep = 1;
  c.moe.mlpOnlyLayers = {1};
  c.moe.routerAuxLossCoef = 0.05;
  c.moe.outputRouterLogits = true;
  return c;
}

inline torch::Tensor randomIds(int64_t B, int64_t T, int64_t vocab, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::randint(vocab, {B, T}, gen, torch::TensorOptions().dtype(torch::kInt64));
}

}  // namespace longrl::test
