#include "trainer/cprs/ContextEvaluation.h"

#include "core/cprs/CprsPrompt.h"
#include "core/memory/MemoryTrajectory.h"
#include "trainer/cprs/PromptFit.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/train/ExampleLoader.h"
#include "trainer/train/MemoryAgentRollout.h"
#include "trainer/train/RolloutGenerator.h"
#include "trainer/train/Validator.h"

namespace longrl::cprs {

ContextEvaluation::ContextEvaluation(engine::LoadedModel& answering, const reward::RewardFunction& reward,
                                     CprsCompressor* compressor, Options options)
    : model_(answering), reward_(reward), compressor_(compressor), options_(std::move(options)) {}

int64_t ContextEvaluation::maxPromptTokens() const { return model_.contextLength() - options_.maxNewTokens; }

std::string ContextEvaluation::groupOf(const dataset::DatasetRecord& r) const {
  if (r.extraInfo.is_object() && r.extraInfo.contains(options_.groupKey)) {
    const auto& v = r.extraInfo.at(options_.groupKey);
    return v.is_string() ? v.get<std::string>() : v.dump();
  }
  return r.dataSource;
}

std::vector<ContextOutcome> ContextEvaluation::run(ContextMode mode, const std::vector<dataset::DatasetRecord>& records,
                                                   Details* details) {
  if (mode == ContextMode::Memory) return memoryAgent(records, details);
  return onePrompt(mode, records, details);
}

std::vector<ContextOutcome> ContextEvaluation::onePrompt(ContextMode mode,
                                                         const std::vector<dataset::DatasetRecord>& records,
                                                         Details* details) {
  if (mode == ContextMode::Compress && !compressor_)
    throw std::invalid_argument("context mode compress needs a compressor");
  const std::string name = contextModeName(mode);
  std::vector<ContextOutcome> out;
  std::vector<train::TrainExample> examples;
  std::vector<std::string> read;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    std::string document = r.document;
    if (mode == ContextMode::Compress)
      document =
          compressor_->compress(r.document, CprsPrompt::defaultInstruction(), r.question, options_.compress).text;
    auto fit = PromptFit::fit(r, document, model_.tokenizer, maxPromptTokens());
    out.push_back({groupOf(r), mode, 0.0, r.document.size(), fit.readBytes, fit.cut, 0});
    read.push_back(document.substr(0, fit.readBytes));
    examples.push_back(std::move(fit.example));
    if (options_.progress && mode == ContextMode::Compress)
      options_.progress(name + " (compressing)", i + 1, records.size());
  }

  engine::GenerationEngine engine(model_.model, model_.engineOptions());
  train::Validator validator(engine, model_.tokenizer, reward_);
  train::Validator::Options vo;  // greedy, one answer
  vo.maxNewTokens = options_.maxNewTokens;
  if (options_.progress)
    vo.onProgress = [&](std::size_t done, std::size_t total) { options_.progress(name, done, total); };
  const auto result = validator.run(examples, vo);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].acc = result.exampleAcc.at(i);
    if (details)
      details->push_back(nlohmann::json{{"index", records[i].index},
                                        {"group", out[i].group},
                                        {"mode", name},
                                        {"acc", out[i].acc},
                                        {"document_bytes", out[i].documentBytes},
                                        {"read_bytes", out[i].readBytes},
                                        {"cut", out[i].cut},
                                        {"prompt_tokens", examples[i].inputTokens()},
                                        {"read", read[i]}});
  }
  return out;
}

std::vector<ContextOutcome> ContextEvaluation::memoryAgent(const std::vector<dataset::DatasetRecord>& records,
                                                           Details* details) {
  std::vector<train::TrainExample> examples;
  for (const auto& r : records) examples.push_back(train::ExampleLoader::prepare(r, model_.tokenizer));
  engine::GenerationEngine engine(model_.model, model_.engineOptions());
  train::RolloutGenerator samples(engine, model_.tokenizer, reward_, 1);
  train::MemoryAgentRollout agent(engine, model_.tokenizer, samples, options_.memory);
  engine::SamplingParams params;
  params.temperature = 0.0;  // greedy: the seed plays no part
  params.maxNewTokens = options_.maxNewTokens;

  std::vector<ContextOutcome> out;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    auto groups = agent.generate(examples, {i}, params, 0, 0, 0, 0);
    samples.score(groups, examples);
    const auto& s = groups.at(0).samples.at(0);
    const auto& r = records[i];
    out.push_back({groupOf(r), ContextMode::Memory, s.reward.acc ? 1.0 : 0.0, r.document.size(), r.document.size(),
                   false, s.malformedReplies});
    if (details) {
      const auto trajectory = memory::MemoryTrajectory::fromJson(s.trajectory);
      const std::string memory = trajectory.steps.empty() ? "" : trajectory.steps.back().memory;
      details->push_back(nlohmann::json{{"index", r.index},
                                        {"group", out.back().group},
                                        {"mode", "memory"},
                                        {"acc", out.back().acc},
                                        {"document_bytes", r.document.size()},
                                        {"read_bytes", r.document.size()},
                                        {"cut", false},
                                        {"prompt_tokens", trajectory.finalPromptTokens},
                                        {"read", memory},
                                        {"answer", s.text},
                                        {"sections", trajectory.steps.size()},
                                        {"malformed_replies", s.malformedReplies}});
    }
    if (options_.progress) options_.progress("memory", i + 1, examples.size());
  }
  return out;
}

}  // namespace longrl::cprs
