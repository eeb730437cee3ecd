#include "trainer/engine/TokenSampler.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace longrl::engine {

TokenSampler::TokenSampler(const SamplingParams& params) : params_(params) {
  if (params.promptSeeds.empty()) generators_.push_back(at::make_generator<at::CPUGeneratorImpl>(params.seed));
  for (auto seed : params.promptSeeds) generators_.push_back(at::make_generator<at::CPUGeneratorImpl>(seed));
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

torch::Tensor TokenSampler::draw(const torch::Tensor& probs, const std::vector<size_t>& rowPrompt) {
  if (params_.promptSeeds.empty()) return torch::multinomial(probs, 1, /*replacement=*/false, generators_.front());
  const auto rows = static_cast<size_t>(probs.size(0));
  if (rowPrompt.size() != rows)
    throw std::invalid_argument("TokenSampler::sample: per-prompt seeds need the prompt of each of the " +
                                std::to_string(rows) + " rows, got " + std::to_string(rowPrompt.size()));
  std::vector<torch::Tensor> parts;
  for (size_t a = 0, b; a < rows; a = b) {
    for (b = a + 1; b < rows && rowPrompt[b] == rowPrompt[a];) ++b;
    if (rowPrompt[a] >= generators_.size())
      throw std::invalid_argument("TokenSampler::sample: row " + std::to_string(a) + " has prompt " +
                                  std::to_string(rowPrompt[a]) + " of " + std::to_string(generators_.size()));
    auto slice = probs.narrow(0, static_cast<int64_t>(a), static_cast<int64_t>(b - a));
    parts.push_back(torch::multinomial(slice, 1, /*replacement=*/false, generators_[rowPrompt[a]]));
  }
  return torch::cat(parts);
}

std::pair<torch::Tensor, torch::Tensor> TokenSampler::sample(const torch::Tensor& logits,
                                                             const std::vector<size_t>& rowPrompt) {
  if (logits.dim() != 2) throw std::invalid_argument("TokenSampler::sample: logits must be [rows, vocab]");
  auto cpu = logits.to(torch::kCPU, torch::kFloat32);
  const double t = params_.temperature > 0.0 ? params_.temperature : 1.0;
  auto logp = torch::log_softmax(cpu / t, -1);
  torch::Tensor tokens;
  if (params_.temperature <= 0.0 || params_.topK == 1) {
    tokens = cpu.argmax(-1);
  } else {
    auto probs = torch::softmax(filteredLogits(cpu), -1);
    tokens = draw(probs, rowPrompt).squeeze(-1);
  }
  auto lp = logp.gather(-1, tokens.unsqueeze(-1)).squeeze(-1);
  return {tokens, lp};
}

}  // namespace longrl::engine
