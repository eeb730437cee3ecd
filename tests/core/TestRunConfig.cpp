#include <QtTest/QtTest>

#include <fstream>

#include "core/config/RunConfig.h"
#include "support/TestPaths.h"

using longrl::config::AttentionImpl;
using longrl::config::ConfigError;
using longrl::config::ConfigIssue;
using longrl::config::RunConfig;
using longrl::config::ShardMode;
using nlohmann::json;

namespace {

bool hasIssue(const std::vector<ConfigIssue>& issues, const std::string& path, const std::string& fragment) {
  for (const ConfigIssue& i : issues)
    if (i.path == path && i.message.find(fragment) != std::string::npos) return true;
  return false;
}

std::string dumpIssues(const std::vector<ConfigIssue>& issues) {
  std::string s;
  for (const ConfigIssue& i : issues) s += i.text() + "\n";
  return s;
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

class TestRunConfig : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void defaultsAreTheL1Recipe() {
    const RunConfig c = RunConfig::fromJson(json::object());
    QCOMPARE(c.phases.size(), size_t(2));
    QCOMPARE(c.phases[0].maxInputTokens, int64_t(20000));
    QCOMPARE(c.phases[1].maxInputTokens, int64_t(60000));
    QCOMPARE(c.phases[0].maxOutputTokens, int64_t(10000));
    QCOMPARE(c.grpo.rolloutN, int64_t(8));
    QCOMPARE(c.grpo.trainBatchSize / c.grpo.ppoMiniBatchSize, int64_t(4));
    QCOMPARE(c.grpo.lr, 2e-6);
    QCOMPARE(c.grpo.temperature, 0.7);
    QCOMPARE(c.grpo.topP, 0.95);
    QCOMPARE(c.grpo.entropyCoeff, 0.001);
    QCOMPARE(c.grpo.klCoef, 0.0);
    QCOMPARE(c.grpo.clipRatioLow, 0.2);
    QCOMPARE(c.grpo.clipRatioHigh, 0.2);
    QCOMPARE(c.grpo.overlongPenalty.bufferLen, int64_t(1000));
    QCOMPARE(c.grpo.overlongPenalty.maxLen, int64_t(10000));
    QVERIFY(c.validate().empty());
    // A draft is valid; training needs a model and data.
    const auto forTraining = c.validateForTraining();
    QVERIFY(hasIssue(forTraining, "model.path", "empty"));
    QVERIFY(hasIssue(forTraining, "dataset.train", "required"));
  }

  void valuesAreRead() {
    const json j = json::parse(R"({
      "model": {"path": "/m", "device": "cuda:1", "dtype": "float32"},
      "dataset": {"train": ["a.jsonl", "b.jsonl"], "skip_malformed": true},
      "phases": [{"name": "p", "max_input_tokens": 4096, "max_output_tokens": 512, "steps": 30, "mode": "memory"}],
      "grpo": {"clip_ratio_high": 0.28, "loss_agg_mode": "seq-mean-token-sum", "kl_loss_type": "k3",
               "lr": 1, "aepo": {"enabled": true}, "advantage_estimator": "grpo_task_std"},
      "launch": {"target": "ssh", "host": "gpu1", "nproc": 8},
      "memory": {"chunk_tokens": 3000, "memory_tokens": 1000}
    })");
    const RunConfig c = RunConfig::fromJson(j);
    QCOMPARE(c.model.device, std::string("cuda:1"));
    QCOMPARE(c.dataset.train.size(), size_t(2));
    QVERIFY(c.dataset.skipMalformed);
    QCOMPARE(c.phases.size(), size_t(1));
    QCOMPARE(c.phases[0].steps, int64_t(30));
    QVERIFY(c.phases[0].mode == longrl::config::PhaseMode::Memory);
    QCOMPARE(c.grpo.clipRatioHigh, 0.28);
    QCOMPARE(c.grpo.clipRatioLow, 0.2);  // untouched default
    QCOMPARE(c.grpo.lr, 1.0);            // an integer is a valid number
    QVERIFY(c.grpo.lossAggMode == longrl::config::LossAggMode::SeqMeanTokenSum);
    QVERIFY(c.grpo.klLossType == longrl::config::KlLossType::K3);
    QVERIFY(c.grpo.advantageEstimator == longrl::config::AdvantageEstimator::GrpoTaskStd);
    QVERIFY(c.grpo.aepo.enabled);
    QVERIFY(c.launch.target == longrl::config::LaunchTarget::Ssh);
    QCOMPARE(c.launch.nproc, int64_t(8));
    QCOMPARE(c.memory.chunkTokens, int64_t(3000));
    QCOMPARE(c.memory.memoryTokens, int64_t(1000));
  }

