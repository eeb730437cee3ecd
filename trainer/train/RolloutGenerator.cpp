#include "trainer/train/RolloutGenerator.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "trainer/tokenizer/ThinkSplit.h"

namespace longrl::train {

RolloutGenerator::RolloutGenerator(engine::GenerationEngine& engine, const tokenizer::Tokenizer& tokenizer,
                                   const reward::RewardFunction& reward, int maxConcurrentRewards)
    : engine_(engine), tokenizer_(tokenizer), decoder_(tokenizer), reward_(reward),
      maxConcurrent_(std::max(1, maxConcurrentRewards)), thinkEndId_(tokenizer.tokenToId("</think>")) {}

std::uint64_t RolloutGenerator::sampleSeed(std::uint64_t runSeed, std::int64_t step, int genBatch,
                                           const std::string& exampleId) {
  // FNV-1a over the id, mixed with the counters (splitmix64 finaliser): stable across platforms.
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : exampleId) h = (h ^ c) * 1099511628211ULL;
  std::uint64_t x = h ^ (runSeed * 0x9E3779B97F4A7C15ULL) ^ (static_cast<std::uint64_t>(step) << 20) ^
                    static_cast<std::uint64_t>(genBatch);
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

std::int64_t RolloutGenerator::thinkLength(const std::vector<int>& ids, const std::string& text) const {
  if (thinkEndId_ >= 0) {
    for (size_t i = ids.size(); i-- > 0;)
      if (ids[i] == thinkEndId_) return static_cast<std::int64_t>(i);
    return 0;
  }
  const auto pos = text.rfind("</think>");
  if (pos == std::string::npos) return 0;
  return static_cast<std::int64_t>(tokenizer_.encode(text.substr(0, pos)).size());
}

RolloutSample RolloutGenerator::toSample(const engine::GeneratedSample& s) const {
  RolloutSample r;
  r.sampleIdx = s.sampleIndex;
  r.responseIds = s.tokenIds;
  if (r.responseIds.empty()) r.responseIds.push_back(engine_.options().padTokenId);  // never train on nothing
  r.text = decoder_.decode(s.tokenIds, /*skipSpecial=*/true);
  r.truncated = s.finishReason == "length";
  r.thinkLen = thinkLength(s.tokenIds, r.text);
  return r;
}

std::vector<RolloutGroup> RolloutGenerator::groups(const std::vector<TrainExample>& examples,
                                                   const std::vector<std::size_t>& indices, std::uint64_t runSeed,
                                                   std::int64_t step, int genBatch, int firstGroupIdx,
                                                   const SampleFn& sample) {
  std::vector<RolloutGroup> out;
  out.reserve(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    const auto& ex = examples.at(indices[k]);
    RolloutGroup g;
    g.exampleIndex = indices[k];
    g.groupIdx = firstGroupIdx + static_cast<int>(k);
    g.genBatch = genBatch;
    g.samples = sample(ex, sampleSeed(runSeed, step, genBatch, ex.id));
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<RolloutGroup> RolloutGenerator::generate(const std::vector<TrainExample>& examples,
                                                     const std::vector<std::size_t>& indices,
                                                     engine::SamplingParams params, std::uint64_t runSeed,
                                                     std::int64_t step, int genBatch, int firstGroupIdx) {
  // All prompts in one engine call, which prefills and decodes them in batches; each prompt draws
  // from its own seed, so its samples are those it would get alone.
  std::vector<std::vector<int>> prompts;
  params.promptSeeds.clear();
  for (auto i : indices) {
    prompts.push_back(examples.at(i).promptIds);
    params.promptSeeds.push_back(sampleSeed(runSeed, step, genBatch, examples.at(i).id));
  }
  const auto generated = prompts.empty() ? std::vector<engine::GeneratedSample>() : engine_.generate(prompts, params);
  size_t next = 0;  // groups() asks for the examples in order
  return groups(examples, indices, runSeed, step, genBatch, firstGroupIdx, [&](const TrainExample&, std::uint64_t) {
    std::vector<RolloutSample> samples;
    for (int j = 0; j < params.n; ++j) samples.push_back(toSample(generated.at(next++)));
    return samples;
  });
}

void RolloutGenerator::score(std::vector<RolloutGroup>& groups, const std::vector<TrainExample>& examples) const {
  std::vector<RolloutSample*> work;
  std::vector<const TrainExample*> exOf;
  for (auto& g : groups)
    for (auto& s : g.samples) {
      work.push_back(&s);
      exOf.push_back(&examples.at(g.exampleIndex));
    }
  auto one = [&](size_t i) {
    reward::RewardInput in;
    in.data_source = exOf[i]->record.dataSource;
    in.response = work[i]->text;
    in.ground_truth = reward::GroundTruth(exOf[i]->record.groundTruth);
    in.question = exOf[i]->record.question;
    in.response_tokens = static_cast<long>(work[i]->responseIds.size());
    work[i]->reward = reward_.compute(in);
  };
  // Without a judge the reward is pure string work: no threads needed.
  const int threads = reward_.judgeClient() ? std::min<int>(maxConcurrent_, static_cast<int>(work.size())) : 1;
  if (threads <= 1) {
    for (size_t i = 0; i < work.size(); ++i) one(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::mutex errorMutex;
  std::exception_ptr error;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < work.size();) {
        try {
          one(i);
        } catch (...) {
          std::lock_guard<std::mutex> lock(errorMutex);
          if (!error) error = std::current_exception();
        }
      }
    });
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace longrl::train
