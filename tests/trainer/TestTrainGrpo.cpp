// `longrl train` end to end on a tiny model: GRPO steps write verl-named metrics, every rollout,
// examples and documents; dynamic sampling counts generation batches; --events stdout is a
// decodable stream and nothing else; a failing run ends with status "failed" and an error event.
#include <QtTest/QtTest>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "TestTrainFixture.h"
#include "core/behavior/BehaviorStoreRow.h"
#include "core/behavior/RuleBehaviorClassifier.h"
#include "core/cli/UsageError.h"
#include "core/store/EventStreamDecoder.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/TestPaths.h"
#include "trainer/cli/TrainCommand.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/train/TrainingRun.h"

namespace fs = std::filesystem;
using namespace longrl;

class TestTrainGrpo : public QObject {
  Q_OBJECT
  std::string root_, model_, data_;

 private Q_SLOTS:
  void initTestCase();
  void grpoStepsWriteMetricsAndRollouts();
  void dynamicSamplingCountsGenerationBatches();
  void yarnModelTrainsPastItsWindow();
  void eventsStdoutAreDecodable();
  void usageErrors();
  void failedRunIsRecorded();
};

void TestTrainGrpo::initTestCase() {
  root_ = test::freshTempDir("train-grpo");
  model_ = test::makeTinyModel(root_);
  data_ = root_ + "/train.jsonl";
  test::writeDataset(data_, test::tinyDocs(3, 4));
}

