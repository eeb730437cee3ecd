#pragma once
#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace longrl::model {

// Collects the router logits of every sparse MoE layer while recording is on, for the
// load-balancing loss of HF's Qwen3-MoE (load_balancing_loss_func, Switch Transformer eq. 4-6).
// Off by default, so generation and no-grad passes keep nothing. One recorder per model, shared
// by its MoE blocks; a forward announces its token mask, each sparse layer then adds its logits.
class RouterLogitsRecorder {
 public:
  // Clears what was recorded and records from now on.
  void start();
  // Stops recording and drops the records (and the autograd graph they hold).
  void stop();
  bool recording() const { return recording_; }

  // Called by the model at the start of a forward over [B, T] tokens: mask [B, T] (true = real
  // token) or undefined (all real).
  void beginForward(const torch::Tensor& tokenMask);
  // Replaces the last forward's token mask, for callers that know padding the forward was not
  // told about (right padding without a mask).
  void maskLastForward(const torch::Tensor& tokenMask);
  // Called by a sparse layer: logits [B * T, numExperts] of the current forward's tokens.
  void add(const torch::Tensor& logits);

  // While a capture is open, add() hands its logits to the capture instead, recording or not: a
  // checkpointed layer (CheckpointedLayer) returns them as an output of its own autograd node, and
  // its recompute in backward must not record them a second time. At most one add() per capture.
  void beginCapture();
  // Closes the capture and returns what add() gave it (undefined: nothing, e.g. a dense layer).
  torch::Tensor endCapture();

  int64_t layerRecords() const { return static_cast<int64_t>(records_.size()); }
  // HF's load-balancing loss over every real token of every recorded layer and forward:
  // numExperts * sum_e f_e * P_e, with f_e the fraction of top-k picks (per rank k) that went to
  // expert e and P_e the mean softmax probability of e. Computed in float32; differentiable
  // through P. Undefined when nothing was recorded.
  torch::Tensor auxLoss(int64_t numExperts, int64_t topK) const;

  // The same loss for given [N, E] logits (all tokens real): the formula alone, for tests.
  static torch::Tensor loadBalancingLoss(const torch::Tensor& logits, int64_t numExperts, int64_t topK);

 private:
  struct Record {
    torch::Tensor logits;
    size_t forward;
  };
  bool recording_ = false;
  bool capturing_ = false;
  torch::Tensor captured_;
  std::vector<Record> records_;
  std::vector<torch::Tensor> masks_;  // per forward, flattened [B * T] bool or undefined
};

}  // namespace longrl::model
