#include "trainer/train/TokenLogProbs.h"

#include <atomic>

#include "kernels/ChunkedLogProbs.h"
#include "kernels/KernelReference.h"
#include "trainer/train/SharedPromptLogProbs.h"

namespace longrl::train {

namespace {
std::atomic<bool> useChunked{true};
std::atomic<bool> useSharedPrompts{true};
}  // namespace

void TokenLogProbs::setChunked(bool on) { useChunked = on; }
bool TokenLogProbs::chunked() { return useChunked; }
void TokenLogProbs::setSharedPrompts(bool on) { useSharedPrompts = on; }
bool TokenLogProbs::sharedPrompts() { return useSharedPrompts; }

TokenLogProbsResult TokenLogProbs::fromHidden(const torch::Tensor& hidden, const torch::Tensor& lmHeadWeight,
                                              const torch::Tensor& targets, double temperature, bool withEntropy) {
  if (!useChunked) {
    auto [lp, ent] = kernels::KernelReference::logProbsAndEntropy(hidden, lmHeadWeight, targets, temperature);
    return {lp, withEntropy ? ent : torch::Tensor()};
  }
  kernels::ChunkedLogProbs::Options o;
  o.temperature = temperature;
  o.computeEntropy = withEntropy;
  auto r = kernels::ChunkedLogProbs::compute(hidden, lmHeadWeight, targets, o);
  return {r.logprobs, r.entropy};
}

TokenLogProbsResult TokenLogProbs::compute(model::QwenForCausalLM& model, const SequenceBatch& batch,
                                           double temperature, bool withEntropy) {
  if (useSharedPrompts && batch.sharesPrompts())
    return SharedPromptLogProbs::compute(model, batch, temperature, withEntropy);
  const auto hidden = model->forward(batch.ids);  // [B, T, H]
  const auto flat = hidden.reshape({-1, hidden.size(-1)}).index_select(0, batch.sourceIndex);
  return forTargets(flat, model->lmHeadWeight(), batch, temperature, withEntropy);
}

TokenLogProbsResult TokenLogProbs::forTargets(const torch::Tensor& rows, const torch::Tensor& lmHeadWeight,
                                              const SequenceBatch& batch, double temperature, bool withEntropy) {
  auto r = fromHidden(rows, lmHeadWeight, batch.targets, temperature, withEntropy);
  TokenLogProbsResult out;
  out.logProbs = batch.unflatten(r.logProbs.to(torch::kFloat32));
  if (withEntropy) out.entropy = batch.unflatten(r.entropy.to(torch::kFloat32));
  return out;
}

}  // namespace longrl::train
