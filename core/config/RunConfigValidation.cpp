// Value checks of a RunConfig, each naming the key path of the offending field.
#include <cctype>
#include <cstdint>
#include <limits>
#include <set>
#include <type_traits>

#include "core/config/KeyEnvName.h"
#include "core/config/RunConfig.h"
#include "core/config/RunConfigFields.h"

namespace longrl::config {
namespace {

class Checker {
 public:
  explicit Checker(std::vector<ConfigIssue>& issues) : issues_(issues) {}

  void fail(const std::string& path, const std::string& message) { issues_.push_back({path, message}); }
  void positive(const std::string& path, int64_t v) {
    if (v <= 0) fail(path, "must be > 0, got " + std::to_string(v));
  }
  void nonNegative(const std::string& path, int64_t v) {
    if (v < 0) fail(path, "must be >= 0, got " + std::to_string(v));
  }
  void positive(const std::string& path, double v) {
    if (!(v > 0)) fail(path, "must be > 0, got " + num(v));
  }
  void nonNegative(const std::string& path, double v) {
    if (!(v >= 0)) fail(path, "must be >= 0, got " + num(v));
  }
  void inRange(const std::string& path, double v, double lo, double hi, bool loOpen) {
    const bool ok = (loOpen ? v > lo : v >= lo) && v <= hi;
    if (!ok)
      fail(path, "must be in " + std::string(loOpen ? "(" : "[") + num(lo) + ", " + num(hi) + "], got " + num(v));
  }
  static std::string num(double v) {
    if (v == static_cast<double>(static_cast<int64_t>(v)) && v > -1e15 && v < 1e15)
      return std::to_string(static_cast<int64_t>(v));  // "1", not "1.0", in messages
    return nlohmann::json(v).dump();
  }

