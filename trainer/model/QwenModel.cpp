#include "trainer/model/QwenModel.h"

#include <stdexcept>

#include "trainer/model/CheckpointedLayer.h"
#include "trainer/model/SharedPromptCheckpoint.h"

namespace longrl::model {

QwenModelImpl::QwenModelImpl(const QwenConfig& c)
    : config_(c), rotary_(c.headDim, c.ropeTheta, c.ropeScaling, c.maxPositionEmbeddings) {
  c.validate();
  embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocabSize, c.hiddenSize));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.numHiddenLayers; ++i) {
    layerList.emplace_back(c, i, routerLogits_);
    layers->push_back(layerList.back());
  }
  norm = register_module("norm", RmsNorm(c.hiddenSize, c.rmsNormEps));
}

torch::Tensor QwenModelImpl::forward(const torch::Tensor& ids, const torch::Tensor& positionsIn, KvCache* cache,
                                     const torch::Tensor& maskIn, int64_t ropeLength) {
  if (ids.dim() != 2) throw std::invalid_argument("QwenModel::forward: input_ids must be [B, T]");
  const int64_t B = ids.size(0), T = ids.size(1);
  const auto device = ids.device();
  torch::Tensor mask = maskIn.defined() ? maskIn.to(device).to(torch::kBool) : torch::Tensor();
  if (mask.defined() && (mask.size(0) != B || mask.size(1) != T))
    throw std::invalid_argument("QwenModel::forward: mask must be [B, T] like input_ids");
  torch::Tensor positions;
  if (positionsIn.defined()) {
    positions = positionsIn.to(device).to(torch::kInt64);
    if (positions.dim() == 1) positions = positions.unsqueeze(0).expand({B, T});
  } else if (cache) {
    positions = cache->positionsFor(mask, B, T, device);
  } else {
    positions = KvCache(0).positionsFor(mask, B, T, device);
  }
  // Keys the new queries may attend to: the cached ones (with their padding) then these. A cache
  // without padding (a shared prompt under its responses) needs no mask.
  torch::Tensor fullKeyMask = mask;
  // The new tokens' mask as the cache records it (all real when none was given).
  const auto newMask = !cache ? torch::Tensor()
                       : mask.defined()
                           ? mask
                           : torch::ones({B, T}, torch::TensorOptions().dtype(torch::kBool).device(device));
  if (cache && !cache->empty() && (mask.defined() || cache->hasPadding()))
    fullKeyMask = torch::cat({cache->keyMask().to(device), newMask}, 1);
  routerLogits_->beginForward(mask);
  auto h = embed_tokens(ids);
  auto [cos, sin] = rotary_.cosSin(positions, h.scalar_type(), mask, ropeLength);
  for (auto& layer : layerList)
    h = gradientCheckpointing_ && !cache ? CheckpointedLayer::forward(layer, h, cos, sin, fullKeyMask, routerLogits_)
                                         : layer(h, cos, sin, fullKeyMask, cache);
  if (cache) cache->commit(newMask, positions, !mask.defined());
  return norm(h);
}

std::pair<torch::Tensor, torch::Tensor> QwenModelImpl::forwardSharedPrompt(const torch::Tensor& prompt,
                                                                           const torch::Tensor& responses,
                                                                           int64_t ropeLength) {
  if (prompt.dim() != 2 || prompt.size(0) != 1 || responses.dim() != 2)
    throw std::invalid_argument("QwenModel::forwardSharedPrompt: prompt must be [1, P], responses [n, T]");
  const int64_t P = prompt.size(1), n = responses.size(0), T = responses.size(1);
  const bool checkpoint = gradientCheckpointing_ && torch::GradMode::is_enabled() && !config_.isMoe();
  if (T == 0 && checkpoint) return {forward(prompt, {}, nullptr, {}, ropeLength), torch::Tensor()};
  if (T == 0 || !checkpoint) {
    KvCache cache(config_.numHiddenLayers, P + T);
    auto promptHidden = forward(prompt, {}, &cache, {}, ropeLength);
    if (T == 0) return {promptHidden, torch::Tensor()};
    cache.expand(n);
    return {promptHidden, forward(responses, {}, &cache, {}, ropeLength)};
  }
  const auto i64 = torch::TensorOptions().dtype(torch::kInt64).device(prompt.device());
  auto hp = embed_tokens(prompt), hr = embed_tokens(responses);
  SharedPromptCheckpoint::Rotary rp, rr;
  std::tie(rp.cos, rp.sin) = rotary_.cosSin(torch::arange(P, i64).unsqueeze(0), hp.scalar_type(), {}, ropeLength);
  std::tie(rr.cos, rr.sin) =
      rotary_.cosSin((P + torch::arange(T, i64)).unsqueeze(0).expand({n, T}), hr.scalar_type(), {}, ropeLength);
  for (auto& layer : layerList)
    std::tie(hp, hr) = SharedPromptCheckpoint::forward(layer, config_.numHiddenLayers, hp, hr, rp, rr);
  return {norm(hp), norm(hr)};
}

}  // namespace longrl::model