  void unknownKeyNamesFullPath() {
    try {
      RunConfig::fromJson(json::parse(R"({"grpo": {"clip_ratio_hgh": 0.3}})"));
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      QCOMPARE(std::string(e.what()), std::string("unknown key 'grpo.clip_ratio_hgh'"));
      QCOMPARE(e.issues().size(), size_t(1));
      QCOMPARE(e.issues()[0].path, std::string("grpo.clip_ratio_hgh"));
    }
    const auto issues =
        RunConfig::check(json::parse(R"({"phases": [{"name": "a", "max_input_tokens": 10, "colour": 1}], "top": 1})"));
    QVERIFY2(hasIssue(issues, "phases[0].colour", "unknown key 'phases[0].colour'"), dumpIssues(issues).c_str());
    QVERIFY(hasIssue(issues, "top", "unknown key"));
  }

  void wrongTypesNamePathAndExpectedType() {
    const auto issues = RunConfig::check(json::parse(R"({
      "phases": [{"name": "a", "max_input_tokens": 100}, {"name": "b", "max_input_tokens": "60000"}],
      "grpo": {"rollout_n": 8.5, "dual_clip": 1, "loss_agg_mode": "mean", "dynamic_sampling": []},
      "dataset": {"train": ["ok", 3]},
      "model": "x"
    })"));
    QVERIFY2(hasIssue(issues, "phases[1].max_input_tokens", "expected integer, got string"),
             dumpIssues(issues).c_str());
    QVERIFY(hasIssue(issues, "grpo.rollout_n", "expected integer"));
    QVERIFY(hasIssue(issues, "grpo.dual_clip", "expected boolean"));
    QVERIFY(hasIssue(issues, "grpo.loss_agg_mode", "'token-mean'"));
    QVERIFY(hasIssue(issues, "grpo.dynamic_sampling", "expected object, got array"));
    QVERIFY(hasIssue(issues, "dataset.train[1]", "expected string"));
    QVERIFY(hasIssue(issues, "model", "expected object"));
    // The failed phase field keeps no spurious second complaint about ordering.
    int phaseIssues = 0;
    for (const auto& i : issues) phaseIssues += i.path == "phases[1].max_input_tokens";
    QCOMPARE(phaseIssues, 1);
    QCOMPARE(issues.size(), size_t(7));
  }

  void attentionIsOneOfItsChoices() {
    const auto bad = RunConfig::check(json::parse(R"({"model": {"attention": "flash"}})"));
    QVERIFY2(hasIssue(bad, "model.attention", "'auto', 'eager' or 'block'"), dumpIssues(bad).c_str());
    const auto cfg = RunConfig::fromJson(json::parse(R"({"model": {"attention": "eager"}})"), "t.json");
    QVERIFY(cfg.model.attention == AttentionImpl::Eager);
    QCOMPARE(cfg.toJson()["model"]["attention"].get<std::string>(), std::string("eager"));
    QVERIFY(RunConfig{}.model.attention == AttentionImpl::Auto);
  }

