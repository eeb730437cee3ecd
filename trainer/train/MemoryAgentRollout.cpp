#include "trainer/train/MemoryAgentRollout.h"

#include "core/memory/MemoryPrompt.h"
#include "core/memory/MemoryReplyParser.h"
#include "core/memory/MemoryTrajectory.h"

namespace longrl::train {

namespace {
std::uint64_t callSeed(std::uint64_t seed, std::size_t call) {
  std::uint64_t x = seed + 0x9E3779B97F4A7C15ULL * (call + 1);
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ULL;
  return x ^ (x >> 29);
}
}  // namespace

MemoryAgentRollout::MemoryAgentRollout(engine::GenerationEngine& engine, const tokenizer::Tokenizer& tokenizer,
                                       const RolloutGenerator& samples, const config::MemoryConfig& memory)
    : engine_(engine), tokenizer_(tokenizer), samples_(samples), memory_(memory),
      chunker_([&tokenizer](std::string_view text) { return tokenizer.encode(text).size(); },
               static_cast<std::size_t>(memory.chunkTokens)) {}

std::vector<int> MemoryAgentRollout::chatPrompt(const std::string& user) const {
  return tokenizer_.encode(tokenizer_.applyChatTemplate({{"user", user, std::nullopt}}));
}

std::vector<RolloutSample> MemoryAgentRollout::trajectories(const TrainExample& example, engine::SamplingParams params,
                                                            std::uint64_t seed) {
  const auto& doc = example.record.document;
  const std::string question =
      example.record.question.empty() ? example.userPrompt : example.record.question;  // closed-book: the prompt
  const auto chunks = chunker_.split(doc);
  const auto n = static_cast<std::size_t>(std::max(1, params.n));

  std::vector<std::vector<AgentCall>> calls(n);
  std::vector<memory::MemoryTrajectory> traj(n);
  std::vector<std::string> mem(n), plan(n);
  auto call = [&](const std::vector<std::vector<int>>& prompts, int64_t maxNew, std::size_t index) {
    engine::SamplingParams p = params;
    p.maxNewTokens = maxNew;
    p.seed = callSeed(seed, index);
    // Before the first reply every trajectory has the same prompt: prefill it once, sample n.
    if (index == 0) return engine_.generate({prompts.front()}, p);
    p.n = 1;
    return engine_.generate(prompts, p);
  };

  for (std::size_t c = 0; c < chunks.size(); ++c) {
    const std::string section = doc.substr(chunks[c].begin, chunks[c].end - chunks[c].begin);
    std::vector<std::vector<int>> prompts;
    for (std::size_t j = 0; j < n; ++j)
      prompts.push_back(
          chatPrompt(memory::MemoryPrompt::section(question, mem[j], plan[j], section, static_cast<int>(c),
                                                   static_cast<int>(chunks.size()))));
    const auto replies = call(prompts, memory_.memoryTokens, c);
    for (std::size_t j = 0; j < n; ++j) {
      const auto& r = replies.at(j);
      auto reply = samples_.toSample(r);  // decoded text, truncation, and never an empty response
      const auto update = memory::MemoryReplyParser::parse(reply.text, mem[j], plan[j]);
      memory::MemoryStep s;
      s.section = static_cast<int>(c);
      s.begin = chunks[c].begin;
      s.end = chunks[c].end;
      s.promptTokens = static_cast<std::int64_t>(prompts[j].size());
      s.responseTokens = static_cast<std::int64_t>(r.tokenIds.size());
      s.truncated = reply.truncated;
      s.reply = reply.text;
      s.memory = update.memory;
      s.plan = update.plan;
      s.problem = update.problem;
      traj[j].steps.push_back(std::move(s));
      mem[j] = update.memory;
      plan[j] = update.plan;
      calls[j].push_back({std::move(prompts[j]), std::move(reply.responseIds)});
    }
  }

  std::vector<std::vector<int>> finals;
  for (std::size_t j = 0; j < n; ++j) finals.push_back(chatPrompt(memory::MemoryPrompt::final(question, mem[j])));
  const auto answers = call(finals, params.maxNewTokens, chunks.size());
  std::vector<RolloutSample> out;
  for (std::size_t j = 0; j < n; ++j) {
    RolloutSample sample = samples_.toSample(answers.at(j));
    sample.sampleIdx = static_cast<int>(j);
    sample.calls = std::move(calls[j]);
    sample.calls.push_back({finals[j], sample.responseIds});
    for (const auto& s : traj[j].steps) {
      sample.malformedReplies += s.problem.empty() ? 0 : 1;
      sample.truncatedCalls += s.truncated ? 1 : 0;
    }
    traj[j].chunkTokens = memory_.chunkTokens;
    traj[j].finalPromptTokens = static_cast<std::int64_t>(finals[j].size());
    sample.trajectory = traj[j].toJson();
    out.push_back(std::move(sample));
  }
  return out;
}

std::vector<RolloutGroup> MemoryAgentRollout::generate(const std::vector<TrainExample>& examples,
                                                       const std::vector<std::size_t>& indices,
                                                       engine::SamplingParams params, std::uint64_t runSeed,
                                                       std::int64_t step, int genBatch, int firstGroupIdx) {
  return RolloutGenerator::groups(examples, indices, runSeed, step, genBatch, firstGroupIdx,
                                  [&](const TrainExample& ex, std::uint64_t seed) {
                                    return trajectories(ex, params, seed);
                                  });
}

}  // namespace longrl::train
