#include "trainer/model/QwenDecoderLayer.h"

namespace longrl::model {

QwenDecoderLayerImpl::QwenDecoderLayerImpl(const QwenConfig& c, int64_t layerIndex,
                                           std::shared_ptr<RouterLogitsRecorder> recorder) {
  self_attn = register_module("self_attn", QwenAttention(c, layerIndex));
  if (c.isSparseLayer(layerIndex)) moe = register_module("mlp", QwenSparseMoeBlock(c, std::move(recorder)));
  else mlp = register_module("mlp", QwenMlp(c));
  input_layernorm = register_module("input_layernorm", RmsNorm(c.hiddenSize, c.rmsNormEps));
  post_attention_layernorm = register_module("post_attention_layernorm", RmsNorm(c.hiddenSize, c.rmsNormEps));
}

torch::Tensor QwenDecoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                            const torch::Tensor& fullKeyMask, KvCache* cache) {
  auto h = x + self_attn(input_layernorm(x), cos, sin, fullKeyMask, cache);
  const auto normed = post_attention_layernorm(h);
  return h + (moe.is_empty() ? mlp(normed) : moe(normed));
}

}  // namespace longrl::model
