#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/RunConfig.h"
#include "core/cprs/ContextEvalReport.h"
#include "core/dataset/DatasetRecord.h"
#include "core/reward/RewardFunction.h"
#include "trainer/cprs/CprsCompressor.h"
#include "trainer/engine/LoadedModel.h"

namespace longrl::cprs {

// Answers the same examples under one context mode with one model, greedily, and scores each answer
// with the training reward (train::Validator for the one-prompt modes; the memory agent's rollout
// and RolloutGenerator's scoring for "memory"):
//   truncate  the document cut to the window (PromptFit)
//   compress  the compressor's kept text as the document (cut too, should it still not fit)
//   memory    train::MemoryAgentRollout over sections of memory.chunkTokens, answering from its memory
class ContextEvaluation {
 public:
  struct Options {
    int64_t maxNewTokens = 256;
    std::string groupKey = "band";  // extra_info key to split by; records without it go by data_source
    CprsCompressor::Options compress;
    config::MemoryConfig memory;
    std::function<void(const std::string& mode, std::size_t done, std::size_t total)> progress;
  };
  // Per example and mode, a JSON line for --details: index, group, mode, acc, document_bytes,
  // read_bytes, cut, prompt_tokens, "read" (the text the model read: the cut or compressed
  // document; memory: its final memory) and, for memory, the answer and the malformed replies.
  using Details = std::vector<nlohmann::json>;

  // `compressor` may be null when "compress" is never run.
  ContextEvaluation(engine::LoadedModel& answering, const reward::RewardFunction& reward, CprsCompressor* compressor,
                    Options options);

  std::vector<ContextOutcome> run(ContextMode mode, const std::vector<dataset::DatasetRecord>& records,
                                  Details* details = nullptr);
  // The tokens a one-prompt mode's prompt may take: the model's context less the answer budget.
  int64_t maxPromptTokens() const;

 private:
  std::vector<ContextOutcome> onePrompt(ContextMode mode, const std::vector<dataset::DatasetRecord>& records,
                                        Details* details);
  std::vector<ContextOutcome> memoryAgent(const std::vector<dataset::DatasetRecord>& records, Details* details);
  std::string groupOf(const dataset::DatasetRecord& r) const;

  engine::LoadedModel& model_;
  const reward::RewardFunction& reward_;
  CprsCompressor* compressor_;
  Options options_;
};

}  // namespace longrl::cprs
