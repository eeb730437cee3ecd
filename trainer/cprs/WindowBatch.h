#pragma once
#include <vector>

#include <torch/torch.h>

#include "core/cprs/WindowPlan.h"

namespace longrl::cprs {

// Windows of one document as one right-padded batch: row w is the prefix (instruction and query)
// then the document tokens of windows[w]. Labels (when given per document token) are -100 on the
// prefix and the padding, so a loss reads only the window's own tokens.
struct WindowBatch {
  torch::Tensor ids;     // [W, T] int64
  torch::Tensor mask;    // [W, T] bool
  torch::Tensor labels;  // [W, T] int64, or undefined
  int64_t prefixLength = 0;

  static constexpr int64_t kIgnore = -100;
  static WindowBatch make(const std::vector<int>& prefix, const std::vector<int>& document,
                          const std::vector<WindowPlan::Window>& windows, const std::vector<int>& labels = {});
  // The keep scores of each window's document tokens, from [W, T] probabilities.
  std::vector<std::vector<double>> windowScores(const torch::Tensor& keep,
                                                const std::vector<WindowPlan::Window>& windows) const;
};

}  // namespace longrl::cprs
