#pragma once
#include <memory>

#include <torch/torch.h>

#include "trainer/model/QwenConfig.h"
#include "trainer/model/QwenMlp.h"
#include "trainer/model/RouterLogitsRecorder.h"

namespace longrl::model {

// HF's Qwen3MoeSparseMoeBlock: a linear router (`gate`, hidden -> num_experts, no bias) picks
// the top num_experts_per_tok experts of each token from its float32 softmax (renormalised to sum
// to 1 when norm_topk_prob); the output is the routing-weighted sum of those experts, SwiGLU MLPs
// of moe_intermediate_size (`experts.E`). Tokens are grouped per expert (one gather, one
// scatter-add), so each expert runs once on just its tokens.
class QwenSparseMoeBlockImpl : public torch::nn::Module {
 public:
  // `recorder` (may be null) receives the router logits while it records.
  QwenSparseMoeBlockImpl(const QwenConfig& config, std::shared_ptr<RouterLogitsRecorder> recorder);
  // [..., hidden] -> [..., hidden].
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Linear gate{nullptr};
  torch::nn::ModuleList experts{nullptr};
  std::vector<QwenMlp> expertList;  // typed views of `experts`

 private:
  int64_t topK_;
  bool normTopkProb_;
  std::shared_ptr<RouterLogitsRecorder> recorder_;
};
TORCH_MODULE(QwenSparseMoeBlock);

}  // namespace longrl::model
