#pragma once
#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace longrl::train {

// Prompt + response sequences right-padded into one [B, T] batch. Right padding keeps every
// sequence at positions 0.. (no position ids needed) and, with causal attention, real tokens never
// see the padding, so the model runs without a mask. Response token j of row b is predicted by
// the hidden state at position promptLen[b] + j - 1.
struct SequenceBatch {
  torch::Tensor ids;           // [B, T] int64
  torch::Tensor responseMask;  // [B, R] float, 1 for real response tokens (R = longest response)
  std::vector<int64_t> promptLen, responseLen;
  torch::Tensor sourceIndex;  // [N] int64: flat index b * T + p of the hidden state predicting each response token
  torch::Tensor targets;      // [N] int64: the response tokens, in the same order
  torch::Tensor destIndex;    // [N] int64: flat index b * R + j in [B, R]
  // Rows that share one prompt (the same prompt vector: a GRPO group), in order of first row.
  std::vector<std::vector<int64_t>> promptGroups;

  int64_t rows() const { return static_cast<int64_t>(promptLen.size()); }
  int64_t responseTokens() const { return targets.defined() ? targets.size(0) : 0; }
  bool sharesPrompts() const { return promptGroups.size() < promptLen.size(); }

  // Each response needs at least one token; padId fills the tail of short rows.
  static SequenceBatch build(const std::vector<const std::vector<int>*>& prompts,
                             const std::vector<const std::vector<int>*>& responses, int padId,
                             torch::Device device = torch::kCPU);
  // Flat [N] values back into a [B, R] matrix (zeros where the mask is 0); differentiable.
  torch::Tensor unflatten(const torch::Tensor& flat) const;
};

}  // namespace longrl::train
