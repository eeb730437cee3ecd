#include "trainer/cprs/CompressEvalCommand.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>

#include "core/cli/UsageError.h"
#include "core/dataset/DatasetReader.h"
#include "core/reward/RewardError.h"
#include "trainer/cprs/ContextEvaluation.h"
#include "trainer/cprs/CprsPretrained.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/RewardSetup.h"

namespace longrl::cli {
namespace {

struct EvalArgs {
  std::string model, data, by;
  std::optional<std::string> compressor, details;
  std::vector<cprs::ContextMode> modes;
  int64_t limit = 0;
  cprs::ContextEvaluation::Options options;
  int threads = 0;
  bool json = false;
};

template <typename T> T orUsageError(const std::function<T()>& f) {
  try {
    return f();
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

void takeCompressorOptions(ArgList& args, cprs::CprsCompressor::Options& o) {
  o.granularity = orUsageError<cprs::Granularity>(
      [&] { return cprs::granularityFromName(args.takeOr("granularity", "sentence"), "--granularity"); });
  o.threshold = args.takeDouble("threshold", ArgList::Range::within(0, 1), 0.5);
  // compress-train's window by default: the compressor scores windows as it was trained on them.
  o.windowTokens = args.takeInt("window-tokens", 2, 1 << 20, 256);
  o.batch = args.takeInt("batch", 1, 4096, 8);
}

EvalArgs takeArgs(ArgList& args) {
  EvalArgs a;
  a.model = args.require("model");
  a.data = args.require("data");
  a.compressor = args.take("compressor");
  a.modes = orUsageError<std::vector<cprs::ContextMode>>(
      [&] { return cprs::contextModesFromList(args.takeOr("context", "truncate,compress,memory"), "--context"); });
  a.limit = args.takeInt("limit", 0, 1LL << 40, 0);
  a.by = args.takeOr("by", "band");
  a.options.groupKey = a.by;
  a.options.maxNewTokens = args.takeInt("max-new-tokens", 1, 1 << 20, 256);
  takeCompressorOptions(args, a.options.compress);
  a.options.memory.chunkTokens = args.takeInt("chunk-tokens", 1, 1 << 24, a.options.memory.chunkTokens);
  a.options.memory.memoryTokens = args.takeInt("memory-tokens", 1, 1 << 24, a.options.memory.memoryTokens);
  a.details = args.take("details");
  a.threads = static_cast<int>(args.takeThreads());
  a.json = args.takeFlag("json");
  args.finish();
  const bool compress = std::find(a.modes.begin(), a.modes.end(), cprs::ContextMode::Compress) != a.modes.end();
  if (compress && !a.compressor) throw UsageError("--context compress needs --compressor DIR");
  if (!compress && a.compressor) throw UsageError("--compressor is given but --context does not hold compress");
  return a;
}

std::vector<dataset::DatasetRecord> readRecords(const EvalArgs& a, const reward::RewardRouter& router) {
  auto records = dataset::DatasetReader::readFile(a.data).records;
  if (a.limit > 0 && static_cast<std::size_t>(a.limit) < records.size())
    records.resize(static_cast<std::size_t>(a.limit));
  if (records.empty()) throw UsageError(a.data + ": no examples");
  for (const auto& r : records) {
    const std::string where = r.sourceFile + ":" + std::to_string(r.line);
    try {
      router.requireKind(r.dataSource);
    } catch (const reward::RewardError& e) {
      throw UsageError(where + ": " + e.what());
    }
    if (r.groundTruth.empty()) throw UsageError(where + ": no ground truth");
    if (r.document.empty()) throw UsageError(where + ": no document (compress-eval needs document and question)");
  }
  return records;
}

nlohmann::json header(const EvalArgs& a, const cprs::ContextEvaluation& eval) {
  nlohmann::json j = {{"model", a.model},
                      {"data", a.data},
                      {"by", a.by},
                      {"max_new_tokens", a.options.maxNewTokens},
                      {"max_prompt_tokens", eval.maxPromptTokens()}};
  if (a.compressor)
    j["compressor"] = {{"dir", *a.compressor},
                       {"threshold", a.options.compress.threshold},
                       {"granularity", cprs::granularityName(a.options.compress.granularity)},
                       {"window_tokens", a.options.compress.windowTokens}};
  for (const auto m : a.modes)
    if (m == cprs::ContextMode::Memory)
      j["memory"] = {{"chunk_tokens", a.options.memory.chunkTokens}, {"memory_tokens", a.options.memory.memoryTokens}};
  return j;
}

}  // namespace

Command compressEvalCommand() {
  Command c;
  c.name = "compress-eval";
  c.usage =
      "--model DIR --data FILE [--context truncate,compress,memory] [--compressor DIR] [--threshold X]\n"
      "    [--granularity sentence|keyword|paragraph] [--window-tokens N] [--batch N] [--chunk-tokens N]\n"
      "    [--memory-tokens N] [--max-new-tokens N] [--limit N] [--by KEY] [--details FILE] [--threads N] [--json]\n"
      "  The model's greedy accuracy on the same examples per --context mode: truncate (the document cut to the\n"
      "  window less --max-new-tokens), compress (the --compressor's kept text as the document), memory (the memory\n"
      "  agent over sections of --chunk-tokens, replies of --memory-tokens). Per extra_info --by value (default\n"
      "  band; data_source where a record has none): n, accuracy, and for truncate and compress the ratio of\n"
      "  document bytes to the bytes the model read.";
  c.summary = "accuracy with the document truncated, compressed first (CPRS) or read by the memory agent";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    auto a = takeArgs(args);
    config::RunConfig cfg;  // rule rewards, no judge, no overlong penalty (acc ignores it)
    cfg.grpo.overlongPenalty.enabled = false;
    const auto reward = train::RewardSetup::make(cfg);
    const auto records = readRecords(a, reward->router());
    std::ofstream details;
    if (a.details && !(details = std::ofstream(*a.details))) throw UsageError("cannot write --details " + *a.details);

    model::applyTorchThreads(a.threads);
    auto answering = engine::LoadedModel::load(a.model);
    std::optional<tokenizer::Tokenizer> compressorTok;
    std::optional<cprs::CprsCompressor> compressor;
    if (a.compressor) {
      compressorTok = tokenizer::Tokenizer::load(*a.compressor);
      compressor.emplace(cprs::CprsPretrained::load(*a.compressor), *compressorTok);
    }
    a.options.progress = [&err](const std::string& mode, std::size_t done, std::size_t total) {
      err << "compress-eval: " << mode << " " << done << "/" << total << std::endl;
    };
    cprs::ContextEvaluation eval(answering, *reward, compressor ? &*compressor : nullptr, a.options);
    cprs::ContextEvalReport report(a.modes);
    for (const auto mode : a.modes) {
      cprs::ContextEvaluation::Details lines;
      for (const auto& o : eval.run(mode, records, a.details ? &lines : nullptr)) report.add(o);
      for (const auto& l : lines) details << l.dump() << "\n";
    }
    if (a.json) {
      auto j = header(a, eval);
      j.update(report.toJson());
      out << j.dump() << "\n";
    } else {
      out << "model " << a.model << ", " << records.size() << " examples of " << a.data << ", prompts up to "
          << eval.maxPromptTokens() << " tokens\n"
          << report.render(a.by);
    }
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
