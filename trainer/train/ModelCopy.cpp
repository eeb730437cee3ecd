#include "trainer/train/ModelCopy.h"

namespace longrl::train {

model::QwenForCausalLM ModelCopy::clone(const model::QwenForCausalLM& source) {
  model::QwenForCausalLM copy(source->config());
  const auto first = source->parameters().front();  // a copy: parameters() returns a temporary
  copy->to(first.device(), first.scalar_type());
  torch::NoGradGuard noGrad;
  auto src = source->named_parameters(true);
  for (auto& item : copy->named_parameters(true)) item.value().copy_(src[item.key()]);
  auto srcBuffers = source->named_buffers(true);
  for (auto& item : copy->named_buffers(true))
    if (srcBuffers.contains(item.key())) item.value().copy_(srcBuffers[item.key()]);
  return copy;
}

}  // namespace longrl::train