void TestTrainGrpo::grpoStepsWriteMetricsAndRollouts() {
  const std::string runDir = root_ + "/run-basic";
  auto cfg = test::tinyConfig(model_, data_);
  std::ostringstream log;
  train::TrainOptions o;
  o.runDir = runDir;
  o.log = &log;
  QCOMPARE(train::TrainingRun(cfg, o).run(), std::string("finished"));
  QVERIFY(fs::exists(runDir + "/config.json"));
  QVERIFY(fs::exists(runDir + "/checkpoints/step-2/model.safetensors"));
  QVERIFY(fs::exists(runDir + "/checkpoints/step-2/tokenizer.json"));
  QVERIFY(fs::exists(runDir + "/checkpoints/step-2/trainer_state/state.json"));
  QVERIFY(fs::exists(runDir + "/checkpoints/step-2/trainer_state/optimizer.pt"));
  // The resolved config round-trips.
  QVERIFY(config::RunConfig::loadFile(runDir + "/config.json").toJson() == cfg.toJson());

  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  const auto names = r.metricNames();
  const std::set<std::string> have(names.begin(), names.end());
  for (const char* n : {"actor/pg_loss",
                        "actor/pg_clipfrac",
                        "actor/pg_clipfrac_lower",
                        "actor/ppo_kl",
                        "actor/entropy",
                        "actor/grad_norm",
                        "actor/lr",
                        "critic/score/mean",
                        "critic/score/max",
                        "critic/score/min",
                        "critic/rewards/mean",
                        "critic/rewards/max",
                        "critic/rewards/min",
                        "critic/advantages/mean",
                        "critic/advantages/max",
                        "critic/advantages/min",
                        "response_length/mean",
                        "response_length/max",
                        "response_length/min",
                        "response_length/clip_ratio",
                        "prompt_length/mean",
                        "prompt_length/max",
                        "prompt_length/min",
                        "prompt_length/clip_ratio",
                        "timing_s/gen",
                        "timing_s/reward",
                        "timing_s/old_log_prob",
                        "timing_s/adv",
                        "timing_s/update_actor",
                        "timing_s/step",
                        "perf/throughput",
                        "perf/time_per_step",
                        "perf/cpu_memory_used_gb",
                        "train/num_gen_batches",
                        "timing_s/behavior",
                        "behavior/grounding_share/mean",
                        "behavior/passages/mean",
                        "behavior/subgoal/mean",
                        "behavior/backtracking/mean",
                        "behavior/verification/mean",
                        "behavior/subgoal/mean/wrong"})
    QVERIFY2(have.count(n), n);
  QVERIFY(!have.count("behavior/subgoal/mean/correct"));  // no answer is right (rule score 0)
  QVERIFY(!have.count("actor/kl_loss"));                  // no KL loss configured
  QCOMPARE(r.metricSeries("actor/lr").size(), size_t(2));
  QCOMPARE(r.metricSeries("actor/lr").back().value, 1e-3);
  QCOMPARE(r.metricSeries("train/num_gen_batches").back().value, 1.0);
  QVERIFY(r.metricSeries("actor/grad_norm").back().value > 0.0);

  // 2 steps x 2 prompts x 4 samples, unique keys, rewards = length penalty on a random model.
  store::RolloutQuery q;
  q.limit = 1000;
  const auto rollouts = r.rollouts(q);
  QCOMPARE(rollouts.size(), size_t(16));
  std::set<std::tuple<int64_t, std::string, int, int>> keys;
  bool someAdvantage = false;
  std::map<std::pair<int64_t, int>, std::vector<double>> groupRewards, groupAdvantages;
  for (const auto& x : rollouts) {
    keys.insert({x.step, x.example_id, x.group_idx, x.sample_idx});
    QVERIFY(x.length >= 1 && x.length <= 12);
    QCOMPARE(x.truncated, x.length == 12);
    // Independent penalty: min(-(len - (12 - 8)) / 8, 0); rule score 0 (no </think>).
    QCOMPARE(x.rule_score, 0.0);
    QVERIFY(std::abs(x.reward - std::min(-(double(x.length) - 4.0) / 8.0, 0.0)) < 1e-9);
    QVERIFY(x.mean_entropy > 0.0);
    QVERIFY(x.prompt_tokens > 0);
    // Its behaviours, stored beside it as the rule classifier sees its response.
    const auto behaviors = r.rolloutBehaviors(x);
    QCOMPARE(behaviors.size(), size_t(1));
    QCOMPARE(behaviors[0].classifier, std::string("rule"));
    QCOMPARE(behaviors[0].revision, 0);
    QVERIFY(behaviors[0].grounding_share >= 0.0);  // every example has a document
    const auto stored = behavior::fromStoreRow(behaviors[0]);
    const auto fresh = behavior::RuleBehaviorClassifier().classify(x.response);
    QVERIFY(stored.spans == fresh.spans);
    QCOMPARE(behaviors[0].subgoal, std::int64_t(fresh.subgoal));
    groupRewards[{x.step, x.group_idx}].push_back(x.reward);
    groupAdvantages[{x.step, x.group_idx}].push_back(x.advantage);
  }
  // GRPO: equal rewards in a group give zero advantages; otherwise they sum to zero.
  for (const auto& [key, rewards] : groupRewards) {
    const auto& adv = groupAdvantages[key];
    double sum = 0;
    for (double a : adv) sum += a;
    QVERIFY(std::abs(sum) < 1e-6);
    if (std::equal(rewards.begin() + 1, rewards.end(), rewards.begin()))
      for (double a : adv) QCOMPARE(a, 0.0);
    else someAdvantage = true;
  }
  Q_UNUSED(someAdvantage);
  QCOMPARE(keys.size(), rollouts.size());
  // Examples and their documents stored once.
  const auto examples = r.examples();
  QVERIFY(!examples.empty() && examples.size() <= 3);
  for (const auto& e : examples) {
    QVERIFY(e.doc_id > 0);
    QVERIFY(r.document(e.doc_id).has_value());
    QCOMPARE(e.ground_truth, std::string("Oslo"));
  }
  const auto runs = r.runs();
  QCOMPARE(runs.size(), size_t(1));
  QCOMPARE(runs[0].status, std::string("finished"));
  const auto phases = r.phases();
  QCOMPARE(phases.size(), size_t(1));
  QCOMPARE(phases[0].status, std::string("done"));
  QCOMPARE(phases[0].start_step, int64_t(1));
  QCOMPARE(phases[0].end_step, int64_t(2));
  QVERIFY(!r.difficulty(0).empty());

  // The update moved the weights.
  auto before = model::QwenPretrained::load(model_);
  auto after = model::QwenPretrained::load(runDir + "/checkpoints/step-2");
  QVERIFY(!torch::allclose(before->model->embed_tokens->weight, after->model->embed_tokens->weight));
}

// The qwen3-yarn-tiny preset (YaRN, trained window 256) through a GRPO step on prompts longer
// than that window: generation, old log-probs and the update run, and the checkpoint keeps rope_scaling.
void TestTrainGrpo::yarnModelTrainsPastItsWindow() {
  const std::string root = root_ + "/yarn";
  const std::string model = test::makeTinyModel(root, 1.0, "qwen3-yarn-tiny");
  const auto docs = test::tinyDocs(2, 60);
  const auto tok = tokenizer::Tokenizer::load(model);
  for (const auto& d : docs) QVERIFY2(test::promptTokens(tok, d) > 256, "prompt within the original window");
  const std::string data = root + "/train.jsonl";
  test::writeDataset(data, docs);
  auto cfg = test::tinyConfig(model, data);
  cfg.phases[0].steps = 1;
  cfg.checkpoint.everySteps = 1;
  const std::string runDir = root + "/run";
  std::ostringstream log;
  train::TrainOptions o;
  o.runDir = runDir;
  o.log = &log;
  QCOMPARE(train::TrainingRun(cfg, o).run(), std::string("finished"));
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  QVERIFY(r.metricSeries("prompt_length/min").back().value > 256);
  QVERIFY(r.metricSeries("actor/grad_norm").back().value > 0.0);
  const auto trained = model::QwenPretrained::load(runDir + "/checkpoints/step-1");
  const auto& rope = trained->config().ropeScaling;
  QCOMPARE(rope.typeName(), std::string("yarn"));
  QCOMPARE(rope.factor, 4.0);
  QCOMPARE(rope.originalMaxPositionEmbeddings.value_or(0), int64_t(256));
  auto before = model::QwenPretrained::load(model);
  QVERIFY(!torch::allclose(before->model->embed_tokens->weight, trained->model->embed_tokens->weight));
}

