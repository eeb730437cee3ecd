#pragma once
#include <utility>

#include <torch/torch.h>

#include "trainer/model/KvCache.h"
#include "trainer/model/QwenConfig.h"
#include "trainer/model/QwenDecoderLayer.h"
#include "trainer/model/RotaryEmbedding.h"
#include "trainer/model/RouterLogitsRecorder.h"

namespace longrl::model {

// The decoder stack without the LM head (HF Qwen2Model / Qwen3Model): embed_tokens, layers,
// final norm. Parameter names match HF's under the "model." prefix of QwenForCausalLM.
class QwenModelImpl : public torch::nn::Module {
 public:
  explicit QwenModelImpl(const QwenConfig& config);
  // ids [B, T] int64. positions [B, T] (or [T]) int64, undefined = continue from the cache
  // (0 without one), skipping padding. mask [B, T] bool/int, true = real token, undefined =
  // all real. cache: null, or a KvCache that receives these tokens. ropeLength > 0: the sequence
  // length dynamic rope scaling sees instead of this call's furthest position + 1, so a prompt
  // prefilled in chunks, or run once under its responses, rotates as one forward of that length
  // would (other rope types ignore it). Returns [B, T, hidden].
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& positions = {}, KvCache* cache = nullptr,
                        const torch::Tensor& mask = {}, int64_t ropeLength = 0);

  // A prompt [1, P] and n responses [n, T] that continue it (a GRPO group): the prompt runs once
  // and the responses attend to its keys and values, as forward() through a KvCache expanded to n
  // rows. Returns the final-norm hidden states {[1, P, hidden], [n, T, hidden]} (undefined when
  // T = 0). With gradient
  // checkpointing on and grad mode on, a dense model runs each layer through
  // SharedPromptCheckpoint instead, keeping only the layers' inputs for backward.
  std::pair<torch::Tensor, torch::Tensor> forwardSharedPrompt(const torch::Tensor& prompt,
                                                              const torch::Tensor& responses, int64_t ropeLength);

  torch::nn::Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};
  RmsNorm norm{nullptr};
  std::vector<QwenDecoderLayer> layerList;  // typed views of `layers`
  // The router logits of the sparse layers, while recording (MoE configs; unused otherwise).
  RouterLogitsRecorder& routerLogits() { return *routerLogits_; }
  // On: a training forward (grad mode on, no cache) runs each layer through CheckpointedLayer,
  // which keeps only the layer's input and recomputes the rest in backward, and forwardSharedPrompt
  // through SharedPromptCheckpoint (dense models). A forward with a KvCache (generation) runs the
  // layers as they are.
  void setGradientCheckpointing(bool on) { gradientCheckpointing_ = on; }
  bool gradientCheckpointing() const { return gradientCheckpointing_; }

 private:
  QwenConfig config_;
  bool gradientCheckpointing_ = false;
  RotaryEmbedding rotary_;
  std::shared_ptr<RouterLogitsRecorder> routerLogits_ = std::make_shared<RouterLogitsRecorder>();
};
TORCH_MODULE(QwenModel);

}  // namespace longrl::model
