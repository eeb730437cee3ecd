#pragma once
#include <torch/torch.h>

#include "trainer/model/AttentionFunction.h"
#include "trainer/model/QwenModel.h"

namespace longrl::model {

// A Qwen2/Qwen3 causal LM: the decoder (`model.*`) and an LM head, tied to the embeddings or
// its own `lm_head.weight`. forward() returns hidden states; lmHead() turns (a chunk of) them
// into logits, so a chunked log-prob kernel never needs the full [B, T, vocab] tensor.
class QwenForCausalLMImpl : public torch::nn::Module {
 public:
  explicit QwenForCausalLMImpl(const QwenConfig& config);

  // See QwenModelImpl::forward. Returns the final-norm hidden states [B, T, hidden].
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& positions = {}, KvCache* cache = nullptr,
                        const torch::Tensor& mask = {}, int64_t ropeLength = 0);
  // See QwenModelImpl::forwardSharedPrompt.
  std::pair<torch::Tensor, torch::Tensor> forwardSharedPrompt(const torch::Tensor& prompt,
                                                              const torch::Tensor& responses, int64_t ropeLength) {
    return model->forwardSharedPrompt(prompt, responses, ropeLength);
  }
  // [..., hidden] -> [..., vocab] logits.
  torch::Tensor lmHead(const torch::Tensor& hidden);
  // [vocab, hidden]: the embedding matrix when tied.
  torch::Tensor lmHeadWeight() const;

  const QwenConfig& config() const { return config_; }
  // A KvCache sized for this model.
  KvCache makeCache(int64_t reserveTokens = 0) const { return KvCache(config_.numHiddenLayers, reserveTokens); }
  // Replaces the attention math in every layer (kernels/ block attention).
  void setAttentionFunction(const AttentionFunction& fn);
  // Activation checkpointing of the decoder layers in training forwards (QwenModelImpl).
  void setGradientCheckpointing(bool on) { model->setGradientCheckpointing(on); }
  bool gradientCheckpointing() const { return model->gradientCheckpointing(); }
  // HF's _init_weights: normal(0, initializer_range) for linear and embedding weights, zero
  // biases, ones for norms. Deterministic for a given seed.
  void initWeights(uint64_t seed);
  // Parameters in HF's naming (no lm_head.weight when tied).
  std::vector<std::pair<std::string, torch::Tensor>> hfParameters() const;
  int64_t parameterCount() const;
  // MoE: the parameters one token uses (router, top-k experts, dense parts). Dense: parameterCount().
  int64_t activeParameterCount() const;
  // MoE: records the router logits of the following forwards (see RouterLogitsRecorder).
  RouterLogitsRecorder& routerLogits() { return model->routerLogits(); }
  // HF's load-balancing loss over what routerLogits() recorded; undefined for a dense model or
  // when nothing was recorded.
  torch::Tensor routerAuxLoss();

  QwenModel model{nullptr};
  torch::nn::Linear lm_head{nullptr};  // null when tied

 private:
  QwenConfig config_;
};
TORCH_MODULE(QwenForCausalLM);

}  // namespace longrl::model
