#include "trainer/engine/GenerationEngine.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "trainer/engine/TokenSampler.h"

namespace longrl::engine {
namespace {

torch::Device deviceOf(const model::QwenForCausalLM& m) {
  auto params = m->parameters();
  return params.empty() ? torch::Device(torch::kCPU) : params.front().device();
}

}  // namespace

GenerationEngine::GenerationEngine(model::QwenForCausalLM model, EngineOptions options)
    : model_(std::move(model)), options_(std::move(options)), device_(deviceOf(model_)) {
  if (options_.maxPromptsPerBatch < 1) options_.maxPromptsPerBatch = 1;
  model_->eval();
}

std::vector<GeneratedSample> GenerationEngine::generate(const std::vector<std::vector<int>>& prompts,
                                                        const SamplingParams& params, const TokenCallback& onToken) {
  if (params.n < 1) throw std::invalid_argument("n must be >= 1, got " + std::to_string(params.n));
  if (params.maxNewTokens < 0) throw std::invalid_argument("max_new_tokens must be >= 0");
  if (!params.promptSeeds.empty() && params.promptSeeds.size() != prompts.size())
    throw std::invalid_argument("promptSeeds has " + std::to_string(params.promptSeeds.size()) + " seeds for " +
                                std::to_string(prompts.size()) + " prompts");
  const int64_t vocab = model_->config().vocabSize;
  for (size_t p = 0; p < prompts.size(); ++p) {
    if (prompts[p].empty()) throw std::invalid_argument("prompt " + std::to_string(p) + " is empty");
    for (size_t i = 0; i < prompts[p].size(); ++i)
      if (prompts[p][i] < 0 || prompts[p][i] >= vocab)
        throw std::invalid_argument("prompt " + std::to_string(p) + " token " + std::to_string(i) + ": id " +
                                    std::to_string(prompts[p][i]) + " is outside the vocabulary (" +
                                    std::to_string(vocab) + ")");
  }
  TokenSampler sampler(params);
  StopStringMatcher stops(params.stopStrings, options_.detokenize);
  std::vector<GeneratedSample> out(prompts.size() * static_cast<size_t>(params.n));
  for (size_t p = 0; p < prompts.size(); ++p)
    for (int j = 0; j < params.n; ++j) {
      auto& s = out[p * static_cast<size_t>(params.n) + static_cast<size_t>(j)];
      s.promptIndex = p;
      s.sampleIndex = j;
      s.promptLength = static_cast<int64_t>(prompts[p].size());
      s.finishReason = "length";
    }
  if (params.maxNewTokens == 0) return out;

  torch::NoGradGuard noGrad;
  bool aborted = false;
  for (auto [first, end] : batches(prompts, params)) {
    const size_t count = end - first;
    if (aborted || !runBatch(prompts, first, count, params, sampler, stops, onToken, out)) {
      aborted = true;
      for (size_t i = first * params.n; i < end * params.n; ++i)
        if (out[i].finishReason == "length" && static_cast<int64_t>(out[i].tokenIds.size()) < params.maxNewTokens)
          out[i].finishReason = "abort";
    }
  }
  return out;
}

std::vector<std::pair<size_t, size_t>> GenerationEngine::batches(const std::vector<std::vector<int>>& prompts,
                                                                 const SamplingParams& params) const {
  std::vector<int64_t> lengths;
  lengths.reserve(prompts.size());
  for (const auto& p : prompts) lengths.push_back(static_cast<int64_t>(p.size()));
  return plan::GenerationBatches::split(lengths, params.n, params.maxNewTokens, options_.maxPromptsPerBatch,
                                        options_.maxBatchKvTokens);
}

torch::Tensor GenerationEngine::prefill(const std::vector<std::vector<int>>& prompts, size_t first, size_t count,
                                        model::KvCache& cache) {
  int64_t maxLen = 0;
  for (size_t p = first; p < first + count; ++p)
    maxLen = std::max<int64_t>(maxLen, static_cast<int64_t>(prompts[p].size()));
  const auto P = static_cast<int64_t>(count);
  // Left padding: every prompt ends at the last column, so one position holds all next-token logits.
  auto ids = torch::full({P, maxLen}, options_.padTokenId, torch::kInt64);
  auto mask = torch::zeros({P, maxLen}, torch::kBool);
  for (int64_t r = 0; r < P; ++r) {
    const auto& pr = prompts[first + static_cast<size_t>(r)];
    const auto len = static_cast<int64_t>(pr.size());
    auto src = torch::tensor(std::vector<int64_t>(pr.begin(), pr.end()), torch::kInt64);
    ids[r].narrow(0, maxLen - len, len).copy_(src);
    mask[r].narrow(0, maxLen - len, len).fill_(true);
  }
  ids = ids.to(device_);
  mask = mask.to(device_);
  const bool padded = !mask.all().item<bool>();
  const int64_t chunk = options_.prefillChunkTokens > 0 ? options_.prefillChunkTokens : maxLen;
  torch::Tensor hidden;
  for (int64_t s = 0; s < maxLen; s += chunk) {
    const int64_t len = std::min(chunk, maxLen - s);
    // Every chunk rotates as the whole prompt would in one forward (dynamic rope scaling).
    hidden =
        model_->forward(ids.narrow(1, s, len), {}, &cache, padded ? mask.narrow(1, s, len) : torch::Tensor(), maxLen);
  }
  return model_->lmHead(hidden.select(1, hidden.size(1) - 1));  // [P, V]
}

bool GenerationEngine::runBatch(const std::vector<std::vector<int>>& prompts, size_t first, size_t count,
                                const SamplingParams& params, TokenSampler& sampler, const StopStringMatcher& stops,
                                const TokenCallback& onToken, std::vector<GeneratedSample>& out) {
  int64_t maxLen = 0;
  for (size_t p = first; p < first + count; ++p)
    maxLen = std::max<int64_t>(maxLen, static_cast<int64_t>(prompts[p].size()));
  // Each prompt is prefilled alone (no padding to the longest, attention over its own length
  // only), then the caches are stacked, each prompt's repeated for its n samples, to decode as one
  // batch. Capacity for the whole generation is reserved there: growing a long-document cache by
  // doubling would copy it and briefly hold two of it.
  const auto n = static_cast<int64_t>(params.n);
  std::vector<model::KvCache> parts;
  std::vector<torch::Tensor> firstLogits;
  for (size_t p = first; p < first + count; ++p) {
    parts.push_back(model_->makeCache(static_cast<int64_t>(prompts[p].size())));
    firstLogits.push_back(prefill(prompts, p, 1, parts.back()).expand({n, -1}));
  }
  model::KvCache cache = model::KvCache::stack(parts, n, maxLen + params.maxNewTokens);
  parts.clear();
  auto logits = torch::cat(firstLogits, 0);
  const auto rowsTotal = static_cast<int64_t>(count) * n;
  std::vector<int> stopIds = params.stopTokenIds;
  if (!params.ignoreEos) stopIds.insert(stopIds.end(), options_.eosTokenIds.begin(), options_.eosTokenIds.end());

  // alive[r] = output index of the sample decoding in cache row r.
  std::vector<size_t> alive(static_cast<size_t>(rowsTotal));
  for (int64_t r = 0; r < rowsTotal; ++r) alive[static_cast<size_t>(r)] = first * params.n + static_cast<size_t>(r);

  std::vector<size_t> rowPrompt;
  for (int64_t step = 0; step < params.maxNewTokens; ++step) {
    rowPrompt.resize(alive.size());
    for (size_t r = 0; r < alive.size(); ++r) rowPrompt[r] = out[alive[r]].promptIndex;
    auto [tokens, logprobs] = sampler.sample(logits, rowPrompt);
    auto tok = tokens.accessor<int64_t, 1>();
    auto lp = logprobs.accessor<float, 1>();
    std::vector<int64_t> keep;
    keep.reserve(alive.size());
    for (size_t r = 0; r < alive.size(); ++r) {
      auto& s = out[alive[r]];
      const int id = static_cast<int>(tok[static_cast<int64_t>(r)]);
      s.tokenIds.push_back(id);
      s.logprobs.push_back(lp[static_cast<int64_t>(r)]);
      if (onToken && !onToken(alive[r], id, lp[static_cast<int64_t>(r)])) return false;
      if (std::find(stopIds.begin(), stopIds.end(), id) != stopIds.end()) {
        s.finishReason = "stop";
        s.stopTokenId = id;
      } else if (const std::string* hit = stops.active() ? stops.match(s.tokenIds) : nullptr) {
        s.finishReason = "stop";
        s.stopString = *hit;
      } else if (step + 1 < params.maxNewTokens) {
        keep.push_back(static_cast<int64_t>(r));
      }  // else: finishReason stays "length"
    }
    if (keep.empty()) break;
    if (keep.size() != alive.size()) {
      auto idx = torch::tensor(keep, torch::kInt64);
      cache.selectRows(idx);
      tokens = tokens.index_select(0, idx);
      std::vector<size_t> next;
      next.reserve(keep.size());
      for (auto r : keep) next.push_back(alive[static_cast<size_t>(r)]);
      alive.swap(next);
    }
    // The longest prompt's token sits at maxLen + step, whichever rows are still decoding: dynamic
    // rope scaling sees the length of the whole batch, as when finished rows keep decoding padding.
    auto h = model_->forward(tokens.view({-1, 1}).to(device_), {}, &cache, {}, maxLen + step + 1);
    logits = model_->lmHead(h.select(1, 0));
  }
  return true;
}

}  // namespace longrl::engine
