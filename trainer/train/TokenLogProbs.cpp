#include "trainer/train/TokenLogProbs.h"

#include <atomic>

#include "kernels/ChunkedLogProbs.h"
#include "kernels/KernelReference.h"
#include "trainer/train/SharedPromptLogProbs.h"

namespace longrl::train {

namespace {
std::atomic<bool> useChunked{true};
std::atomic<bool> useSharedPrompts{true};

// Records router logits for the scope, and drops them (with their graph) however it ends.
class RouterRecording {
 public:
  explicit RouterRecording(model::RouterLogitsRecorder& r) : r_(r) { r_.start(); }
  ~RouterRecording() { r_.stop(); }
  RouterRecording(const RouterRecording&) = delete;
  RouterRecording& operator=(const RouterRecording&) = delete;

 private:
  model::RouterLogitsRecorder& r_;
};

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
                                           double temperature, bool withEntropy, bool withRouterAuxLoss) {
  if (!withRouterAuxLoss || !model->config().isMoe()) return logProbs(model, batch, temperature, withEntropy);
  RouterRecording recording(model->routerLogits());
  auto out = logProbs(model, batch, temperature, withEntropy);
  out.routerAuxLoss = model->routerAuxLoss();
  return out;
}

TokenLogProbsResult TokenLogProbs::logProbs(model::QwenForCausalLM& model, const SequenceBatch& batch,
                                            double temperature, bool withEntropy) {
  if (useSharedPrompts && batch.sharesPrompts())
    return SharedPromptLogProbs::compute(model, batch, temperature, withEntropy);
  const auto hidden = model->forward(batch.ids);  // [B, T, H]
  if (model->routerLogits().recording()) {
    // The right padding went through the routers too; the load-balancing loss leaves it out.
    std::vector<int64_t> lengths;
    for (int64_t b = 0; b < batch.rows(); ++b) lengths.push_back(batch.promptLen[b] + batch.responseLen[b]);
    const auto positions = torch::arange(batch.ids.size(1), batch.ids.options()).unsqueeze(0);
    model->routerLogits().maskLastForward(positions < torch::tensor(lengths, batch.ids.options()).unsqueeze(1));
  }
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
