#include "trainer/engine/TokenSampler.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace longrl::engine {

TokenSampler::TokenSampler(const SamplingParams& params)
    : params_(params), generator_(at::make_generator<at::CPUGeneratorImpl>(params.seed)) {
  if (!(params.topP > 0.0 && params.topP <= 1.0))
    throw std::invalid_argument("top_p must be in (0, 1], got " + std::to_string(params.topP));
  if (params.topK < 0) throw std::invalid_argument("top_k must be >= 0, got " + std::to_string(params.topK));
}

torch::Tensor TokenSampler::filteredLogits(const torch::Tensor& logits) const {
  const double t = params_.temperature > 0.0 ? params_.temperature : 1.0;
  auto scaled = logits.to(torch::kCPU, torch::kFloat32) / t;
  const auto ninf = -std::numeric_limits<float>::infinity();
  const int64_t vocab = scaled.size(-1);
  if (params_.topK > 0 && params_.topK < vocab) {
    auto kth = std::get<0>(scaled.topk(params_.topK, -1)).select(-1, params_.topK - 1).unsqueeze(-1);
    scaled = scaled.masked_fill(scaled < kth, ninf);
  }
  if (params_.topP < 1.0) {
    auto [sorted, order] = scaled.sort(-1, /*descending=*/true);
    auto probs = torch::softmax(sorted, -1);
    // Drop a token when the tokens ranked above it already reach top_p; the first always stays.
    auto before = torch::cumsum(probs, -1) - probs;
    auto dropSorted = before >= params_.topP;
    auto drop = torch::zeros_like(dropSorted).scatter(-1, order, dropSorted);
    scaled = scaled.masked_fill(drop, ninf);
  }
  return scaled;
}

std::pair<torch::Tensor, torch::Tensor> TokenSampler::sample(const torch::Tensor& logits) {
  if (logits.dim() != 2) throw std::invalid_argument("TokenSampler::sample: logits must be [rows, vocab]");
  auto cpu = logits.to(torch::kCPU, torch::kFloat32);
  const double t = params_.temperature > 0.0 ? params_.temperature : 1.0;
  auto logp = torch::log_softmax(cpu / t, -1);
  torch::Tensor tokens;
  if (params_.temperature <= 0.0 || params_.topK == 1) {
    tokens = cpu.argmax(-1);
  } else {
    auto probs = torch::softmax(filteredLogits(cpu), -1);
    tokens = torch::multinomial(probs, 1, /*replacement=*/false, generator_).squeeze(-1);
  }
  auto lp = logp.gather(-1, tokens.unsqueeze(-1)).squeeze(-1);
  return {tokens, lp};
}

}  // namespace longrl::engine
