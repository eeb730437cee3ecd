// Throughput of prefill, decode and one training update as a fraction of this machine's measured
// matmul peak (model FLOPs utilisation), on a model directory or a random preset model.
//   benchthroughput [--model DIR | --preset NAME] [--dtype float32|bfloat16] [--threads N]
//                   [--prompt-tokens N] [--decode-tokens N] [--update-tokens N]
//
// The peak: the best of a few torch::mm of two 2048 x 2048 matrices (2 * 2048^3 FLOPs) after a
// warm-up, in float32 and in bfloat16, on the configured threads. Each figure is divided by the
// peak of the model's dtype.
//
// FLOPs counted (multiply-add = 2; the useful work, not what a kernel happens to compute):
//  - linear layers: 2 * M per token through the decoder, M = the decoder's matrix parameters
//    (q/k/v/o, the MLP, a MoE's router and only its top-k experts per token). Embeddings are a
//    lookup (0 FLOPs); biases, norms, rotary, SiLU, softmax and residual adds are elementwise
//    (under 1% at these sizes) and not counted.
//  - attention: q k^T and p v, each 2 * head_dim per (query head, visible key): 4 * layers *
//    heads * head_dim per (query, key) pair. A query at position t sees t + 1 keys, so a causal
//    forward of T tokens counts T (T + 1) / 2 pairs (eager attention also multiplies the masked
//    half; that work is not counted). Grouped-query attention shares K/V, not these products.
//  - lm_head: 2 * vocab * hidden per position whose logits are computed: in prefill only the
//    last position (GenerationEngine::prefill), in decode every step, in the update only the
//    positions that predict response tokens (TokenLogProbs; the chunked log-prob kernel).
//  - update: forward + backward = 3x the forward (the backward computes the gradients of both
//    the inputs and the weights of every matmul: 2x). The recomputation of activation
//    checkpointing or of the block-attention backward is not counted; the optimizer step is not
//    timed.
// Prefill and decode run through GenerationEngine (greedy, EOS ignored) on one prompt of random
// ids: prefill = generate() start to its first token; decode = first to last token (one forward
// and one lm_head per token). The update is TokenLogProbs::compute + the GRPO policy loss +
// backward() on one sequence of --update-tokens (default prompt + decode tokens) whose last
// min(--decode-tokens, N - 1) tokens are the response, as ActorUpdater runs a micro-batch. On the
// CPU the model uses block attention, as model.attention auto does in training.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "bench/BenchArgs.h"
#include "bench/TempDir.h"
#include "bench/trainer/FlopModel.h"
#include "core/cli/ArgList.h"
#include "core/cli/UsageError.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/grpo/PolicyLoss.h"
#include "trainer/model/BlockAttentionFunction.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/SequenceBatch.h"
#include "trainer/train/TokenLogProbs.h"

using namespace longrl;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string modelDir, preset, dtype = "float32";
  int threads = 0;
  int64_t promptTokens = 1024, decodeTokens = 32, updateTokens = 0;  // update 0: prompt + decode
};

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct GemmPeak {
  double seconds = 0, gflops = 0;
};

// Best of up to 5 timed runs after a warm-up; stops early once 3 s are spent (slow dtypes).
GemmPeak gemmPeak(torch::Dtype dtype, int64_t n = 2048) {
  torch::NoGradGuard noGrad;
  const auto a = torch::randn({n, n}).to(dtype), b = torch::randn({n, n}).to(dtype);
  torch::mm(a, b);
  double best = 1e30, spent = 0;
  for (int rep = 0; rep < 5 && spent < 3.0; ++rep) {
    const auto t0 = Clock::now();
    const auto c = torch::mm(a, b);
    const double s = since(t0);
    best = std::min(best, s);
    spent += s;
  }
  return {best, 2.0 * static_cast<double>(n * n * n) / best / 1e9};
}

// A random --preset model written to `dir` in `dtype`, as `longrl init-model` writes it.
void writePresetModel(const Options& o, const std::string& dir) {
  cli::ArgList init({"--preset", o.preset, dir, "--dtype", o.dtype, "--threads", std::to_string(o.threads)});
  std::ostringstream out, err;
  if (cli::initModelCommand().run(init, out, err) != 0) throw std::runtime_error("init-model failed: " + err.str());
}

std::vector<int> randomIds(int64_t len, int64_t vocab, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto t = at::randint(vocab, {len}, gen, torch::TensorOptions().dtype(torch::kInt64));
  return std::vector<int>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + len);
}

struct GenerationTimes {
  double prefill = 0, decode = 0;
};

