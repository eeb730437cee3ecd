// Memory-agent rollouts (QwenLong-L1.5) against document length, on the demo preset (random
// weights, CPU): a group of G trajectories reads the document in sections of --chunk tokens,
// each call writing at most --memory tokens, then answers. The time should grow linearly with the
// document (sections x a bounded call) and the memory stay flat (one section in the window at a
// time), where full-context attention grows quadratically.
// Usage: benchmemoryagent [--threads N] [--chunk N] [--memory N] [--samples G] [--max-tokens N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <torch/torch.h>

#include "bench/BenchArgs.h"
#include "bench/TempDir.h"
#include "core/cli/ArgList.h"
#include "core/config/RunConfig.h"
#include "core/demo/DemoExampleGenerator.h"
#include "core/memory/DocumentChunker.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/ExampleLoader.h"
#include "trainer/train/MemoryAgentRollout.h"
#include "trainer/train/ProcessMemory.h"
#include "trainer/train/RewardSetup.h"

using namespace longrl;

int main(int argc, char** argv) {
  int threads = 1, samples = 4;
  int64_t chunk = 256, memoryTokens = 32, maxTokens = 32768;
  bench::parseArgs(argc, argv, "[--threads N] [--chunk N] [--memory N] [--samples G] [--max-tokens N]",
                   [&](cli::ArgList& args) {
                     threads = static_cast<int>(args.takeThreads(threads));
                     chunk = args.takeInt("chunk", 1, 1 << 20, chunk);
                     memoryTokens = args.takeInt("memory", 1, 1 << 20, memoryTokens);
                     samples = static_cast<int>(args.takeInt("samples", 1, 1024, samples));
                     maxTokens = args.takeInt("max-tokens", 1, 1 << 24, maxTokens);
                   });
  threads = model::applyTorchThreads(threads);

  // The demo preset with a tokenizer trained on demo documents (what `longrl demo` creates).
  const bench::TempDir temp("benchmemoryagent");
  const auto& dir = temp.path();
  demo::DemoExampleGenerator gen(3);
  {
    std::ofstream corpus(dir / "corpus.txt");
    for (int i = 0; i < 200; ++i) corpus << gen.generate(i % 3).document << "\n";
  }
  {
    cli::ArgList args({"--preset", "demo", (dir / "model").string(), "--seed", "7", "--tokenizer-corpus",
                       (dir / "corpus.txt").string()});
    std::ostringstream o, e;
    if (cli::initModelCommand().run(args, o, e) != 0) {
      std::fprintf(stderr, "init-model failed: %s\n", e.str().c_str());
      return 1;
    }
  }
  auto loaded = engine::LoadedModel::load((dir / "model").string());
  torch::NoGradGuard noGrad;
  loaded.model->eval();
  config::RunConfig cfg;
  const auto reward = train::RewardSetup::make(cfg);
  engine::GenerationEngine eng(loaded.model, loaded.engineOptions());
  train::RolloutGenerator samplesOf(eng, loaded.tokenizer, *reward, 1);
  config::MemoryConfig mc;
  mc.chunkTokens = chunk;
  mc.memoryTokens = memoryTokens;
  train::MemoryAgentRollout agent(eng, loaded.tokenizer, samplesOf, mc);
  engine::SamplingParams p;
  p.temperature = 1.0;
  p.maxNewTokens = 16;
  p.n = samples;

  std::printf(
      "demo preset (%lld parameters), %d torch thread(s), float32, CPU; %d trajectories, sections of %lld "
      "tokens, at most %lld memory tokens per call, 16 answer tokens\n",
      static_cast<long long>(loaded.model->parameterCount()), threads, samples, static_cast<long long>(chunk),
      static_cast<long long>(memoryTokens));
  std::printf("%10s %9s %10s %12s %14s %12s %12s\n", "doc tokens", "sections", "seconds", "ms/section", "ms/1K doc tok",
              "RSS MB", "peak MB");
  // Documents of growing length: the beyond-the-window generator with more and more filler.
  for (int fillers = 60;; fillers *= 2) {
    auto ex = gen.generateBeyondWindow(fillers);
    dataset::DatasetRecord r;
    r.document = ex.document;
    r.question = ex.question;
    r.dataSource = ex.dataSource;
    r.groundTruth = {ex.answer};
    const auto example = train::ExampleLoader::prepare(std::move(r), loaded.tokenizer);
    const auto docTokens = static_cast<int64_t>(loaded.tokenizer.encode(ex.document).size());
    if (docTokens > maxTokens) break;
    const auto t0 = std::chrono::steady_clock::now();
    const auto out = agent.trajectories(example, p, 11);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto sections = out.front().calls.size() - 1;
    std::printf("%10lld %9zu %10.2f %12.1f %14.1f %12.0f %12.0f\n", static_cast<long long>(docTokens), sections, s,
                1000.0 * s / static_cast<double>(sections), 1e6 * s / static_cast<double>(docTokens),
                1024.0 * train::ProcessMemory::residentGb(), 1024.0 * train::ProcessMemory::peakGb());
    std::fflush(stdout);
  }
  return 0;
}
