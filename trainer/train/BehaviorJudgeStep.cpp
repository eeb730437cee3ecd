#include "trainer/train/BehaviorJudgeStep.h"

#include <chrono>
#include <cstdlib>
#include <memory>

#include "core/behavior/BehaviorMetrics.h"
#include "core/behavior/JudgeShare.h"
#include "core/reward/JudgePrompt.h"

namespace longrl::train {

reward::JudgeOptions BehaviorJudgeStep::options(const config::BehaviorJudgeConfig& j) {
  reward::JudgeOptions o;
  o.base_url = j.url;
  o.model = j.model;
  if (!j.apiKeyEnv.empty())
    if (const char* key = std::getenv(j.apiKeyEnv.c_str())) o.api_key = key;
  o.timeout_ms = static_cast<int>(j.timeoutMs);
  o.max_concurrent = static_cast<int>(j.maxConcurrent);
  return o;
}

BehaviorJudgeStep::BehaviorJudgeStep(const config::RunConfig& config)
    : config_(config), classifier_(options(config.behavior.judge)) {}

void BehaviorJudgeStep::run(std::vector<RolloutGroup>& groups, const std::vector<TrainExample>& examples,
                            std::int64_t step, std::map<std::string, double>& m) const {
  const auto t0 = std::chrono::steady_clock::now();
  const auto seed = static_cast<std::uint64_t>(config_.grpo.seed);
  std::vector<behavior::JudgeBehaviorClassifier::Input> inputs;
  std::vector<RolloutSample*> judged;
  std::vector<std::string> questions;
  questions.reserve(groups.size());                                 // inputs point into it: no reallocation
  std::vector<std::unique_ptr<grounding::GroundingIndex>> indexes;  // of the groups with a judged sample
  for (auto& grp : groups) {
    const auto& ex = examples[grp.exampleIndex];
    bool first = true;
    for (auto& s : grp.samples) {
      if (!behavior::judgeSelects(config_.behavior.judge.share, seed, step, ex.id, grp.groupIdx, s.sampleIdx)) continue;
      if (first) {
        first = false;
        const auto& q = ex.record.question;
        questions.push_back(q.empty() ? reward::JudgePrompt::questionFromPrompt(ex.record.promptText) : q);
        indexes.push_back(
            config_.behavior.grounding && !ex.record.document.empty()
                ? std::make_unique<grounding::GroundingIndex>(ex.record.document, classifier_.aligner().options().ngram)
                : nullptr);
      }
      inputs.push_back({questions.back(), ex.record.document, s.text, indexes.back().get()});
      judged.push_back(&s);
    }
  }
  auto records = classifier_.classifyMany(inputs);
  std::vector<behavior::BehaviorMetrics::Rollout> figures;
  for (size_t i = 0; i < judged.size(); ++i) {
    judged[i]->judgeBehavior = std::move(records[i]);
    figures.push_back({&*judged[i]->judgeBehavior, judged[i]->reward.acc});
  }
  behavior::BehaviorMetrics::addJudge(figures, m);
  m["timing_s/behavior_judge"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace longrl::train
