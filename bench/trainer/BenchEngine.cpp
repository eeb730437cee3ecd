// GenerationEngine on the `small` preset (random weights, CPU):
//  1. decode tokens/s with the KV cache vs recomputing the whole sequence each step;
//  2. the prefill of a GRPO group of 8 samples of one long prompt (prefilled once, cache rows
//     copied) vs 8 separate prompts (batched, and one after another);
//  3. a GRPO step's rollouts: --prompts prompts (lengths 1/2 to 1 x --rollout-prompt-tokens) x 8
//     samples x --decode-tokens at temperature 0.7, one engine call per prompt vs all prompts in
//     one call (batched, a seed per prompt: the same samples). --model DIR runs this part on a
//     model directory instead of the `small` preset.
// Usage: benchengine [--threads N] [--prompt-tokens N] [--decode-tokens N] [--prompts N]
//                    [--rollout-prompt-tokens N] [--model DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include <torch/torch.h>

#include "bench/BenchArgs.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"

using namespace longrl;

namespace {

double seconds(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<int> randomPrompt(int64_t len, uint64_t seed, int64_t vocab) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto t = at::randint(vocab, {len}, gen, torch::TensorOptions().dtype(torch::kInt64));
  return std::vector<int>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + len);
}

struct RolloutShape {
  int64_t prompts = 8, promptTokens = 512, newTokens = 64;
};

