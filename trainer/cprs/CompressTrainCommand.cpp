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
  o.steps = args.takeInt("steps", 1, 10000000, o.steps);
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

void evaluate(cprs::CprsCompressor& compressor, const cprs::CprsTrainer::Options& t, long long count, double threshold,
              std::ostream& out) {
  cprs::CprsCompressor::Options o;
  o.threshold = threshold;
  o.windowTokens = t.windowTokens;
  const int bands = static_cast<int>(demo::DemoExampleGenerator::bands().size());
  for (int band = 0; band <= bands; ++band) {
    const auto examples = cprs::CprsEvaluation::heldOut(t.seed, count, band, t.beyondWindowFillers);
    auto j = cprs::CprsEvaluation::run(compressor, examples, o).toJson();
    j["band"] = band == bands ? "beyond_window" : std::to_string(band);
    j["threshold"] = threshold;
    out << j.dump() << "\n";
  }
}

}  // namespace

Command compressTrainCommand() {
  Command c;
  c.name = "compress-train";
  c.usage =
      "--init DIR --out DIR [--bidirectional-layers N] [--steps N] [--examples-per-step N] [--window-tokens N] "
      "[--lr X] [--keep-weight X] [--seed N] [--eval-examples N] [--threshold X] [--threads N]";
  c.summary = "train a CPRS context compressor on the demo's documents";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    const std::string init = args.require("init"), outDir = args.require("out");
    const auto bidirectional = args.takeInt("bidirectional-layers", 0, 1 << 16);
    const auto t = takeTrainOptions(args);
    const long long evalCount = args.takeInt("eval-examples", 0, 100000, 50);
    const double threshold = args.takeDouble("threshold", ArgList::Range::within(0, 1), 0.5);
    const int threads = static_cast<int>(args.takeThreads());
    args.finish();

    model::applyTorchThreads(threads);
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
    cprs::CprsPretrained::save(model, outDir);
    copyTokenizer(init, outDir);
    err << "saved the compressor to " << outDir << "\n";
    if (evalCount > 0) {
      cprs::CprsCompressor compressor(model, tok);
      evaluate(compressor, t, evalCount, threshold, out);
    }
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
