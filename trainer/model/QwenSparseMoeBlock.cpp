#include "trainer/model/QwenSparseMoeBlock.h"

namespace longrl::model {

QwenSparseMoeBlockImpl::QwenSparseMoeBlockImpl(const QwenConfig& c, std::shared_ptr<RouterLogitsRecorder> recorder)
    : topK_(c.moe.numExpertsPerTok), normTopkProb_(c.moe.normTopkProb), recorder_(std::move(recorder)) {
  gate =
      register_module("gate", torch::nn::Linear(torch::nn::LinearOptions(c.hiddenSize, c.moe.numExperts).bias(false)));
  experts = register_module("experts", torch::nn::ModuleList());
  for (int64_t e = 0; e < c.moe.numExperts; ++e) {
    expertList.emplace_back(c.hiddenSize, c.moe.moeIntermediateSize);
    experts->push_back(expertList.back());
  }
}

torch::Tensor QwenSparseMoeBlockImpl::forward(const torch::Tensor& x) {
  const int64_t hidden = x.size(-1);
  const auto flat = x.reshape({-1, hidden});  // [N, H]
  const int64_t n = flat.size(0);
  if (n == 0) return torch::zeros_like(x);
  const auto logits = gate(flat);  // [N, E]
  if (recorder_) recorder_->add(logits);
  auto [weights, selected] = torch::softmax(logits, -1, torch::kFloat32).topk(topK_, -1);  // [N, k]
  if (normTopkProb_) weights = weights / weights.sum(-1, true);
  weights = weights.to(x.scalar_type());
  // The N * k (token, expert) picks sorted by expert: expert e's tokens are one contiguous run.
  const auto expertOfPick = selected.reshape({-1});
  const auto order = std::get<1>(expertOfPick.sort(/*stable=*/c10::optional<bool>(true), /*dim=*/0));
  const auto tokenOfPick = torch::arange(n, selected.options()).repeat_interleave(topK_).index_select(0, order);
  const auto weightOfPick = weights.reshape({-1}).index_select(0, order).unsqueeze(1);
  const auto counts = torch::bincount(expertOfPick, {}, static_cast<int64_t>(expertList.size())).cpu();
  const auto inputs = flat.index_select(0, tokenOfPick);  // [N * k, H]
  std::vector<torch::Tensor> outputs;
  int64_t start = 0;
  const auto* count = counts.data_ptr<int64_t>();
  for (size_t e = 0; e < expertList.size(); ++e) {
    if (count[e] == 0) continue;
    outputs.push_back(expertList[e]->forward(inputs.narrow(0, start, count[e])));
    start += count[e];
  }
  const auto picked = torch::cat(outputs, 0) * weightOfPick;  // [N * k, H]
  return torch::zeros_like(flat).index_add(0, tokenOfPick, picked).reshape(x.sizes());
}

}  // namespace longrl::model