  void fullShardNeedsCheckpointing() {
    const auto bad = RunConfig::check(json::parse(R"({"distributed": {"shard": "full"}})"));
    QVERIFY2(hasIssue(bad, "distributed.shard", "needs model.gradient_checkpointing: true"), dumpIssues(bad).c_str());
    QVERIFY2(hasIssue(bad, "distributed.shard", "or use \"optimizer\""), dumpIssues(bad).c_str());
    const auto good = json::parse(R"({"distributed": {"shard": "full"}, "model": {"gradient_checkpointing": true}})");
    QVERIFY2(RunConfig::check(good).empty(), dumpIssues(RunConfig::check(good)).c_str());
    QVERIFY(RunConfig::fromJson(good, "t.json").distributed.shard == ShardMode::Full);
    QVERIFY(hasIssue(RunConfig::check(json::parse(R"({"distributed": {"shard": "params"}})")), "distributed.shard",
                     "'full'"));
  }

  void invalidValuesNamePath() {
    const auto issues = RunConfig::check(json::parse(R"({
      "phases": [{"name": "a", "max_input_tokens": 60000}, {"name": "a", "max_input_tokens": 20000, "max_output_tokens": -5}],
      "grpo": {"ppo_mini_batch_size": 48, "clip_ratio_low": 1.2, "top_p": 0, "top_k": 0,
               "aepo": {"entropy_high": 0.1, "entropy_low": 0.2}, "overlong_penalty": {"buffer_len": 20000}},
      "model": {"device": "gpu"},
      "reward": {"judge": {"enabled": true, "base_url": "localhost:8000"}},
      "launch": {"target": "template", "template": "srun python"}
    })"));
    const std::string all = dumpIssues(issues);
    QVERIFY2(hasIssue(issues, "phases[1].max_input_tokens", "greater than phases[0]"), all.c_str());
    QVERIFY(hasIssue(issues, "phases[1].name", "duplicate"));
    QVERIFY(hasIssue(issues, "phases[1].max_output_tokens", "> 0"));
    QVERIFY(hasIssue(issues, "grpo.ppo_mini_batch_size", "divide"));
    QVERIFY(hasIssue(issues, "grpo.clip_ratio_low", "(0, 1)"));
    QVERIFY(hasIssue(issues, "grpo.top_p", "(0, 1]"));
    QVERIFY(hasIssue(issues, "grpo.top_k", "-1"));
    QVERIFY(hasIssue(issues, "grpo.aepo.entropy_low", "entropy_high"));
    QVERIFY(hasIssue(issues, "grpo.overlong_penalty.buffer_len", "max_len"));
    QVERIFY(hasIssue(issues, "model.device", "cuda:N"));
    QVERIFY(hasIssue(issues, "reward.judge.base_url", "http"));
    QVERIFY(hasIssue(issues, "reward.judge.model", "empty"));
    QVERIFY(hasIssue(issues, "launch.template", "{command}"));
    QCOMPARE(issues.size(), size_t(13));
  }

  // Integers are 64-bit in the config but become ints: rollout_n 10^12 passed validation and
  // failed later as "n must be >= 1, got -727379968".
  void integersThatDoNotFitAreRefusedNamingTheKey() {
    const auto issues = RunConfig::check(json::parse(R"({
      "grpo": {"rollout_n": 1000000000000, "train_batch_size": 4294967296, "ppo_mini_batch_size": 4294967296,
               "seed": 1000000000000},
      "reward": {"judge": {"timeout_ms": 3000000000, "max_concurrent": 5000}},
      "phases": [{"name": "a", "max_input_tokens": 20000, "max_output_tokens": 10000000000}],
      "launch": {"nproc": 100000}
    })"));
    const std::string all = dumpIssues(issues);
    QVERIFY2(hasIssue(issues, "grpo.rollout_n", "must be at most 1024, got 1000000000000"), all.c_str());
    QVERIFY2(hasIssue(issues, "grpo.train_batch_size", "must be at most 2147483647, got 4294967296"), all.c_str());
    QVERIFY(hasIssue(issues, "reward.judge.timeout_ms", "at most 2147483647, got 3000000000"));
    QVERIFY(hasIssue(issues, "reward.judge.max_concurrent", "at most 1024"));
    QVERIFY(hasIssue(issues, "phases[0].max_output_tokens", "at most 2147483647, got 10000000000"));
    QVERIFY(hasIssue(issues, "launch.nproc", "at most 1024"));
    QVERIFY2(!hasIssue(issues, "grpo.seed", ""), all.c_str());  // a seed is a full 64-bit value
    int rolloutIssues = 0;
    for (const auto& i : issues) rolloutIssues += i.path == "grpo.rollout_n";
    QCOMPARE(rolloutIssues, 1);  // named once, by its own bound
    try {
      RunConfig::fromJson(json::parse(R"({"grpo": {"rollout_n": 1000000000000}})"), "run.json");
      QFAIL("rollout_n 10^12 was accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(std::string(e.what()).find("run.json: grpo.rollout_n: must be at most 1024") != std::string::npos,
               e.what());
    }
    QVERIFY(RunConfig::check(json::parse(R"({"grpo": {"seed": 9223372036854775807}})")).empty());
  }

