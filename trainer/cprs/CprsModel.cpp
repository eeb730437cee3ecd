#include "trainer/cprs/CprsModel.h"

#include <stdexcept>

namespace longrl::cprs {

CprsModelImpl::CprsModelImpl(const model::QwenConfig& qwen, const CprsConfig& cprs) : qwen_(qwen), cprs_(cprs) {
  if (cprs.bidirectionalLayers < 0 || cprs.bidirectionalLayers > qwen.numHiddenLayers)
    throw std::invalid_argument("CprsModel: bidirectional_layers " + std::to_string(cprs.bidirectionalLayers) +
                                " is outside 0.." + std::to_string(qwen.numHiddenLayers));
  model = register_module("model", model::QwenModel(qwen));
  const auto labels = static_cast<int64_t>(cprs.labels.size());
  score = register_module("score", torch::nn::Linear(torch::nn::LinearOptions(qwen.hiddenSize, labels).bias(true)));
  const int64_t firstBidirectional = qwen.numHiddenLayers - cprs.bidirectionalLayers;
  for (int64_t i = firstBidirectional; i < qwen.numHiddenLayers; ++i)
    model->layerList[static_cast<size_t>(i)]->self_attn->setCausal(false);
}

torch::Tensor CprsModelImpl::hidden(const torch::Tensor& ids, const torch::Tensor& mask) {
  return model->forward(ids, torch::Tensor(), nullptr, mask);
}

torch::Tensor CprsModelImpl::forward(const torch::Tensor& ids, const torch::Tensor& mask) {
  return score(hidden(ids, mask));
}

torch::Tensor CprsModelImpl::keepProbabilities(const torch::Tensor& ids, const torch::Tensor& mask) {
  return torch::softmax(forward(ids, mask).to(torch::kFloat32), -1).select(-1, cprs_.keepLabel());
}

void CprsModelImpl::initScore(uint64_t seed) {
  torch::NoGradGuard noGrad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto w = at::normal(0.0, qwen_.initializerRange, score->weight.sizes(), gen,
                            torch::TensorOptions().dtype(torch::kFloat32));
  score->weight.copy_(w);
  score->bias.zero_();
}

std::vector<std::pair<std::string, torch::Tensor>> CprsModelImpl::hfParameters() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : named_parameters(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
  return out;
}

}  // namespace longrl::cprs
