// GenerationEngine on the `small` preset (random weights, CPU):
//  1. decode tokens/s with the KV cache vs recomputing the whole sequence each step;
//  2. the prefill of a GRPO group of 8 samples of one long prompt (prefilled once, cache rows
//     copied) vs 8 separate prompts (batched, and one after another).
// Usage: benchengine [--threads N] [--prompt-tokens N] [--decode-tokens N]
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

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  int64_t promptTokens = 1536, decodeTokens = 64, decodePrompt = 256;
  bench::parseArgs(argc, argv, "[--threads N] [--prompt-tokens N] [--decode-tokens N]", [&](cli::ArgList& args) {
    threads = static_cast<int>(args.takeThreads(threads));
    promptTokens = args.takeInt("prompt-tokens", 1, 1 << 24, promptTokens);
    decodeTokens = args.takeInt("decode-tokens", 1, 1 << 24, decodeTokens);
  });
  threads = model::applyTorchThreads(threads);
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
  return 0;
}