  void roundTripIsExact() {
    RunConfig c;
    c.model.path = "/models/qwen \"quoted\"";
    c.dataset.val = {"v.jsonl"};
    c.phases.push_back({"phase3", 120000, 12000, 7, 0.0, longrl::config::PhaseMode::Memory});
    c.grpo.clipRatioHigh = 0.28;
    c.grpo.lr = 1.0 / 3.0;  // not representable in a short decimal
    c.grpo.seed = 1234567890123LL;
    c.retrospective.difficulty = longrl::config::DifficultyMeasure::OneMinusMean;
    c.retrospective.threshold = 0.75;
    c.launch.target = longrl::config::LaunchTarget::Template;
    c.launch.templ = "srun -N2 {command}";
    c.memory.chunkTokens = 3000;
    c.memory.memoryTokens = 700;
    const json first = c.toJson();
    const RunConfig back = RunConfig::fromJson(first);
    QCOMPARE(back.grpo.lr, 1.0 / 3.0);
    QCOMPARE(back.toJson(), first);
    QCOMPARE(json::parse(first.dump()), first);  // text form too
    QCOMPARE(first["launch"]["template"].get<std::string>(), std::string("srun -N2 {command}"));
    QCOMPARE(first["grpo"]["loss_agg_mode"].get<std::string>(), std::string("token-mean"));
    QCOMPARE(first["memory"]["chunk_tokens"].get<int>(), 3000);
    QCOMPARE(back.memory.memoryTokens, int64_t{700});

    const std::string dir = longrl::test::freshTempDir("runconfig-roundtrip");
    const std::string file = dir + "/config.json";
    c.saveFile(file);
    QCOMPARE(RunConfig::loadFile(file).toJson(), first);
  }