 private:
  std::vector<ConfigIssue>& issues_;
};

bool validDevice(const std::string& d) {
  if (d == "cpu" || d == "cuda") return true;
  if (d.rfind("cuda:", 0) != 0 || d.size() == 5 || d.size() > 8) return false;
  for (size_t i = 5; i < d.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  return true;
}

void checkPhases(Checker& c, const std::vector<PhaseConfig>& phases, const MemoryConfig& memory) {
  if (phases.empty()) c.fail("phases", "at least one phase is required");
  std::set<std::string> names;
  for (size_t i = 0; i < phases.size(); ++i) {
    const PhaseConfig& p = phases[i];
    const std::string at = "phases[" + std::to_string(i) + "]";
    if (p.name.empty()) c.fail(at + ".name", "must not be empty");
    else if (!names.insert(p.name).second) c.fail(at + ".name", "duplicate phase name '" + p.name + "'");
    c.positive(at + ".max_input_tokens", p.maxInputTokens);
    if (i > 0 && p.maxInputTokens > 0 && p.maxInputTokens <= phases[i - 1].maxInputTokens)
      c.fail(at + ".max_input_tokens", "must be greater than phases[" + std::to_string(i - 1) + "].max_input_tokens (" +
                                           std::to_string(phases[i - 1].maxInputTokens) + "): phases grow");
    c.positive(at + ".max_output_tokens", p.maxOutputTokens);
    c.nonNegative(at + ".steps", p.steps);
    c.nonNegative(at + ".epochs", p.epochs);
    if (p.steps == 0 && p.epochs == 0) c.fail(at + ".steps", "set steps or epochs (both are 0)");
    // A section call's prompt holds a chunk and the memory and plan of the call before it.
    if (p.mode == PhaseMode::Memory && memory.chunkTokens > 0 && memory.memoryTokens > 0 &&
        memory.chunkTokens + memory.memoryTokens > p.maxInputTokens)
      c.fail(at + ".max_input_tokens", "must hold memory.chunk_tokens + memory.memory_tokens (" +
                                           std::to_string(memory.chunkTokens + memory.memoryTokens) +
                                           ") in a phase of mode 'memory', got " + std::to_string(p.maxInputTokens));
  }
}

// The run sends api_key_env's value to base_url: a name not like a key's needs consent (KeyEnvName).
// `at` is the judge's key path ("reward.judge"), `urlKey` its URL's key.
void checkKeyEnv(Checker& c, const std::string& at, const std::string& keyEnv, bool allowAny, const std::string& url,
                 const char* urlKey) {
  if (keyEnv.empty()) return;  // calls without a key
  if (!KeyEnvName::isName(keyEnv))
    c.fail(at + ".api_key_env",
           "must be an environment variable name (letters, digits and _, not starting with a digit), got '" + keyEnv +
               "'");
  else if (!allowAny && !KeyEnvName::looksLikeKey(keyEnv))
    c.fail(at + ".api_key_env", "'" + keyEnv + "' is not named like an API key (" + KeyEnvName::rule() +
                                    "), and the run would send its value to " +
                                    (url.empty() ? at + "." + urlKey : url) + "; set " + at +
                                    ".allow_any_key_env to true if it holds the judge's key");
}

void checkUrlAndModel(Checker& c, const std::string& at, const std::string& url, const char* urlKey,
                      const std::string& model, const char* when) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    c.fail(at + "." + urlKey, std::string("must start with http:// or https:// ") + when);
  if (model.empty()) c.fail(at + ".model", std::string("must not be empty ") + when);
}

void checkBehaviorJudge(Checker& c, const BehaviorJudgeConfig& j) {
  c.inRange("behavior.judge.share", j.share, 0.0, 1.0, false);
  if (j.share > 0) {
    checkUrlAndModel(c, "behavior.judge", j.url, "url", j.model, "when behavior.judge.share > 0");
    checkKeyEnv(c, "behavior.judge", j.apiKeyEnv, j.allowAnyKeyEnv, j.url, "url");
  }
  c.positive("behavior.judge.timeout_ms", j.timeoutMs);
  c.positive("behavior.judge.max_concurrent", j.maxConcurrent);
}

// Bounds of counts that size threads or allocations: beyond them a value is a typo, not a recipe.
constexpr int64_t kMaxRolloutN = 1024;
constexpr int64_t kMaxParallel = 1024;  // judge calls in flight, data-parallel ranks

void checkGrpo(Checker& c, const GrpoConfig& g) {
  if (g.rolloutN < 2)
    c.fail("grpo.rollout_n", "must be >= 2 (a group of one has no spread), got " + std::to_string(g.rolloutN));
  else if (g.rolloutN > kMaxRolloutN)
    c.fail("grpo.rollout_n", "must be at most " + std::to_string(kMaxRolloutN) + ", got " + std::to_string(g.rolloutN));
  c.positive("grpo.train_batch_size", g.trainBatchSize);
  c.positive("grpo.ppo_mini_batch_size", g.ppoMiniBatchSize);
  if (g.ppoMiniBatchSize > 0 && g.trainBatchSize > 0) {
    if (g.ppoMiniBatchSize > g.trainBatchSize)
      c.fail("grpo.ppo_mini_batch_size", "must be <= grpo.train_batch_size (" + std::to_string(g.trainBatchSize) + ")");
    else if (g.trainBatchSize % g.ppoMiniBatchSize != 0)
      c.fail("grpo.ppo_mini_batch_size",
             "must divide grpo.train_batch_size (" + std::to_string(g.trainBatchSize) + ")");
  }
  c.positive("grpo.ppo_epochs", g.ppoEpochs);
  if (!(g.clipRatioLow > 0 && g.clipRatioLow < 1))  // the ratio floor 1 - clip_ratio_low must stay positive
    c.fail("grpo.clip_ratio_low", "must be in (0, 1), got " + Checker::num(g.clipRatioLow));
  c.positive("grpo.clip_ratio_high", g.clipRatioHigh);
  if (!(g.clipRatioC > 1.0)) c.fail("grpo.clip_ratio_c", "must be > 1, got " + Checker::num(g.clipRatioC));
  c.nonNegative("grpo.kl_coef", g.klCoef);
  c.nonNegative("grpo.entropy_coeff", g.entropyCoeff);
  c.positive("grpo.lr", g.lr);
  c.nonNegative("grpo.weight_decay", g.weightDecay);
  c.positive("grpo.grad_clip", g.gradClip);
  c.positive("grpo.temperature", g.temperature);
  c.inRange("grpo.top_p", g.topP, 0.0, 1.0, true);
  if (g.topK == 0 || g.topK < -1) c.fail("grpo.top_k", "must be -1 (off) or > 0, got " + std::to_string(g.topK));
  c.positive("grpo.dynamic_sampling.max_num_gen_batches", g.dynamicSampling.maxNumGenBatches);
  c.nonNegative("grpo.aepo.entropy_low", g.aepo.entropyLow);
  if (!(g.aepo.entropyLow < g.aepo.entropyHigh))
    c.fail("grpo.aepo.entropy_low", "must be < grpo.aepo.entropy_high (" + Checker::num(g.aepo.entropyHigh) + ")");
  c.positive("grpo.overlong_penalty.buffer_len", g.overlongPenalty.bufferLen);
  c.positive("grpo.overlong_penalty.max_len", g.overlongPenalty.maxLen);
  if (g.overlongPenalty.bufferLen > 0 && g.overlongPenalty.bufferLen >= g.overlongPenalty.maxLen)
    c.fail("grpo.overlong_penalty.buffer_len",
           "must be < grpo.overlong_penalty.max_len (" + std::to_string(g.overlongPenalty.maxLen) + ")");
}

// The config's integers are 64-bit, but most end up as an int (sample counts, thread counts,
// time-outs): one that does not fit would wrap to a negative or small number far from the
// validation (rollout_n 10^12 became n = -727379968). Every integer but the seed must fit in 32
// bits; paths that already have an issue are not reported twice.
class IntegerWidths {
 public:
  IntegerWidths(std::string prefix, std::vector<ConfigIssue>& issues) : prefix_(std::move(prefix)), issues_(issues) {}

