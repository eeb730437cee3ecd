#pragma once
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "core/cprs/CprsConfig.h"
#include "trainer/model/QwenConfig.h"
#include "trainer/model/QwenModel.h"

namespace longrl::cprs {

// The QwenLong-CPRS compressor: a Qwen decoder whose lower layers stay causal and whose top
// `bidirectional_layers` attend both ways (every token sees the whole window, the query before
// it and the text after it), with the LM head replaced by a per-token critic `score`
// (hidden -> labels logits, HF's Qwen*ForTokenClassification head). Parameter names: "model.*"
// as in QwenForCausalLM, "score.weight", "score.bias".
class CprsModelImpl : public torch::nn::Module {
 public:
  CprsModelImpl(const model::QwenConfig& qwen, const CprsConfig& cprs);

  // ids [B, T] int64; mask [B, T] (true = real token, undefined = all real). Returns the critic's
  // logits [B, T, labels].
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask = {});
  // The decoder's final-norm hidden states [B, T, hidden].
  torch::Tensor hidden(const torch::Tensor& ids, const torch::Tensor& mask = {});
  // softmax(logits)[..., keep]: each token's relevance in [0, 1], [B, T].
  torch::Tensor keepProbabilities(const torch::Tensor& ids, const torch::Tensor& mask = {});

  // The critic's fresh weights: normal(0, initializer_range), zero bias (seeded).
  void initScore(uint64_t seed);
  std::vector<std::pair<std::string, torch::Tensor>> hfParameters() const;
  const model::QwenConfig& qwenConfig() const { return qwen_; }
  const CprsConfig& cprsConfig() const { return cprs_; }

  model::QwenModel model{nullptr};
  torch::nn::Linear score{nullptr};

 private:
  model::QwenConfig qwen_;
  CprsConfig cprs_;
};
TORCH_MODULE(CprsModel);

}  // namespace longrl::cprs
