#include "trainer/train/Validator.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/io/ParallelFor.h"
#include "trainer/engine/LenientDecoder.h"
#include "trainer/train/RolloutGenerator.h"

namespace longrl::train {

Validator::Validator(engine::GenerationEngine& engine, const tokenizer::Tokenizer& tokenizer,
                     const reward::RewardFunction& reward)
    : engine_(engine), tokenizer_(tokenizer), reward_(reward) {}

double Validator::Tally::accSem() const {
  if (examples < 2) return 0.0;
  const double e = static_cast<double>(examples), mean = acc();
  const double variance = std::max(0.0, (exampleAccSqSum - e * mean * mean) / (e - 1.0));
  return std::sqrt(variance / e);
}

std::map<std::string, double> Validator::Result::metrics(int n) const {
  std::map<std::string, double> m;
  const std::string mean = "/acc/mean@" + std::to_string(n), sem = "/acc/sem@" + std::to_string(n);
  auto add = [&](const std::string& source, const Tally& t) {
    m["val-core/" + source + mean] = t.acc();
    if (t.examples >= 2) m["val-core/" + source + sem] = t.accSem();
  };
  for (const auto& [source, t] : bySource) add(source, t);
  if (overall.samples > 0) add("all", overall);
  return m;
}

uint64_t Validator::exampleSeed(uint64_t seed, const std::string& id) {
  return RolloutGenerator::sampleSeed(seed, /*step=*/0, /*genBatch=*/0, id);
}

std::vector<engine::GeneratedSample> Validator::generate(const std::vector<TrainExample>& examples,
                                                         const Options& options) {
  engine::SamplingParams params;
  params.temperature = options.temperature;
  params.topP = options.topP;
  params.maxNewTokens = options.maxNewTokens;
  params.n = options.n;
  std::vector<std::vector<int>> prompts;
  prompts.reserve(examples.size());
  for (const auto& ex : examples) {
    prompts.push_back(ex.promptIds);
    // A seed per example: its samples do not depend on how the examples are split over ranks.
    params.promptSeeds.push_back(exampleSeed(options.seed, ex.id));
  }
  if (prompts.empty()) return {};
  // One call: the engine batches the prompts itself (GenerationEngine::batches). Batches run in
  // order, so a token of prompt p means every batch before p's is complete.
  engine::TokenCallback onToken;
  size_t reported = 0;
  std::vector<size_t> batchStart(prompts.size());
  for (auto [begin, end] : engine_.batches(prompts, params))
    for (size_t p = begin; p < end; ++p) batchStart[p] = begin;
  if (options.onProgress)
    onToken = [&](size_t sample, int, float) {
      const size_t done = batchStart[sample / static_cast<size_t>(options.n)];
      if (done > reported) options.onProgress(reported = done, prompts.size());
      return true;
    };
  auto samples = engine_.generate(prompts, params, onToken);
  if (options.onProgress) options.onProgress(prompts.size(), prompts.size());
  return samples;
}

std::vector<reward::RewardResult> Validator::score(const std::vector<TrainExample>& examples,
                                                   const std::vector<engine::GeneratedSample>& samples, int n) const {
  engine::LenientDecoder decoder(tokenizer_);
  std::vector<reward::RewardInput> inputs(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    const auto& ex = examples.at(i / static_cast<size_t>(n));
    auto& in = inputs[i];
    in.data_source = ex.record.dataSource;
    in.response = decoder.decode(samples[i].tokenIds, /*skipSpecial=*/true);
    in.ground_truth = reward::GroundTruth(ex.record.groundTruth);
    in.question = ex.record.question;
    in.response_tokens = static_cast<long>(samples[i].tokenIds.size());
  }
  std::vector<reward::RewardResult> out(inputs.size());
  // Without a judge the reward is pure string work; with one, its calls overlap (the client caps
  // how many are in flight).
  const auto* judge = reward_.judgeClient();
  const size_t threads =
      judge ? std::min<size_t>(static_cast<size_t>(std::max(1, judge->options().max_concurrent)), inputs.size()) : 1;
  io::parallelFor(inputs.size(), threads, [&](size_t i) { out[i] = reward_.compute(inputs[i]); });
  return out;
}

namespace {
// Adds one example's n rewards to a tally.
void addExample(Validator::Tally& t, const reward::RewardResult* rewards, int n) {
  bool any = false, ruleAny = false;
  double correct = 0;
  for (int j = 0; j < n; ++j) {
    const auto& r = rewards[j];
    const bool ruleCorrect = r.rule_score == 1.0;
    t.accSum += r.acc ? 1.0 : 0.0;
    correct += r.acc ? 1.0 : 0.0;
    t.ruleAccSum += ruleCorrect ? 1.0 : 0.0;
    t.scoreSum += r.score;
    ++t.samples;
    any = any || r.acc;
    ruleAny = ruleAny || ruleCorrect;
    if (r.judge) {
      ++t.judged;
      if (r.judge->verdict == reward::JudgeVerdict::Yes) ++t.judgeYes;
      if (r.judge->verdict == reward::JudgeVerdict::Error) ++t.judgeErrors;
    }
  }
  ++t.examples;
  t.exampleAccSqSum += (correct / n) * (correct / n);
  if (any) ++t.examplesAnyCorrect;
  if (ruleAny) ++t.ruleAnyCorrect;
}

// The tallies an example counts in: all, its source, and its value of each extra key it has.
std::vector<Validator::Tally*> talliesOf(Validator::Result& result, const TrainExample& ex,
                                         const std::vector<std::string>& extraKeys) {
  std::vector<Validator::Tally*> out{&result.overall, &result.bySource[ex.record.dataSource]};
  for (const auto& key : extraKeys) {
    if (!ex.record.extraInfo.is_object() || !ex.record.extraInfo.contains(key)) continue;
    const auto& v = ex.record.extraInfo.at(key);
    out.push_back(&result.byExtra[key][v.is_string() ? v.get<std::string>() : v.dump()]);
  }
  return out;
}

}  // namespace

Validator::Result Validator::run(const std::vector<TrainExample>& examples, const Options& options,
                                 const std::vector<std::string>& extraKeys) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto samples = generate(examples, options);
  const auto rewards = score(examples, samples, options.n);
  Result result;
  for (size_t e = 0; e * options.n < rewards.size(); ++e) {
    const auto* first = &rewards[e * static_cast<size_t>(options.n)];
    for (Tally* t : talliesOf(result, examples[e], extraKeys)) addExample(*t, first, options.n);
    double correct = 0;
    for (int j = 0; j < options.n; ++j) correct += first[j].acc ? 1.0 : 0.0;
    result.exampleAcc.push_back(correct / options.n);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

Validator::Result Validator::summarize(const std::vector<TrainExample>& examples, const std::vector<double>& shares,
                                       int n, const std::vector<std::string>& extraKeys) {
  Result result;
  result.exampleAcc = shares;
  for (size_t e = 0; e < examples.size() && e < shares.size(); ++e)
    for (Tally* t : talliesOf(result, examples[e], extraKeys)) {
      t->accSum += shares[e] * n;
      t->samples += n;
      ++t->examples;
      t->exampleAccSqSum += shares[e] * shares[e];
      if (shares[e] > 0) ++t->examplesAnyCorrect;
    }
  return result;
}

}  // namespace longrl::train
