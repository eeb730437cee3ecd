#pragma once
#include "core/plan/ModelShape.h"
#include "core/plan/UpdateShape.h"

namespace longrl::plan {

// What one phase adds on a rank to the weights, gradients and optimizer state, at its largest:
// the update's activations and LM-head buffers, or the rollouts' KV cache. Generation and the
// update take turns within a GRPO step (GrpoTrainer generates the batch, then updates), so a plan
// takes the larger of the two.
struct PhaseBytes {
  struct Settings {
    double dtypeBytes = 2;        // model.dtype: 2 (bfloat16, float16) or 4 (float32)
    bool eagerAttention = false;  // the training forward keeps [T, S] scores (eager, or auto on CUDA)
    bool gradientCheckpointing = false;
    bool memoryAgent = false;  // a phase in mode "memory": a generate call holds the n trajectories' prompts
  };
  double activations = 0;        // what autograd keeps for the backward of the largest micro-batch
  double logits = 0;             // the chunked log-prob kernel's buffers in that backward
  double generationKvCache = 0;  // the engine's KV cache for one prompt's group of samples
  double generationPrefill = 0;  // attention scores of a prefill slice (eager attention only)

  double update() const { return activations + logits; }
  double generation() const { return generationKvCache + generationPrefill; }

  static PhaseBytes estimate(const ModelShape& model, const UpdateShape& shape, const Settings& settings);

  // Bytes autograd keeps per position of one decoder layer, score matrices aside.
  static double layerBytesPerToken(const ModelShape& model, bool sparseMlp, const Settings& settings);
  // Everything one decoder layer keeps for the micro-batch `shape`.
  static double layerBytes(const ModelShape& model, bool sparseMlp, const UpdateShape& shape, const Settings& settings);
};

}  // namespace longrl::plan
