#include "trainer/train/Validator.h"

#include <chrono>

#include "trainer/engine/LenientDecoder.h"

namespace longrl::train {

Validator::Validator(engine::GenerationEngine& engine, const tokenizer::Tokenizer& tokenizer,
                     const reward::RewardFunction& reward)
    : engine_(engine), tokenizer_(tokenizer), reward_(reward) {}

std::map<std::string, double> Validator::Result::metrics(int n) const {
  std::map<std::string, double> m;
  const std::string suffix = "/acc/mean@" + std::to_string(n);
  for (const auto& [source, t] : bySource) m["val-core/" + source + suffix] = t.acc();
  if (overall.samples > 0) m["val-core/all" + suffix] = overall.acc();
  return m;
}

Validator::Result Validator::run(const std::vector<TrainExample>& examples, const Options& options,
                                 const std::vector<std::string>& extraKeys) {
  const auto t0 = std::chrono::steady_clock::now();
  engine::SamplingParams params;
  params.temperature = options.temperature;
  params.topP = options.topP;
  params.maxNewTokens = options.maxNewTokens;
  params.n = options.n;
  params.seed = options.seed;
  engine::LenientDecoder decoder(tokenizer_);

  std::vector<std::vector<int>> prompts;
  prompts.reserve(examples.size());
  for (const auto& ex : examples) prompts.push_back(ex.promptIds);
  // One call: the engine batches the prompts itself (EngineOptions::maxPromptsPerBatch).
  const auto samples = prompts.empty() ? std::vector<engine::GeneratedSample>{} : engine_.generate(prompts, params);

  Result result;
  for (size_t i = 0; i < samples.size(); ++i) {
    const auto& ex = examples.at(i / static_cast<size_t>(options.n));
    const auto& s = samples[i];
    reward::RewardInput in;
    in.data_source = ex.record.dataSource;
    in.response = decoder.decode(s.tokenIds, /*skipSpecial=*/true);
    in.ground_truth = reward::GroundTruth(ex.record.groundTruth);
    in.question = ex.record.question;
    in.response_tokens = static_cast<long>(s.tokenIds.size());
    const auto r = reward_.compute(in);
    auto add = [&](Tally& t) {
      t.accSum += r.acc ? 1.0 : 0.0;
      t.scoreSum += r.score;
      ++t.samples;
    };
    add(result.overall);
    add(result.bySource[ex.record.dataSource]);
    for (const auto& key : extraKeys) {
      if (!ex.record.extraInfo.is_object() || !ex.record.extraInfo.contains(key)) continue;
      const auto& v = ex.record.extraInfo.at(key);
      add(result.byExtra[key][v.is_string() ? v.get<std::string>() : v.dump()]);
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace longrl::train
