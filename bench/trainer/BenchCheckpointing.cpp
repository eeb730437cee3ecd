// Peak memory and time of one training forward + backward (cross-entropy over the logits) of a
// random dense Qwen2-shaped model, with or without activation checkpointing
// (model.gradient_checkpointing). Peak RSS is the process's high-water mark (VmHWM), so compare
// two processes, one with --checkpointing on and one off. Prints one JSON line.
//   benchcheckpointing [--checkpointing on|off] [--layers 8] [--hidden 128] [--intermediate 512]
//                      [--batch 4] [--tokens 1024] [--vocab 256] [--attention block|eager] [--threads 1]
// Heads of 32 dimensions, half as many kv heads (grouped-query attention).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "bench/BenchArgs.h"
#include "core/cli/ArgList.h"
#include "core/cli/UsageError.h"
#include "trainer/model/BlockAttentionFunction.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/ProcessMemory.h"

using namespace longrl;

namespace {

struct Shape {
  bool checkpointing = false;
  bool block = true;
  int64_t layers = 8, hidden = 128, intermediate = 512, batch = 4, tokens = 1024, vocab = 256;
};

bool onOff(const std::string& flag, const std::string& value) {
  if (value == "on") return true;
  if (value == "off") return false;
  throw cli::UsageError("--" + flag + " must be 'on' or 'off', got '" + value + "'");
}

model::QwenConfig configFor(const Shape& s) {
  if (s.hidden % 64 != 0) throw cli::UsageError("--hidden must be a multiple of 64 (heads of 32, GQA 2:1)");
  model::QwenConfig c;
  c.modelType = "qwen2";
  c.attentionBias = true;
  c.hiddenSize = s.hidden;
  c.headDim = 32;
  c.numAttentionHeads = s.hidden / 32;
  c.numKeyValueHeads = c.numAttentionHeads / 2;
  c.intermediateSize = s.intermediate;
  c.numHiddenLayers = s.layers;
  c.vocabSize = s.vocab;
  c.maxPositionEmbeddings = std::max<int64_t>(4096, s.tokens);
  c.tieWordEmbeddings = false;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  Shape s;
  int threads = 1;
  bench::parseArgs(argc, argv,
                   "[--checkpointing on|off] [--layers 8] [--hidden 128] [--intermediate 512] [--batch 4] "
                   "[--tokens 1024] [--vocab 256] [--attention block|eager] [--threads 1]",
                   [&](cli::ArgList& args) {
                     s.checkpointing = onOff("checkpointing", args.takeOr("checkpointing", "off"));
                     s.layers = args.takeInt("layers", 1, 1024, s.layers);
                     s.hidden = args.takeInt("hidden", 64, 1 << 16, s.hidden);
                     s.intermediate = args.takeInt("intermediate", 1, 1 << 20, s.intermediate);
                     s.batch = args.takeInt("batch", 1, 1 << 16, s.batch);
                     s.tokens = args.takeInt("tokens", 2, 1 << 20, s.tokens);
                     s.vocab = args.takeInt("vocab", 2, 1 << 20, s.vocab);
                     const auto attention = args.takeOr("attention", "block");
                     if (attention != "block" && attention != "eager")
                       throw cli::UsageError("--attention must be 'block' or 'eager', got '" + attention + "'");
                     s.block = attention == "block";
                     threads = static_cast<int>(args.takeThreads(threads));
                   });
  threads = model::applyTorchThreads(threads);

  model::QwenForCausalLM m(configFor(s));
  m->initWeights(11);
  if (s.block) m->setAttentionFunction(model::blockAttentionFunction());
  m->setGradientCheckpointing(s.checkpointing);
  torch::manual_seed(5);
  const auto ids = torch::randint(s.vocab, {s.batch, s.tokens}, torch::kInt64);
  const auto targets = torch::randint(s.vocab, {s.batch * s.tokens}, torch::kInt64);
  const double startGb = train::ProcessMemory::residentGb();

  const auto t0 = std::chrono::steady_clock::now();
  const auto logits = m->lmHead(m->forward(ids)).reshape({s.batch * s.tokens, s.vocab});
  const auto loss = torch::cross_entropy_loss(logits, targets);
  loss.backward();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  double gradSquares = 0;
  for (const auto& p : m->parameters()) gradSquares += p.grad().pow(2).sum().item<double>();
  const nlohmann::json out{{"checkpointing", s.checkpointing},
                           {"attention", s.block ? "block" : "eager"},
                           {"layers", s.layers},
                           {"hidden", s.hidden},
                           {"intermediate", s.intermediate},
                           {"batch", s.batch},
                           {"tokens", s.tokens},
                           {"vocab", s.vocab},
                           {"threads", threads},
                           {"loss", loss.item<double>()},
                           {"grad_norm", std::sqrt(gradSquares)},
                           {"start_rss_gb", startGb},
                           {"peak_rss_gb", train::ProcessMemory::peakGb()},
                           {"seconds", seconds}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
