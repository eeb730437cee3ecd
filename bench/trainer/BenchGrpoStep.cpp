// Time of one GRPO step split into its parts (gen / reward / old_log_prob / ref / update), tokens
// per second and peak memory, on a randomly initialised `small` preset model (or --model DIR).
//   benchgrpostep [--preset small|tiny] [--model DIR] [--steps 3] [--prompts 4] [--samples 4]
//                 [--max-new 64] [--facts 40] [--kl] [--threads N] [--compare-kernels] [--compare-sharing]
//                 [--padded-prompts] [--checkpointing]
// --compare-kernels runs the steps twice from the same weights: with the kernels (chunked log-prob
// + entropy, block attention in the training forward) and without them (full [T, vocab] logits,
// eager attention), and prints both. --compare-sharing runs them with each row's prompt in the
// padded batch and with a group's prompt once (SharedPromptLogProbs, the default). Peak RSS is a
// high-water mark of the process, so compare memory across two processes, one with --padded-prompts
// (each row's prompt in the padded batch) and one without, or one with --checkpointing (activation
// checkpointing of the training forward, model.gradient_checkpointing) and one without.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "bench/BenchArgs.h"
#include "bench/TempDir.h"
#include "core/cli/ArgList.h"
#include "core/config/RunConfig.h"
#include "core/curriculum/BatchSampler.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/BlockAttentionFunction.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/ExampleLoader.h"
#include "trainer/train/GrpoTrainer.h"
#include "trainer/train/ModelCopy.h"
#include "trainer/train/ProcessMemory.h"
#include "trainer/train/RewardSetup.h"
#include "trainer/train/TokenLogProbs.h"

using namespace longrl;
namespace fs = std::filesystem;

