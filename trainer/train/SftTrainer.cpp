#include "trainer/train/SftTrainer.h"

#include <chrono>
#include <cmath>

#include "core/curriculum/BatchSampler.h"
#include "trainer/train/FullShardLockstep.h"
#include "trainer/train/TokenLogProbs.h"

namespace longrl::train {

std::vector<SftExample> SftTrainer::build(const std::vector<dataset::DatasetRecord>& records,
                                          const tokenizer::Tokenizer& tokenizer, int64_t maxLen, size_t* dropped) {
  std::vector<SftExample> out;
  size_t drop = 0;
  for (const auto& r : records) {
    if (auto t = tokenizer::SftTokens::of(r, tokenizer, maxLen)) out.push_back(std::move(*t));
    else ++drop;
  }
  if (dropped) *dropped = drop;
  return out;
}

torch::Tensor SftTrainer::nllSumFromHidden(const torch::Tensor& hidden, const torch::Tensor& lmHeadWeight,
                                           const SequenceBatch& batch) {
  const auto flat = hidden.reshape({-1, hidden.size(-1)}).index_select(0, batch.sourceIndex);
  const auto r = TokenLogProbs::fromHidden(flat, lmHeadWeight, batch.targets, 1.0, false);
  return -r.logProbs.to(torch::kFloat32).sum();
}

SftTrainer::SftTrainer(model::QwenForCausalLM model, const config::SftConfig& config, uint64_t seed,
                       int64_t microBatchTokens, Collective* collective, MasterWeights* master)
    : model_(std::move(model)), config_(config), seed_(seed), microBatchTokens_(microBatchTokens),
      collective_(collective ? collective : &local_),
      ownMaster_(master ? nullptr : MasterWeights::passThroughOf(*model_, *collective_)),
      master_(master ? master : ownMaster_.get()) {}

int64_t SftTrainer::totalSteps(size_t exampleCount) const {
  if (config_.steps > 0) return config_.steps;
  const double perEpoch =
      std::ceil(static_cast<double>(exampleCount) / static_cast<double>(std::max<int64_t>(1, config_.batchSize)));
  return std::max<int64_t>(1, static_cast<int64_t>(perEpoch * static_cast<double>(config_.epochs)));
}

double SftTrainer::lrAt(int64_t step, int64_t total) const {
  const auto warm = static_cast<int64_t>(std::ceil(config_.warmupRatio * static_cast<double>(total)));
  if (step <= warm) return config_.lr * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warm));
  const double progress =
      static_cast<double>(step - warm - 1) / static_cast<double>(std::max<int64_t>(1, total - warm));
  return config_.lr * 0.5 * (1.0 + std::cos(M_PI * progress));
}

int64_t SftTrainer::run(const std::vector<SftExample>& examples, int padId, const StepCallback& onStep) {
  if (examples.empty()) return 0;
  const int64_t total = totalSteps(examples.size());
  curriculum::BatchSampler sampler(std::vector<std::string>(examples.size(), "sft"), false, seed_);
  torch::optim::AdamW opt(master_->parameters(),
                          torch::optim::AdamWOptions(config_.lr).weight_decay(config_.weightDecay));
  const auto device = model_->parameters().front().device();
  const auto batchSize = static_cast<size_t>(std::max<int64_t>(1, config_.batchSize));
  const auto perMicro =
      std::max<size_t>(1, batchSize / static_cast<size_t>(std::max<int64_t>(1, config_.gradAccumulation)));
  model_->train();
  for (int64_t step = 1; step <= total; ++step) {
    const auto t0 = std::chrono::steady_clock::now();
    const double lr = lrAt(step, total);
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    const auto drawn = sampler.nextBatch(batchSize);
    // The whole batch's token count (every rank draws the same batch): the loss is token-mean
    // over the batch however it is split into ranks and micro-batches.
    double tokens = 0;
    for (size_t i : drawn) tokens += static_cast<double>(examples[i].targetIds.size());
    const auto ranks = static_cast<size_t>(collective_->worldSize());
    std::vector<size_t> rows;
    for (size_t k = 0; k < drawn.size(); ++k)
      if (k % ranks == static_cast<size_t>(collective_->rank())) rows.push_back(drawn[k]);
    opt.zero_grad();
    model_->zero_grad();
    double lossSum = 0;
    int64_t micros = 0;
    // Micro-batches: gradAccumulation slices, each further cut to the token budget.
    for (size_t start = 0; start < rows.size(); start += perMicro) {
      std::vector<const std::vector<int>*> p, r;
      int64_t longest = 0;
      auto flush = [&] {
        if (p.empty()) return;
        const auto batch = SequenceBatch::build(p, r, padId, device);
        const auto nll = nllSumFromHidden(model_->forward(batch.ids), model_->lmHeadWeight(), batch);
        (nll / tokens).backward();
        lossSum += nll.item<double>();
        ++micros;
        p.clear();
        r.clear();
        longest = 0;
      };
      for (size_t k = start; k < std::min(rows.size(), start + perMicro); ++k) {
        const auto& e = examples[rows[k]];
        const auto len = static_cast<int64_t>(e.promptIds.size() + e.targetIds.size());
        if (!p.empty() && std::max(longest, len) * static_cast<int64_t>(p.size() + 1) > microBatchTokens_) flush();
        p.push_back(&e.promptIds);
        r.push_back(&e.targetIds);
        longest = std::max(longest, len);
      }
      flush();
    }
    FullShardLockstep::runIdle(model_, FullShardLockstep::idleCount(*master_, *collective_, micros));
    if (ranks > 1) lossSum = collective_->sum(lossSum);
    const double gradNorm = master_->step(opt, config_.gradClip);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (onStep)
      onStep(step, {{"sft/loss", lossSum / tokens},
                    {"sft/lr", lr},
                    {"sft/grad_norm", gradNorm},
                    {"sft/tokens_per_s", secs > 0 ? tokens / secs : 0.0},
                    {"sft/epoch", static_cast<double>(sampler.epoch())}});
  }
  return total;
}

}  // namespace longrl::train