// Part 3: the same rollouts generated prompt by prompt and batched; returns nothing, prints.
void rolloutStep(engine::GenerationEngine& eng, const RolloutShape& shape) {
  const int64_t vocab = eng.model()->config().vocabSize;
  std::vector<std::vector<int>> prompts;
  engine::SamplingParams p;
  p.temperature = 0.7;
  p.topP = 0.95;
  p.n = 8;
  p.maxNewTokens = shape.newTokens;
  p.ignoreEos = true;  // every sample runs its full length: the token counts are exact
  for (int64_t i = 0; i < shape.prompts; ++i) {
    const int64_t len = shape.promptTokens / 2 + shape.promptTokens * i / (2 * std::max<int64_t>(1, shape.prompts - 1));
    prompts.push_back(randomPrompt(std::max<int64_t>(1, len), 100 + static_cast<uint64_t>(i), vocab));
    p.promptSeeds.push_back(1000 + static_cast<uint64_t>(i));
  }
  std::vector<engine::GeneratedSample> alone, batched;
  const double tAlone = seconds([&] {
    for (size_t i = 0; i < prompts.size(); ++i) {
      engine::SamplingParams one = p;
      one.promptSeeds = {p.promptSeeds[i]};
      for (auto& s : eng.generate({prompts[i]}, one)) alone.push_back(std::move(s));
    }
  });
  const double tBatched = seconds([&] { batched = eng.generate(prompts, p); });
  size_t same = 0;
  for (size_t i = 0; i < alone.size(); ++i) same += alone[i].tokenIds == batched[i].tokenIds ? 1 : 0;
  const double tokens = static_cast<double>(shape.prompts * p.n * shape.newTokens);
  std::printf(
      "a GRPO step's rollouts: %lld prompts of %lld-%lld tokens x 8 samples x %lld new tokens "
      "(%.0f tokens, %lld prompts a batch):\n",
      static_cast<long long>(shape.prompts), static_cast<long long>(prompts.front().size()),
      static_cast<long long>(prompts.back().size()), static_cast<long long>(shape.newTokens), tokens,
      static_cast<long long>(eng.options().maxPromptsPerBatch));
  std::printf("  one call per prompt: %8.1f tokens/s (%.2f s)\n", tokens / tAlone, tAlone);
  std::printf("  batched:             %8.1f tokens/s (%.2f s)  x%.2f; same samples: %zu of %zu\n", tokens / tBatched,
              tBatched, tAlone / tBatched, same, alone.size());
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  int64_t promptTokens = 1536, decodeTokens = 64, decodePrompt = 256;
  RolloutShape rollout;
  std::string modelDir;
  bench::parseArgs(argc, argv,
                   "[--threads N] [--prompt-tokens N] [--decode-tokens N] [--prompts N] [--rollout-prompt-tokens N] "
                   "[--model DIR]",
                   [&](cli::ArgList& args) {
                     threads = static_cast<int>(args.takeThreads(threads));
                     promptTokens = args.takeInt("prompt-tokens", 1, 1 << 24, promptTokens);
                     decodeTokens = args.takeInt("decode-tokens", 1, 1 << 24, decodeTokens);
                     rollout.prompts = args.takeInt("prompts", 1, 4096, rollout.prompts);
                     rollout.promptTokens = args.takeInt("rollout-prompt-tokens", 2, 1 << 24, rollout.promptTokens);
                     modelDir = args.takeOr("model", "");
                   });
  threads = model::applyTorchThreads(threads);
  rollout.newTokens = decodeTokens;
  if (!modelDir.empty()) {
    auto loaded = engine::LoadedModel::load(modelDir);
    engine::GenerationEngine eng(loaded.model, loaded.engineOptions());
    std::printf("%s: %lld parameters, %d torch thread(s), CPU\n", modelDir.c_str(),
                static_cast<long long>(loaded.model->parameterCount()), threads);
    rolloutStep(eng, rollout);
    return 0;
  }
  auto config = cli::initModelPreset("small");
  model::QwenForCausalLM m(config);
  m->initWeights(1);
  m->eval();
  torch::NoGradGuard noGrad;
  std::printf("small preset: %lld parameters, %d torch thread(s), float32, CPU\n",
              static_cast<long long>(m->parameterCount()), threads);

  engine::GenerationEngine eng(m, {});
  engine::SamplingParams greedy;
  greedy.temperature = 0;

  // 1. Decode: prompt of decodePrompt tokens, decodeTokens new tokens, batch 1.
  const auto prompt = randomPrompt(decodePrompt, 2, config.vocabSize);
  greedy.maxNewTokens = 1;
  eng.generate({prompt}, greedy);  // warm-up
  const double prefill = seconds([&] { eng.generate({prompt}, greedy); });
  greedy.maxNewTokens = decodeTokens;
  const double withCache = seconds([&] { eng.generate({prompt}, greedy); }) - prefill;
  const double noCache = seconds([&] {
    std::vector<int64_t> ids(prompt.begin(), prompt.end());
    for (int64_t s = 0; s < decodeTokens; ++s) {
      auto t = torch::tensor(ids, torch::kInt64).unsqueeze(0);
      auto h = m->forward(t);
      ids.push_back(m->lmHead(h.select(1, h.size(1) - 1)).argmax(-1).item<int64_t>());
    }
  });
  std::printf("decode, %lld-token prompt, %lld new tokens, batch 1:\n", static_cast<long long>(decodePrompt),
              static_cast<long long>(decodeTokens));
  std::printf("  with KV cache:    %8.1f tokens/s (%.3f s; prefill %.3f s excluded)\n", decodeTokens / withCache,
              withCache, prefill);
  std::printf("  recompute (none): %8.1f tokens/s (%.3f s)  -> cache speed-up x%.1f\n", decodeTokens / noCache, noCache,
              noCache / withCache);
  // Batched decode throughput: 8 rows of the same prompt (a group), 32 tokens each.
  greedy.n = 8;
  greedy.maxNewTokens = 1;
  const double groupPrefill = seconds([&] { eng.generate({prompt}, greedy); });
  greedy.maxNewTokens = 33;
  const double groupDecode = seconds([&] { eng.generate({prompt}, greedy); }) - groupPrefill;
  std::printf("  group of 8 rows:  %8.1f tokens/s (8 x 32 tokens in %.3f s)\n", 8 * 32 / groupDecode, groupDecode);

  // 2. Prefill of a long prompt: a group of 8 vs 8 separate prompts (first token only).
  const auto doc = randomPrompt(promptTokens, 3, config.vocabSize);
  greedy.maxNewTokens = 1;
  greedy.n = 8;
  const double group = seconds([&] { eng.generate({doc}, greedy); });
  greedy.n = 1;
  const std::vector<std::vector<int>> eight(8, doc);
  const double batched = seconds([&] { eng.generate(eight, greedy); });
  const double oneByOne = seconds([&] {
    for (int i = 0; i < 8; ++i) eng.generate({doc}, greedy);
  });
  std::printf("prefill, %lld-token prompt, 8 samples (first token):\n", static_cast<long long>(promptTokens));
  std::printf("  group n=8 (one prefill, cache copied): %.3f s\n", group);
  std::printf("  8 prompts in one batch:                %.3f s  (x%.1f the group)\n", batched, batched / group);
  std::printf("  8 prompts one after another:           %.3f s  (x%.1f the group)\n", oneByOne, oneByOne / group);
  rolloutStep(eng, rollout);
  return 0;
}
