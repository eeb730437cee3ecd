#pragma once
#include <memory>

#include <torch/torch.h>

#include "trainer/model/LayerGather.h"
#include "trainer/model/QwenDecoderLayer.h"
#include "trainer/model/RouterLogitsRecorder.h"

namespace longrl::model {

// Activation checkpointing of one decoder layer (PyTorch's reentrant torch.utils.checkpoint, which
// LibTorch's C++ API lacks). The forward runs the layer without grad and keeps only its input x;
// backward runs it again with grad on a detached copy of x and back-propagates the incoming
// gradient through that recomputation, which accumulates the layer's parameter gradients (.grad)
// and yields x's. Memory: one [B, T, hidden] tensor per layer instead of all its activations, plus
// one layer's activations during backward; compute: one more forward of the layer.
//
// A sparse (MoE) layer's router logits are an output of the checkpoint node too: they go to the
// recorder (the load-balancing loss), and that loss's gradient reaches the router and the layers
// below through the recomputation, as without checkpointing.
//
// A layer with a LayerGather (sharded parameters) is gathered around both runs, and its gradients
// are reduced to the ranks' shards right after the recomputation's backward.
//
// Only for backward(): torch::autograd::grad (or backward with `inputs`) does not run the
// recomputation's parameter gradients through to its result, so backward then throws.
class CheckpointedLayer {
 public:
  // layer(x, cos, sin, fullKeyMask, no cache), checkpointed. cos, sin and the mask are kept as they
  // are and get no gradient. Grad mode off, or an x that requires no grad (nothing upstream to
  // differentiate: e.g. frozen embeddings, where the layer's own parameters would be cut off from
  // the loss), runs the plain call. `recorder` may be null (a dense model).
  static torch::Tensor forward(QwenDecoderLayer& layer, const torch::Tensor& x, const torch::Tensor& cos,
                               const torch::Tensor& sin, const torch::Tensor& fullKeyMask,
                               const std::shared_ptr<RouterLogitsRecorder>& recorder);
  // Registers (or, with null, removes) the gather of `layer`'s sharded parameters.
  static void setGather(const QwenDecoderLayerImpl& layer, std::shared_ptr<LayerGather> gather);
};

}  // namespace longrl::model