// One generate() of `decode` + 1 tokens: the first comes from the prefill's logits, each later one
// from one decode forward.
GenerationTimes timeGeneration(engine::GenerationEngine& eng, const std::vector<int>& prompt, int64_t decode) {
  engine::SamplingParams greedy;
  greedy.temperature = 0;
  greedy.ignoreEos = true;
  greedy.maxNewTokens = decode + 1;
  std::vector<Clock::time_point> stamps;
  const auto t0 = Clock::now();
  eng.generate({prompt}, greedy, [&](size_t, int, float) {
    stamps.push_back(Clock::now());
    return true;
  });
  if (static_cast<int64_t>(stamps.size()) != decode + 1)
    throw std::runtime_error("generate() stopped after " + std::to_string(stamps.size()) + " tokens");
  return {std::chrono::duration<double>(stamps.front() - t0).count(),
          std::chrono::duration<double>(stamps.back() - stamps.front()).count()};
}

// One actor micro-batch of one sequence: log-probs and entropy of the response, the GRPO loss,
// backward(). Returns its seconds.
double timeUpdate(model::QwenForCausalLM& m, const std::vector<int>& prompt, const std::vector<int>& response,
                  int padId) {
  m->train();
  m->zero_grad(true);
  const auto device = m->parameters().front().device();
  const auto t0 = Clock::now();
  const auto batch = train::SequenceBatch::build({&prompt}, {&response}, padId, device);
  const auto r = train::TokenLogProbs::compute(m, batch, 1.0, true);
  const auto mask = batch.responseMask;
  const auto advantages = (torch::rand({1, 1}, mask.options()) * 2 - 1) * mask;
  const grpo::PolicyLossOptions lossOptions;
  const auto pl = grpo::PolicyLoss::compute(r.logProbs, r.logProbs.detach(), advantages, mask, lossOptions);
  const auto entropy = grpo::PolicyLoss::aggregate(r.entropy, mask, lossOptions.aggMode);
  (pl.loss - 0.001 * entropy).backward();  // entropy_coeff's default
  const double s = since(t0);
  m->zero_grad(true);
  m->eval();
  return s;
}

Options parseOptions(int argc, char** argv) {
  Options o;
  bench::parseArgs(argc, argv,
                   "[--model DIR | --preset NAME] [--dtype float32|bfloat16] [--threads N] [--prompt-tokens N] "
                   "[--decode-tokens N] [--update-tokens N]",
                   [&](cli::ArgList& args) {
                     o.modelDir = args.takeOr("model", "");
                     o.preset = args.takeOr("preset", "");
                     if (!o.modelDir.empty() && !o.preset.empty())
                       throw cli::UsageError("--model and --preset exclude each other");
                     if (o.modelDir.empty() && o.preset.empty()) o.preset = "small";
                     if (!o.preset.empty()) cli::initModelPreset(o.preset);  // an unknown name: UsageError
                     o.dtype = args.takeOr("dtype", o.dtype);
                     if (o.dtype != "float32" && o.dtype != "bfloat16")
                       throw cli::UsageError("--dtype must be 'float32' or 'bfloat16', got '" + o.dtype + "'");
                     o.threads = static_cast<int>(args.takeThreads());
                     o.promptTokens = args.takeInt("prompt-tokens", 1, 1 << 24, o.promptTokens);
                     o.decodeTokens = args.takeInt("decode-tokens", 1, 1 << 24, o.decodeTokens);
                     o.updateTokens = args.takeInt("update-tokens", 2, 1 << 24, o.promptTokens + o.decodeTokens);
                   });
  return o;
}

nlohmann::json figure(const char* name, double seconds, double flops, double tokens, double peakGflops) {
  const double gflops = flops / seconds / 1e9;
  return {{"figure", name},       {"seconds", seconds}, {"tokens_per_s", tokens / seconds},
          {"gflop", flops / 1e9}, {"gflops", gflops},   {"fraction_of_peak", gflops / peakGflops}};
}

// The model of --model, or a random --preset one written under `temp`, converted to --dtype.
engine::LoadedModel loadModel(Options& o, std::optional<bench::TempDir>& temp) {
  if (o.modelDir.empty()) {
    temp.emplace("benchthroughput");
    o.modelDir = (temp->path() / "model").string();
    writePresetModel(o, o.modelDir);
    model::applyTorchThreads(o.threads);
  }
  auto loaded = engine::LoadedModel::load(o.modelDir);
  loaded.model->to(model::QwenPretrained::dtypeFromName(o.dtype));
  // model.attention auto in training: block attention on the CPU.
  if (loaded.model->parameters().front().device().is_cpu())
    loaded.model->setAttentionFunction(model::blockAttentionFunction());
  const auto& c = loaded.model->config();
  std::printf("model %s: %lld parameters, %lld layers, %lld heads x %lld, hidden %lld, vocab %lld, %s\n",
              o.preset.empty() ? o.modelDir.c_str() : o.preset.c_str(),
              static_cast<long long>(loaded.model->parameterCount()), static_cast<long long>(c.numHiddenLayers),
              static_cast<long long>(c.numAttentionHeads), static_cast<long long>(c.headDim),
              static_cast<long long>(c.hiddenSize), static_cast<long long>(c.vocabSize), o.dtype.c_str());
  return loaded;
}

