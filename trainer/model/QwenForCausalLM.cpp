#include "trainer/model/QwenForCausalLM.h"

namespace longrl::model {

QwenForCausalLMImpl::QwenForCausalLMImpl(const QwenConfig& c) : config_(c) {
  model = register_module("model", QwenModel(c));
  if (!c.tieWordEmbeddings)
    lm_head =
        register_module("lm_head", torch::nn::Linear(torch::nn::LinearOptions(c.hiddenSize, c.vocabSize).bias(false)));
}

torch::Tensor QwenForCausalLMImpl::forward(const torch::Tensor& ids, const torch::Tensor& positions, KvCache* cache,
                                           const torch::Tensor& mask, int64_t ropeLength) {
  return model(ids, positions, cache, mask, ropeLength);
}

torch::Tensor QwenForCausalLMImpl::lmHeadWeight() const {
  return lm_head.is_empty() ? model->embed_tokens->weight : lm_head->weight;
}

torch::Tensor QwenForCausalLMImpl::lmHead(const torch::Tensor& hidden) {
  return torch::matmul(hidden, lmHeadWeight().t());
}

void QwenForCausalLMImpl::setAttentionFunction(const AttentionFunction& fn) {
  for (auto& layer : model->layerList) layer->self_attn->attention = fn;
}

void QwenForCausalLMImpl::initWeights(uint64_t seed) {
  torch::NoGradGuard noGrad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& [name, p] : hfParameters()) {
    const bool isNorm = name.find("norm.weight") != std::string::npos;
    const bool isBias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    if (isNorm) {
      p.fill_(1.0);
    } else if (isBias) {
      p.zero_();
    } else {
      // Drawn on CPU in float32 so that the values do not depend on the device or dtype.
      auto w = at::normal(0.0, config_.initializerRange, p.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat32));
      p.copy_(w);
    }
  }
}

std::vector<std::pair<std::string, torch::Tensor>> QwenForCausalLMImpl::hfParameters() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : named_parameters(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
  return out;
}

int64_t QwenForCausalLMImpl::parameterCount() const {
  int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

int64_t QwenForCausalLMImpl::activeParameterCount() const {
  int64_t n = parameterCount();
  if (!config_.isMoe()) return n;
  for (const auto& layer : model->layerList) {
    if (layer->moe.is_empty()) continue;
    const auto& experts = layer->moe->expertList;
    int64_t perExpert = 0;
    for (const auto& p : experts.front()->parameters()) perExpert += p.numel();
    n -= perExpert * (static_cast<int64_t>(experts.size()) - config_.moe.numExpertsPerTok);
  }
  return n;
}

torch::Tensor QwenForCausalLMImpl::routerAuxLoss() {
  if (!config_.isMoe()) return {};
  return routerLogits().auxLoss(config_.moe.numExperts, config_.moe.numExpertsPerTok);
}

}  // namespace longrl::model