  void field(const char* key, int64_t& v, const char* /*meaning*/) {
    const std::string path = join(key);
    if (path == "grpo.seed" || reported(path)) return;
    constexpr int64_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
    if (v > hi) issues_.push_back({path, "must be at most " + std::to_string(hi) + ", got " + std::to_string(v)});
    else if (v < lo) issues_.push_back({path, "must be at least " + std::to_string(lo) + ", got " + std::to_string(v)});
  }
  void field(const char* key, std::vector<PhaseConfig>& phases, const char* /*meaning*/) {
    for (size_t i = 0; i < phases.size(); ++i) {
      IntegerWidths sub(join(key) + "[" + std::to_string(i) + "]", issues_);
      detail::fields(sub, phases[i]);
    }
  }
  void field(const char*, std::string&, const char*) {}
  void field(const char*, std::vector<std::string>&, const char*) {}
  template <class T> void field(const char* key, T& value, const char* /*meaning*/) {
    if constexpr (std::is_class_v<T>) {
      IntegerWidths sub(join(key), issues_);
      detail::fields(sub, value);
    }
  }

 private:
  std::string join(const char* key) const { return prefix_.empty() ? key : prefix_ + "." + key; }
  bool reported(const std::string& path) const {
    for (const ConfigIssue& i : issues_)
      if (i.path == path) return true;
    return false;
  }