// Prefill, decode and update, each a JSON figure.
std::vector<nlohmann::json> measure(const Options& o, engine::LoadedModel& loaded, double peak) {
  auto m = loaded.model;
  const bench::FlopModel flops(m);
  const int64_t vocab = m->config().vocabSize, P = o.promptTokens, D = o.decodeTokens, U = o.updateTokens;
  if (std::max(P + D, U) > loaded.contextLength())
    throw std::runtime_error("--prompt-tokens + --decode-tokens (" + std::to_string(P + D) + ") or --update-tokens (" +
                             std::to_string(U) + ") exceed the model's context length (" +
                             std::to_string(loaded.contextLength()) + ")");
  engine::GenerationEngine eng(m, loaded.engineOptions());
  const auto prompt = randomIds(P, vocab, 1);
  const int64_t response = std::min(D, U - 1);
  const auto sequence = randomIds(U, vocab, 2);
  const std::vector<int> updatePrompt(sequence.begin(), sequence.end() - response);
  const std::vector<int> updateResponse(sequence.end() - response, sequence.end());
  const int padId = eng.options().padTokenId;
  // Warm-up: first-call allocations and kernel selection are not part of the figures.
  timeGeneration(eng, std::vector<int>(prompt.begin(), prompt.begin() + std::min<int64_t>(P, 16)), 2);
  timeUpdate(m, {updatePrompt.front()}, {updateResponse.front()}, padId);

  const auto gen = timeGeneration(eng, prompt, D);
  const double updateSeconds = timeUpdate(m, updatePrompt, updateResponse, padId);
  auto prefill = figure("prefill", gen.prefill, flops.forward(0, P, 1), static_cast<double>(P), peak);
  prefill["tokens"] = P;
  auto decode = figure("decode", gen.decode, flops.forward(P, D, D), static_cast<double>(D), peak);
  decode["prompt_tokens"] = P;
  decode["tokens"] = D;
  auto update = figure("update", updateSeconds, 3 * flops.forward(0, U, response), static_cast<double>(U), peak);
  update["tokens"] = U;
  update["response_tokens"] = response;
  const nlohmann::json common{{"model", o.preset.empty() ? o.modelDir : o.preset},
                              {"dtype", o.dtype},
                              {"threads", o.threads},
                              {"parameters", m->parameterCount()},
                              {"matmul_parameters_per_token", flops.matmulParams}};
  std::vector<nlohmann::json> out{prefill, decode, update};
  for (auto& f : out) f.update(common);
  return out;
}

nlohmann::json gemmFigure(const char* dtype, const GemmPeak& g, int threads) {
  return {{"figure", "gemm_peak"}, {"dtype", dtype},       {"n", 2048},
          {"threads", threads},    {"seconds", g.seconds}, {"gflops", g.gflops}};
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parseOptions(argc, argv);
  o.threads = model::applyTorchThreads(o.threads);
  const GemmPeak fp32 = gemmPeak(torch::kFloat32), bf16 = gemmPeak(torch::kBFloat16);
  std::printf("GEMM peak (2048^2 mm, %d thread(s)): float32 %.1f GFLOP/s, bfloat16 %.1f GFLOP/s\n", o.threads,
              fp32.gflops, bf16.gflops);
  std::optional<bench::TempDir> temp;
  std::vector<nlohmann::json> figures;
  try {
    auto loaded = loadModel(o, temp);
    figures = measure(o, loaded, o.dtype == "bfloat16" ? bf16.gflops : fp32.gflops);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "benchthroughput: %s\n", e.what());
    return 1;
  }
  for (const auto& f : figures)
    std::printf("%-8s %8.3f s  %9.1f tokens/s  %8.1f GFLOP/s  %5.1f%% of the %s peak\n",
                f["figure"].get<std::string>().c_str(), f["seconds"].get<double>(), f["tokens_per_s"].get<double>(),
                f["gflops"].get<double>(), 100 * f["fraction_of_peak"].get<double>(), o.dtype.c_str());
  std::printf("%s\n%s\n", gemmFigure("float32", fp32, o.threads).dump().c_str(),
              gemmFigure("bfloat16", bf16, o.threads).dump().c_str());
  for (const auto& f : figures) std::printf("%s\n", f.dump().c_str());
  return 0;
}
