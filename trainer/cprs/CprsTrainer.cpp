#include "trainer/cprs/CprsTrainer.h"

#include <algorithm>
#include <cmath>

#include "core/demo/DemoExampleGenerator.h"
#include "trainer/cprs/CprsTrainingData.h"

namespace longrl::cprs {

CprsTrainer::CprsTrainer(CprsModel model, const tokenizer::Tokenizer& tok, const Options& options)
    : model_(std::move(model)), tok_(tok), o_(options) {}

demo::DemoExample CprsTrainer::example(uint64_t seed, int64_t i, int fillers) {
  // One generator per example keeps example i the same whatever else was drawn.
  demo::DemoExampleGenerator gen(seed * 1000003ULL + static_cast<uint64_t>(i));
  const int band = static_cast<int>(i % 4);
  return band == 3 ? gen.generateBeyondWindow(fillers) : gen.generate(band);
}

torch::Tensor CprsTrainer::loss(CprsModel& model, const WindowBatch& batch, double keepWeight) {
  const auto logits = model(batch.ids, batch.mask).to(torch::kFloat32);
  auto weights = torch::ones({logits.size(-1)}, torch::kFloat32);
  weights[model->cprsConfig().keepLabel()] = keepWeight;
  // Labels are 0 (drop) / 1 (keep); map them onto the config's label indices.
  auto target = batch.labels.clone();
  const int64_t keep = model->cprsConfig().keepLabel(), drop = keep == 0 ? 1 : 0;
  target.masked_fill_(batch.labels == 1, keep).masked_fill_(batch.labels == 0, drop);
  return torch::nn::functional::cross_entropy(
      logits.reshape({-1, logits.size(-1)}), target.reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().weight(weights).ignore_index(WindowBatch::kIgnore));
}

double CprsTrainer::lrAt(int64_t step) const {
  if (step <= o_.warmupSteps) return o_.lr * static_cast<double>(step) / static_cast<double>(o_.warmupSteps);
  const double progress =
      static_cast<double>(step - o_.warmupSteps) / static_cast<double>(std::max<int64_t>(1, o_.steps - o_.warmupSteps));
  return o_.lr * 0.5 * (1.0 + std::cos(std::acos(-1.0) * std::min(1.0, progress)));
}

void CprsTrainer::run(const StepCallback& onStep) {
  torch::optim::AdamW opt(model_->parameters(), torch::optim::AdamWOptions(o_.lr).weight_decay(o_.weightDecay));
  model_->train();
  int64_t drawn = 0;
  for (int64_t step = 1; step <= o_.steps; ++step) {
    const double lr = lrAt(step);
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    opt.zero_grad();
    double total = 0.0;
    // Examples one at a time (each a batch of its windows): the loss is their mean.
    for (int64_t e = 0; e < o_.examplesPerStep; ++e) {
      const auto batch =
          CprsTrainingData::windows(tok_, example(o_.seed, drawn++, o_.beyondWindowFillers), o_.windowTokens);
      auto l = loss(model_, batch, o_.keepWeight) / static_cast<double>(o_.examplesPerStep);
      l.backward();
      total += l.item<double>();
    }
    torch::nn::utils::clip_grad_norm_(model_->parameters(), 1.0);
    opt.step();
    if (onStep) onStep(step, total, lr);
  }
  model_->eval();
}

}  // namespace longrl::cprs