namespace {

std::string document(int seed, int facts) {
  static const char* names[] = {"Alice", "Bruno", "Chen", "Dana", "Emil", "Farah", "Goran", "Hana"};
  static const char* cities[] = {"Oslo", "Lima", "Pune", "Kyiv", "Doha", "Riga", "Baku", "Nice"};
  std::ostringstream s;
  for (int i = 0; i < facts; ++i) s << names[(seed + i) % 8] << " lives in " << cities[(seed * 3 + i) % 8] << ". ";
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::string preset, modelDir;
  int steps = 0, prompts = 0, samples = 0, maxNew = 0, facts = 0, threads = 0;
  bool kl = false, compare = false, compareSharing = false, paddedPrompts = false, checkpointing = false;
  bench::parseArgs(argc, argv,
                   "[--preset small|tiny] [--model DIR] [--steps 3] [--prompts 4] [--samples 4] [--max-new 64] "
                   "[--facts 40] [--kl] [--threads N] [--compare-kernels] [--compare-sharing] [--padded-prompts] "
                   "[--checkpointing]",
                   [&](cli::ArgList& args) {
                     preset = args.takeOr("preset", "small");
                     modelDir = args.takeOr("model", "");
                     steps = static_cast<int>(args.takeInt("steps", 1, 1000000, 3));
                     prompts = static_cast<int>(args.takeInt("prompts", 1, 4096, 4));
                     samples = static_cast<int>(args.takeInt("samples", 1, 1024, 4));
                     maxNew = static_cast<int>(args.takeInt("max-new", 1, 1 << 20, 64));
                     facts = static_cast<int>(args.takeInt("facts", 1, 1 << 20, 40));
                     kl = args.takeFlag("kl");
                     compare = args.takeFlag("compare-kernels");
                     compareSharing = args.takeFlag("compare-sharing");
                     paddedPrompts = args.takeFlag("padded-prompts");
                     checkpointing = args.takeFlag("checkpointing");
                     threads = static_cast<int>(args.takeThreads());
                   });
  model::applyTorchThreads(threads);

  const bench::TempDir temp("benchgrpostep");
  const fs::path& tmp = temp.path();
  if (modelDir.empty()) {
    {
      std::ofstream corpus(tmp / "corpus.txt");
      for (int i = 0; i < 200; ++i) corpus << document(i, 8) << "\n";
    }
    modelDir = (tmp / "model").string();
    cli::ArgList init({"--preset", preset, modelDir, "--tokenizer-corpus", (tmp / "corpus.txt").string()});
    std::ostringstream o, e;
    if (cli::initModelCommand().run(init, o, e) != 0) {
      std::cerr << e.str();
      return 1;
    }
  }
  {
    std::ofstream data(tmp / "data.jsonl");
    for (int i = 0; i < prompts * 2; ++i)
      data << nlohmann::json{{"document", document(i, facts)},
                             {"question", "Where does Alice live?"},
                             {"answer", "Oslo"},
                             {"data_source", "multihoprag"},
                             {"extra_info", {{"index", i}}}}
                  .dump()
           << "\n";
  }
  config::RunConfig cfg;
  cfg.model.path = modelDir;
  cfg.model.dtype = "float32";
  cfg.dataset.train = {(tmp / "data.jsonl").string()};
  cfg.phases = {config::PhaseConfig{"bench", 1 << 20, maxNew, steps, 1.0, config::PhaseMode::Full}};
  cfg.grpo.rolloutN = samples;
  cfg.grpo.trainBatchSize = prompts;
  cfg.grpo.ppoMiniBatchSize = std::max(1, prompts / 2);
  cfg.grpo.dynamicSampling.enabled = false;
  cfg.grpo.temperature = 1.0;
  cfg.grpo.useKlLoss = kl;
  cfg.grpo.klCoef = kl ? 0.001 : 0.0;

  auto run = [&](const char* label, bool chunked, bool block, bool shared = true) {
    train::TokenLogProbs::setChunked(chunked);
    train::TokenLogProbs::setSharedPrompts(shared);
    auto loaded = engine::LoadedModel::load(modelDir);  // the same initial weights for every run
    // The training forward only: the engine's prefill keeps its own (left-padded, masked) path.
    if (block) loaded.model->setAttentionFunction(model::blockAttentionFunction());
    loaded.model->setGradientCheckpointing(checkpointing);
    auto reward = train::RewardSetup::make(cfg);
    const auto examples = train::ExampleLoader::load(cfg.dataset, loaded.tokenizer, reward->router()).examples;
    std::optional<model::QwenForCausalLM> ref;
    if (kl) ref = train::ModelCopy::clone(loaded.model);
    train::GrpoTrainer trainer(cfg, loaded.model, ref, loaded.engineOptions(), loaded.tokenizer, reward);
    std::vector<std::string> tasks(examples.size(), "multihoprag");
    curriculum::BatchSampler sampler(tasks, false, 1);
    std::cout << label << ": model " << modelDir << " (" << loaded.model->parameterCount() << " parameters), prompts "
              << prompts << " x " << samples << " samples, prompt ~" << examples.front().inputTokens()
              << " tokens, max new " << maxNew << ", kl " << (kl ? "on" : "off") << "\n";
    std::map<std::string, double> sum;
    for (int s = 1; s <= steps; ++s) {
      const auto r = trainer.step(s, cfg.phases[0], examples, sampler);
      const auto& m = r.metrics;
      double respTokens = m.at("response_length/mean") * prompts * samples;
      std::cout << "step " << s << ": step " << m.at("timing_s/step") << " s | gen " << m.at("timing_s/gen")
                << " reward " << m.at("timing_s/reward") << " old_log_prob " << m.at("timing_s/old_log_prob") << " ref "
                << (m.count("timing_s/ref") ? m.at("timing_s/ref") : 0.0) << " update " << m.at("timing_s/update_actor")
                << " | gen tokens/s " << respTokens / m.at("timing_s/gen") << " | throughput "
                << m.at("perf/throughput") << " tokens/s\n";
      if (s > 1 || steps == 1)
        for (const char* k :
             {"timing_s/step", "timing_s/gen", "timing_s/old_log_prob", "timing_s/update_actor", "perf/throughput"})
          sum[k] += m.at(k);
    }
    const double n = steps > 1 ? steps - 1 : 1;
    std::cout << "mean (after warm-up step):";
    for (const auto& [k, v] : sum) std::cout << " " << k << " " << v / n;
    std::cout << "\npeak RSS so far " << train::ProcessMemory::peakGb() << " GB\n";
  };
  if (compareSharing) {
    run("each row's prompt in the padded batch (block attention)", true, true, false);
    run("a group's prompt once (block attention)", true, true, true);
  } else if (compare) {
    // Without first: peak RSS is a high-water mark, so the run that needs more memory goes first.
    run("without kernels (full logits, eager attention)", false, false);
    run("with kernels (chunked log-prob, block attention)", true, true);
  } else {
    // model.attention auto: the trainer runs block attention on the CPU.
    run(paddedPrompts ? "as the trainer runs (chunked log-prob, block attention), each row's prompt in the padded batch"
                      : "as the trainer runs (chunked log-prob, block attention, a group's prompt once)",
        true, true, !paddedPrompts);
  }
  return 0;
}