  std::string prefix_;
  std::vector<ConfigIssue>& issues_;
};

}  // namespace

std::vector<PhaseConfig> RunConfig::defaultPhases() {
  PhaseConfig a;
  a.name = "phase1";
  a.maxInputTokens = 20000;
  PhaseConfig b;
  b.name = "phase2";
  b.maxInputTokens = 60000;
  return {a, b};
}

std::vector<ConfigIssue> RunConfig::validate() const {
  std::vector<ConfigIssue> issues;
  Checker c(issues);
  if (model.dtype != "float32" && model.dtype != "bfloat16" && model.dtype != "float16")
    c.fail("model.dtype", "expected one of 'float32', 'bfloat16' or 'float16', got '" + model.dtype + "'");
  if (!validDevice(model.device))
    c.fail("model.device", "expected 'cpu', 'cuda' or 'cuda:N', got '" + model.device + "'");

  c.nonNegative("dataset.val_max_examples", dataset.valMaxExamples);
  c.nonNegative("dataset.val_every_steps", dataset.valEverySteps);
  c.positive("dataset.val_n", dataset.valN);
  if (dataset.valN > kMaxRolloutN)
    c.fail("dataset.val_n",
           "must be at most " + std::to_string(kMaxRolloutN) + ", got " + std::to_string(dataset.valN));
  c.positive("dataset.val_temperature", dataset.valTemperature);
  c.inRange("dataset.val_top_p", dataset.valTopP, 0.0, 1.0, true);
  c.nonNegative("sft.epochs", sft.epochs);
  c.nonNegative("sft.steps", sft.steps);
  if (sft.steps == 0 && sft.epochs == 0) c.fail("sft.steps", "set steps or epochs (both are 0)");
  c.positive("sft.lr", sft.lr);
  c.positive("sft.batch_size", sft.batchSize);
  c.positive("sft.grad_accumulation", sft.gradAccumulation);
  c.positive("sft.max_len", sft.maxLen);
  c.inRange("sft.warmup_ratio", sft.warmupRatio, 0.0, 1.0, false);
  c.nonNegative("sft.weight_decay", sft.weightDecay);
  c.positive("sft.grad_clip", sft.gradClip);

  c.positive("memory.chunk_tokens", memory.chunkTokens);
  c.positive("memory.memory_tokens", memory.memoryTokens);
  checkPhases(c, phases, memory);
  checkGrpo(c, grpo);

  const JudgeConfig& j = reward.judge;
  if (j.enabled) {
    checkUrlAndModel(c, "reward.judge", j.baseUrl, "base_url", j.model, "when the judge is enabled");
    checkKeyEnv(c, "reward.judge", j.apiKeyEnv, j.allowAnyKeyEnv, j.baseUrl, "base_url");
  }
  c.positive("reward.judge.timeout_ms", j.timeoutMs);
  c.nonNegative("reward.judge.max_retries", j.maxRetries);
  c.positive("reward.judge.max_concurrent", j.maxConcurrent);
  if (j.maxConcurrent > kMaxParallel)
    c.fail("reward.judge.max_concurrent",
           "must be at most " + std::to_string(kMaxParallel) + ", got " + std::to_string(j.maxConcurrent));

  checkBehaviorJudge(c, behavior.judge);
  if (behavior.judge.maxConcurrent > kMaxParallel)
    c.fail("behavior.judge.max_concurrent",
           "must be at most " + std::to_string(kMaxParallel) + ", got " + std::to_string(behavior.judge.maxConcurrent));

  if (retrospective.difficulty == DifficultyMeasure::OneMinusMean)
    c.inRange("retrospective.threshold", retrospective.threshold, 0.0, 1.0, false);
  else if (!(retrospective.threshold >= 1.0))  // 1 / mean reward with rewards in [0, 1] is >= 1
    c.fail("retrospective.threshold",
           "must be >= 1 for difficulty 'inverse_mean', got " + Checker::num(retrospective.threshold));
  c.nonNegative("retrospective.max_count", retrospective.maxCount);
  // Other ranks wait for rank 0 in a collective, which gives up after 30 minutes.
  c.inRange("retrospective.wait_for_annotations_s", retrospective.waitForAnnotationsS, 0.0, 1500.0, false);

  c.positive("checkpoint.every_steps", checkpoint.everySteps);
  c.nonNegative("checkpoint.keep", checkpoint.keep);

  if (launch.target == LaunchTarget::Ssh && launch.host.empty())
    c.fail("launch.host", "must not be empty when launch.target is 'ssh'");
  if (launch.target == LaunchTarget::Template && launch.templ.find("{command}") == std::string::npos)
    c.fail("launch.template", "must contain {command} when launch.target is 'template'");
  c.positive("launch.nproc", launch.nproc);
  if (launch.nproc > kMaxParallel)
    c.fail("launch.nproc", "must be at most " + std::to_string(kMaxParallel) + ", got " + std::to_string(launch.nproc));

  // A sharded layer is gathered around CheckpointedLayer's forward and recomputation only.
  if (distributed.shard == ShardMode::Full && !model.gradientCheckpointing)
    c.fail("distributed.shard",
           "\"full\" needs model.gradient_checkpointing: true (layers are gathered around its recomputation); "
           "turn it on, or use \"optimizer\"");

  IntegerWidths widths("", issues);
  detail::fields(widths, const_cast<RunConfig&>(*this));  // fields() takes a mutable reference; nothing is changed
  return issues;
}

std::vector<ConfigIssue> RunConfig::validateForTraining() const {
  std::vector<ConfigIssue> issues = validate();
  if (model.path.empty()) issues.push_back({"model.path", "must not be empty"});
  if (dataset.train.empty()) issues.push_back({"dataset.train", "at least one training file is required"});
  if (sft.enabled && sft.train.empty())
    issues.push_back({"sft.train", "at least one file is required when sft is enabled"});
  return issues;
}

}  // namespace longrl::config
