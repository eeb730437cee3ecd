#include "trainer/cli/EvalRun.h"

#include "core/cli/UsageError.h"
#include "core/dataset/DatasetReader.h"
#include "core/reward/RewardError.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/ExampleLoader.h"
#include "trainer/train/RewardSetup.h"
#include "trainer/train/Validator.h"

namespace longrl::cli {
namespace {

using Tally = train::Validator::Tally;

// acc and rule numbers of one row from the greedy tally and, for K > 1, the sampled one.
eval::EvalRow rowOf(const std::string& name, const std::string& scorer, const Tally& greedy, const Tally* sampled) {
  eval::EvalRow row;
  row.name = name;
  row.scorer = scorer;
  row.examples = greedy.examples;
  row.acc.greedy = greedy.acc();
  row.rule.greedy = greedy.ruleAcc();
  if (sampled) {
    row.acc.meanAtK = sampled->acc();
    row.acc.passAtK = sampled->passAtN();
    row.rule.meanAtK = sampled->ruleAcc();
    row.rule.passAtK = sampled->rulePassAtN();
  }
  return row;
}

const Tally* find(const std::map<std::string, Tally>& m, const std::string& key) {
  const auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

void addJudge(eval::EvalJudgeSummary& j, const Tally& t) {
  j.calls += t.judged;
  j.yes += t.judgeYes;
  j.errors += t.judgeErrors;
  j.no += t.judged - t.judgeYes - t.judgeErrors;
}

std::vector<dataset::DatasetRecord> readRecords(const EvalRunOptions& o, const reward::RewardRouter& router) {
  auto records = dataset::DatasetReader::readFile(o.data).records;
  if (o.limit > 0 && static_cast<size_t>(o.limit) < records.size()) records.resize(static_cast<size_t>(o.limit));
  if (records.empty()) throw UsageError(o.data + ": no examples");
  for (const auto& r : records) {
    try {
      router.requireKind(r.dataSource);
    } catch (const reward::RewardError& e) {
      throw UsageError(r.sourceFile + ":" + std::to_string(r.line) + ": " + e.what());
    }
    if (r.groundTruth.empty()) throw UsageError(r.sourceFile + ":" + std::to_string(r.line) + ": no ground truth");
  }
  return records;
}

// Refuses, before anything is generated, examples whose prompt and --max-new-tokens do not fit in
// the model's context (past it the model runs on into positions it never learned): names the
// first, counts the others.
void requireFitsContext(const std::vector<train::TrainExample>& examples, int64_t maxNew, int64_t context,
                        const std::string& model) {
  const train::TrainExample* first = nullptr;
  size_t over = 0;
  for (const auto& e : examples)
    if (maxNew > context - e.inputTokens()) {
      ++over;
      if (!first) first = &e;
    }
  if (!first) return;
  const auto& r = first->record;
  std::string message = r.sourceFile + ":" + std::to_string(r.line);
  if (!first->id.empty()) message += " (example " + first->id + ")";
  message += ": the prompt is " + std::to_string(first->inputTokens()) + " tokens and --max-new-tokens " +
             std::to_string(maxNew) + ": together more than the model's context of " + std::to_string(context) +
             " tokens (" + model + "/config.json)";
  if (over > 1)
    message += "; " + std::to_string(over) + " of the " + std::to_string(examples.size()) + " examples do not fit";
  throw UsageError(message + "; lower --max-new-tokens or leave the long examples out");
}

}  // namespace

eval::EvalReport EvalRun::run(const EvalRunOptions& o, const Progress& progress) {
  config::RunConfig cfg;  // the judge as a run config describes it; no overlong penalty (acc ignores it)
  cfg.reward.judge = o.judge;
  cfg.grpo.overlongPenalty.enabled = false;
  const auto reward = train::RewardSetup::make(cfg);
  auto records = readRecords(o, reward->router());

  model::applyTorchThreads(o.threads);
  auto loaded = engine::LoadedModel::load(o.model);
  std::vector<train::TrainExample> examples;
  for (auto& r : records) examples.push_back(train::ExampleLoader::prepare(std::move(r), loaded.tokenizer));
  requireFitsContext(examples, o.maxNewTokens, loaded.contextLength(), o.model);
  engine::GenerationEngine eng(loaded.model, loaded.engineOptions());
  train::Validator validator(eng, loaded.tokenizer, *reward);

  auto pass = [&](const std::string& name, train::Validator::Options vo) {
    vo.maxNewTokens = o.maxNewTokens;
    if (progress) vo.onProgress = [&](size_t done, size_t total) { progress(name, done, total); };
    return validator.run(examples, vo, o.byKeys);
  };
  const auto greedy = pass("greedy", {});
  std::optional<train::Validator::Result> sampled;
  if (o.k > 1) {
    train::Validator::Options vo;
    vo.temperature = o.temperature;
    vo.topP = o.topP;
    vo.n = o.k;
    vo.seed = o.seed;
    sampled = pass("sampled", vo);
  }

  eval::EvalReport report;
  report.model = o.model;
  report.data = o.data;
  report.examples = static_cast<int64_t>(examples.size());
  report.k = o.k;
  report.temperature = o.temperature;
  report.topP = o.topP;
  report.seed = o.seed;
  report.maxNewTokens = o.maxNewTokens;
  report.seconds = greedy.seconds + (sampled ? sampled->seconds : 0.0);
  for (const auto& [source, t] : greedy.bySource)
    report.sources.push_back(rowOf(source, reward::kindName(reward->router().requireKind(source)), t,
                                   sampled ? find(sampled->bySource, source) : nullptr));
  report.average = eval::EvalReport::averageOf(report.sources);
  for (const auto& key : o.byKeys) {
    std::vector<eval::EvalRow> rows;
    if (const auto it = greedy.byExtra.find(key); it != greedy.byExtra.end())
      for (const auto& [value, t] : it->second) {
        const Tally* s = nullptr;
        if (sampled && sampled->byExtra.count(key)) s = find(sampled->byExtra.at(key), value);
        rows.push_back(rowOf(value, "", t, s));
      }
    report.by.emplace_back(key, std::move(rows));
  }
  if (o.judge.enabled) {
    report.judge = eval::EvalJudgeSummary{o.judge.baseUrl, o.judge.model};
    addJudge(*report.judge, greedy.overall);
    if (sampled) addJudge(*report.judge, sampled->overall);
  }
  return report;
}

}  // namespace longrl::cli
