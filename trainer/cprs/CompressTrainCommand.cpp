#include "trainer/cprs/CompressTrainCommand.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "core/cli/UsageError.h"
#include "core/demo/DemoExampleGenerator.h"
#include "trainer/cprs/CprsEvaluation.h"
#include "trainer/cprs/CprsPretrained.h"
#include "trainer/cprs/CprsTrainer.h"
#include "trainer/model/TorchThreads.h"

namespace fs = std::filesystem;

namespace longrl::cli {
namespace {

cprs::CprsTrainer::Options takeTrainOptions(ArgList& args) {
  cprs::CprsTrainer::Options o;
  o.steps = args.takeInt("steps", 0, 10000000, o.steps);  // 0: evaluate --init only
  o.examplesPerStep = args.takeInt("examples-per-step", 1, 4096, o.examplesPerStep);
  o.windowTokens = args.takeInt("window-tokens", 16, 1 << 20, o.windowTokens);
  o.lr = args.takeDouble("lr", ArgList::Range::above(0), o.lr);
  o.keepWeight = args.takeDouble("keep-weight", ArgList::Range::above(0), o.keepWeight);
  o.seed = static_cast<uint64_t>(args.takeInt("seed", 0, 1LL << 40, 1));
  o.warmupSteps = std::min<int64_t>(o.warmupSteps, o.steps);
  return o;
}

void copyTokenizer(const std::string& from, const std::string& to) {
  for (const char* name : {"tokenizer.json", "tokenizer_config.json", "chat_template.jinja"})
    if (fs::exists(fs::path(from) / name))
      fs::copy_file(fs::path(from) / name, fs::path(to) / name, fs::copy_options::overwrite_existing);
}

// `fillers`: of the beyond-window band's documents (the demo's long documents have 520).
void evaluate(cprs::CprsCompressor& compressor, const cprs::CprsTrainer::Options& t, long long count, double threshold,
              int fillers, std::ostream& out) {
  cprs::CprsCompressor::Options o;
  o.threshold = threshold;
  o.windowTokens = t.windowTokens;
  const int bands = static_cast<int>(demo::DemoExampleGenerator::bands().size());
  for (int band = 0; band <= bands; ++band) {
    const auto examples = cprs::CprsEvaluation::heldOut(t.seed, count, band, fillers);
    auto j = cprs::CprsEvaluation::run(compressor, examples, o).toJson();
    j["band"] = band == bands ? "beyond_window" : std::to_string(band);
    j["threshold"] = threshold;
    if (band == bands) j["fillers"] = fillers;
    out << j.dump() << "\n";
  }
}

int evaluateOnly(const std::string& init, bool trainingOptions, const cprs::CprsTrainer::Options& t, long long count,
                 double threshold, int fillers, std::ostream& out) {
  if (trainingOptions)
    throw UsageError("--steps 0 only evaluates --init: --out and --bidirectional-layers do not apply");
  if (!cprs::CprsPretrained::isCompressor(init))
    throw UsageError("--steps 0 evaluates --init, but " + init +
                     "/config.json has no \"cprs\" block (not a compressor)");
  const auto tok = tokenizer::Tokenizer::load(init);
  cprs::CprsCompressor compressor(cprs::CprsPretrained::load(init), tok);
  evaluate(compressor, t, count, threshold, fillers, out);
  return 0;
}

}  // namespace

Command compressTrainCommand() {
  Command c;
  c.name = "compress-train";
  c.usage =
      "--init DIR --out DIR [--bidirectional-layers N] [--steps N] [--examples-per-step N] [--window-tokens N] "
      "[--lr X] [--keep-weight X] [--seed N] [--eval-examples N] [--eval-fillers N] [--threshold X] [--threads N]\n"
      "  --steps 0: no training, only the held-out evaluation of --init (a compressor; no --out).";
  c.summary = "train a CPRS context compressor on the demo's documents";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    const std::string init = args.require("init");
    const auto outDir = args.take("out");
    const auto bidirectional = args.takeInt("bidirectional-layers", 0, 1 << 16);
    const auto t = takeTrainOptions(args);
    const long long evalCount = args.takeInt("eval-examples", 0, 100000, 50);
    const int evalFillers = static_cast<int>(args.takeInt("eval-fillers", 0, 100000, t.beyondWindowFillers));
    const double threshold = args.takeDouble("threshold", ArgList::Range::within(0, 1), 0.5);
    const int threads = static_cast<int>(args.takeThreads());
    args.finish();
    model::applyTorchThreads(threads);
    if (t.steps == 0) return evaluateOnly(init, outDir || bidirectional, t, evalCount, threshold, evalFillers, out);
    if (!outDir) throw UsageError("compress-train needs --out DIR (or --steps 0 to only evaluate --init)");
    const auto tok = tokenizer::Tokenizer::load(init);
    std::optional<cprs::CprsConfig> cprsConfig;
    if (bidirectional || !cprs::CprsPretrained::isCompressor(init)) {
      cprsConfig = cprs::CprsConfig{};
      cprsConfig->bidirectionalLayers = bidirectional.value_or(0);
    }
    auto model = cprs::CprsPretrained::load(init, cprsConfig, t.seed);
    const auto start = std::chrono::steady_clock::now();
    cprs::CprsTrainer trainer(model, tok, t);
    trainer.run([&](int64_t step, double loss, double lr) {
      if (step % 10 != 0 && step != t.steps) return;
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      err << "step " << step << "/" << t.steps << " loss " << loss << " lr " << lr << " (" << s << " s)\n";
    });
    cprs::CprsPretrained::save(model, *outDir);
    copyTokenizer(init, *outDir);
    err << "saved the compressor to " << *outDir << "\n";
    if (evalCount > 0) {
      cprs::CprsCompressor compressor(model, tok);
      evaluate(compressor, t, evalCount, threshold, evalFillers, out);
    }
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