  void memoryPhaseMustHoldAChunkAndTheMemory() {
    // The defaults (5000 + 1024) fit phase1's 20000; a 4000-token memory phase does not.
    auto issues = RunConfig::check(json::parse(R"({"phases": [
        {"name": "full", "max_input_tokens": 2000},
        {"name": "mem", "max_input_tokens": 4000, "mode": "memory"}]})"));
    QVERIFY2(hasIssue(issues, "phases[1].max_input_tokens", "memory.chunk_tokens + memory.memory_tokens (6024)"),
             dumpIssues(issues).c_str());
    QCOMPARE(issues.size(), size_t(1));  // the full-context phase is not held to it
    issues = RunConfig::check(json::parse(R"({"memory": {"chunk_tokens": 0, "memory_tokens": -1}})"));
    QVERIFY2(hasIssue(issues, "memory.chunk_tokens", "> 0"), dumpIssues(issues).c_str());
    QVERIFY(hasIssue(issues, "memory.memory_tokens", "> 0"));
    issues = RunConfig::check(json::parse(R"({"memory": {"chunk_tokens": 2000, "memory_tokens": 500},
        "phases": [{"name": "mem", "max_input_tokens": 2500, "mode": "memory"}]})"));
    QVERIFY2(issues.empty(), dumpIssues(issues).c_str());
  }

  // The run sends api_key_env's value to base_url: a shared config naming HOME is refused, naming
  // the key and the way to consent; a key's name passes; allow_any_key_env is that consent.
  void judgeKeyEnvMustBeNamedLikeAKey() {
    auto judge = [](const std::string& keyEnv, bool allow) {
      json j = {{"reward",
                 {{"judge",
                   {{"enabled", true},
                    {"base_url", "http://judge.example:8000/v1"},
                    {"model", "m"},
                    {"api_key_env", keyEnv}}}}}};
      if (allow) j["reward"]["judge"]["allow_any_key_env"] = true;
      return RunConfig::check(j);
    };
    auto issues = judge("HOME", false);
    QVERIFY2(hasIssue(issues, "reward.judge.api_key_env", "'HOME' is not named like an API key"),
             dumpIssues(issues).c_str());
    QVERIFY(hasIssue(issues, "reward.judge.api_key_env", "http://judge.example:8000/v1"));
    QVERIFY(hasIssue(issues, "reward.judge.api_key_env", "set reward.judge.allow_any_key_env to true"));
    QCOMPARE(issues.size(), size_t(1));
    for (const char* refused : {"PATH", "MONKEY", "AWS_SESSION", "KEY_", "DATABASE_URL"})
      QVERIFY2(hasIssue(judge(refused, false), "reward.judge.api_key_env", "not named like an API key"), refused);
    for (const char* accepted : {"OPENAI_API_KEY", "HF_TOKEN", "judge_secret", "APIKEY", "MY_APIKEY", "Key"}) {
      issues = judge(accepted, false);
      QVERIFY2(issues.empty(), (std::string(accepted) + ": " + dumpIssues(issues)).c_str());
    }
    issues = judge("HOME", true);  // the user's consent
    QVERIFY2(issues.empty(), dumpIssues(issues).c_str());
    QCOMPARE(RunConfig::fromJson(json::parse(R"({"reward": {"judge": {"allow_any_key_env": true}}})"))
                 .reward.judge.allowAnyKeyEnv,
             true);
    QCOMPARE(RunConfig().reward.judge.allowAnyKeyEnv, false);
    // Not a variable name at all: no consent makes it one.
    for (const bool allow : {false, true})
      QVERIFY(hasIssue(judge("MY KEY", allow), "reward.judge.api_key_env", "must be an environment variable name"));
    QVERIFY(judge("", false).empty());  // calls without a key
    // A judge that is off sends nothing.
    QVERIFY(RunConfig::check(json::parse(R"({"reward": {"judge": {"api_key_env": "HOME"}}})")).empty());
  }

  void fileErrorsCarryFileName() {
    const std::string dir = longrl::test::freshTempDir("runconfig-files");
    const std::string bad = dir + "/bad.json";
    writeFile(bad, "{\n  // my run\n  \"grpo\": {\"clip_ratio_hgh\": 0.3}\n}\n");
    try {
      RunConfig::loadFile(bad);
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      QCOMPARE(std::string(e.what()), bad + ": unknown key 'grpo.clip_ratio_hgh'");
    }
    const std::string broken = dir + "/broken.json";
    writeFile(broken, "{\n  \"grpo\": {\"lr\": 1e-6,}\n}\n");
    try {
      RunConfig::loadFile(broken);
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      const std::string what = e.what();
      QVERIFY2(what.rfind(broken + ": invalid JSON at line 2", 0) == 0, what.c_str());
    }
    // Valid syntax, unreadable number: nlohmann throws out_of_range, not parse_error.
    const std::string huge = dir + "/huge.json";
    writeFile(huge, "{\"grpo\": {\"lr\": 1e999}}\n");
    try {
      RunConfig::loadFile(huge);
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      const std::string what = e.what();
      QVERIFY2(what.rfind(huge + ": invalid JSON", 0) == 0, what.c_str());
    }
    QVERIFY_THROWS_EXCEPTION(ConfigError, RunConfig::loadFile(dir + "/missing.json"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, RunConfig::fromJson(json::array()));
  }
};

QTEST_APPLESS_MAIN(TestRunConfig)
#include "TestRunConfig.moc"
