#pragma once
#include <utility>

#include <torch/torch.h>

#include "trainer/model/QwenDecoderLayer.h"

namespace longrl::model {

// Activation checkpointing of one decoder layer over a prompt and the n responses that continue it
// (a GRPO group in SharedPromptLogProbs): the layer runs the prompt [1, P, hidden] into a KV cache
// of its own, expands it to n rows and runs the responses [n, T, hidden] on top, as
// QwenModel::forward through a KvCache does. The forward keeps only the two inputs; backward runs
// the layer again with grad and back-propagates both outputs' gradients through it, accumulating
// the layer's parameter gradients (.grad), as CheckpointedLayer does for one sequence. Dense layers
// only (a sparse layer's router logits would need the recorder's capture on both parts).
class SharedPromptCheckpoint {
 public:
  struct Rotary {
    torch::Tensor cos, sin;
  };
  // {prompt output, responses output}. Grad mode off, or inputs that require no grad, run the
  // plain layer (no checkpoint node).
  static std::pair<torch::Tensor, torch::Tensor> forward(QwenDecoderLayer& layer, int64_t numLayers,
                                                         const torch::Tensor& prompt, const torch::Tensor& responses,
                                                         const Rotary& promptRotary, const Rotary& responseRotary);
};

}  // namespace longrl::model