void TestTrainGrpo::dynamicSamplingCountsGenerationBatches() {
  // A random model never answers: every group has zero accuracy variance, so every generation
  // batch is dropped until the cap; no update happens.
  const std::string runDir = root_ + "/run-dynamic";
  auto cfg = test::tinyConfig(model_, data_);
  cfg.phases[0].steps = 1;
  cfg.grpo.dynamicSampling.enabled = true;
  cfg.grpo.dynamicSampling.maxNumGenBatches = 3;
  train::TrainOptions o;
  o.runDir = runDir;
  QCOMPARE(train::TrainingRun(cfg, o).run(), std::string("finished"));
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  QCOMPARE(r.metricSeries("train/num_gen_batches").back().value, 3.0);
  QCOMPARE(r.metricSeries("train/num_kept_groups").back().value, 0.0);
  QCOMPARE(r.metricSeries("train/num_dropped_groups").back().value, 6.0);
  QVERIFY(r.metricSeries("actor/pg_loss").empty());
  store::RolloutQuery q;
  q.limit = 1000;
  const auto rollouts = r.rollouts(q);
  QCOMPARE(rollouts.size(), size_t(3 * 2 * 4));
  std::set<int> groups;
  for (const auto& x : rollouts) groups.insert(x.group_idx);
  QCOMPARE(groups.size(), size_t(6));  // group indices unique across generation batches
}

void TestTrainGrpo::eventsStdoutAreDecodable() {
  const std::string runDir = root_ + "/run-events";
  auto cfg = test::tinyConfig(model_, data_);
  cfg.phases[0].steps = 1;
  cfg.saveFile(root_ + "/events-config.json");
  cli::ArgList args({"--config", root_ + "/events-config.json", "--run-dir", runDir, "--events", "stdout"});
  std::ostringstream out, err;
  QCOMPARE(cli::trainCommand().run(args, out, err), 0);
  const std::string stream = out.str();
  QVERIFY(!stream.empty());
  // Decode into a mirror store: every line is a record, nothing else is on stdout.
  const std::string mirror = root_ + "/mirror.sqlite";
  store::RunStoreWriter writer(mirror);
  store::EventStreamDecoder dec(writer);
  dec.feed(stream);
  dec.finish();
  QCOMPARE(dec.stats().problems, size_t(0));
  QCOMPARE(dec.stats().nonJsonLines, size_t(0));
  QVERIFY(dec.stats().records > 10);
  store::RunStoreReader local(store::RunStore::fileIn(runDir)), remote(mirror);
  QCOMPARE(remote.metricNames(), local.metricNames());
  store::RolloutQuery q;
  QCOMPARE(remote.rolloutCount(q), local.rolloutCount(q));
  QCOMPARE(remote.examples().size(), local.examples().size());
  QCOMPARE(remote.runs().at(0).status, std::string("finished"));
  QVERIFY(err.str().find("train: finished") != std::string::npos);
}

void TestTrainGrpo::usageErrors() {
  auto run = [](std::vector<std::string> a) {
    cli::ArgList args(std::move(a));
    std::ostringstream out, err;
    return cli::trainCommand().run(args, out, err);
  };
  QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({"--run-dir", root_ + "/x"}));
  QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({"--config", "c.json"}));
  QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({"--config", "c.json", "--run-dir", "d", "--events", "file"}));
  QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({"--config", "c.json", "--run-dir", "d", "--bogus", "1"}));
}

void TestTrainGrpo::failedRunIsRecorded() {
  const std::string runDir = root_ + "/run-failed";
  auto cfg = test::tinyConfig(root_ + "/no-such-model", data_);
  cfg.saveFile(root_ + "/failed-config.json");
  cli::ArgList args({"--config", root_ + "/failed-config.json", "--run-dir", runDir});
  std::ostringstream out, err;
  QCOMPARE(cli::trainCommand().run(args, out, err), 1);
  QVERIFY(err.str().find("no-such-model") != std::string::npos);
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  QCOMPARE(r.runs().at(0).status, std::string("failed"));
  bool sawError = false;
  for (const auto& e : r.eventsAfter(0))
    if (e.kind == "error" && e.payload.find("no-such-model") != std::string::npos) sawError = true;
  QVERIFY(sawError);
}

QTEST_APPLESS_MAIN(TestTrainGrpo)
#include "TestTrainGrpo.moc"
