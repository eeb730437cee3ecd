#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/ConfigEnums.h"
#include "core/config/ConfigError.h"

namespace longrl::config {

// The run configuration (docs/CONFIG.md lists every key). Defaults are the QwenLong-L1 recipe values where
// the recipe has one; the JSON keys are the snake_case names below (verl's names where verl has the
// knob). A missing key keeps its default; an unknown key or a wrong type is an error.

struct ModelConfig {
  std::string path;                // model directory (config.json + safetensors + tokenizer)
  std::string dtype = "bfloat16";  // "float32" | "bfloat16" | "float16"
  std::string device = "cpu";      // "cpu" | "cuda" | "cuda:N": cpu by default, the path every machine has
  // Attention of the training forward (SFT, log-probs, updates): "block" (kernels::BlockAttention,
  // O(T) memory; on CPU twice as fast as eager for the demo's GRPO step), "eager" (the [T, S]
  // scores), or "auto": block on the CPU, eager on CUDA (the CUDA block kernel is not yet tuned).
  // JSON spellings in ConfigEnums.h.
  AttentionImpl attention = AttentionImpl::Auto;
  // Recompute each decoder layer's activations in backward instead of keeping them.
  bool gradientCheckpointing = false;
};

struct DatasetConfig {
  std::vector<std::string> train;  // JSONL files (verl or plain form, see core/dataset)
  std::vector<std::string> val;
  bool skipMalformed = false;  // skip and count malformed lines instead of failing
  // Validation (val-core/{data_source}/acc/mean@1, greedy) before the first GRPO step, after
  // every phase and every val_every_steps steps, on the first val_max_examples of `val` (0: all).
  bool valBeforeTrain = true;
  int64_t valMaxExamples = 0;
  int64_t valEverySteps = 0;  // 0: only before training and after each phase
  // val_n > 1 adds mean@val_n: that many samples per example at the recipe's sampling, the papers'
  // measure (greedy decoding hides what sampling, which RL trains, does).
  int64_t valN = 1;
  double valTemperature = 0.7;
  double valTopP = 0.95;
};

// Warm-up SFT before RL. Off by default: it needs its own distilled data (train paths below).
struct SftConfig {
  bool enabled = false;
  std::vector<std::string> train;
  int64_t epochs = 1;  // used when steps == 0
  int64_t steps = 0;   // > 0: train exactly this many optimizer steps instead of epochs
  double lr = 5e-6;
  int64_t batchSize = 128;  // sequences per optimizer step (micro-batch x grad accumulation x ranks)
  int64_t gradAccumulation = 1;
  int64_t maxLen = 20480;     // prompt + response tokens; longer examples are dropped
  double warmupRatio = 0.03;  // fraction of steps with a linear warm-up
  double weightDecay = 0.01;
  double gradClip = 1.0;
};

// One curriculum phase: trains examples with previous max_input_tokens < input length <= this one.
struct PhaseConfig {
  std::string name;
  int64_t maxInputTokens = 0;
  int64_t maxOutputTokens = 10000;
  int64_t steps = 0;    // > 0: this many GRPO steps
  double epochs = 1.0;  // used when steps == 0: passes over the phase's examples
  PhaseMode mode = PhaseMode::Full;
};

// The memory agent (QwenLong-L1.5) of phases in mode "memory": the document is read in sections of
// chunk_tokens; each section call may write at most memory_tokens (its <memory> and <plan>).
struct MemoryConfig {
  int64_t chunkTokens = 5000;
  int64_t memoryTokens = 1024;
};

struct DynamicSamplingConfig {
  bool enabled = true;  // drop zero-variance groups, generate more until the batch is full
  int64_t maxNumGenBatches = 10;
};

struct AepoConfig {  // QwenLong-L1.5 entropy control (off in L1)
  bool enabled = false;
  double entropyHigh = 0.5;  // above: mask negative-advantage samples
  double entropyLow = 0.3;   // below: restore them
};

struct OverlongPenaltyConfig {  // r += min(-(len - (max_len - buffer_len)) / buffer_len, 0)
  bool enabled = true;
  int64_t bufferLen = 1000;
  int64_t maxLen = 10000;
};

struct GrpoConfig {
  int64_t rolloutN = 8;
  int64_t trainBatchSize = 128;   // prompts per step
  int64_t ppoMiniBatchSize = 32;  // prompts per optimizer step (128 / 32 = 4 mini-batches)
  int64_t ppoEpochs = 1;
  double clipRatioLow = 0.2;
  double clipRatioHigh = 0.2;  // DAPO clip-higher uses 0.28
  bool dualClip = true;        // verl always applies it
  double clipRatioC = 3.0;
  LossAggMode lossAggMode = LossAggMode::TokenMean;
  bool useKlLoss = false;
  double klCoef = 0.0;
  KlLossType klLossType = KlLossType::LowVarKl;
  double entropyCoeff = 0.001;
  double lr = 2e-6;  // constant schedule
  double weightDecay = 0.01;
  double gradClip = 1.0;
  double temperature = 0.7;
  double topP = 0.95;
  int64_t topK = -1;  // -1: off
  DynamicSamplingConfig dynamicSampling;
  bool taskBalancedSampling = false;
  AdvantageEstimator advantageEstimator = AdvantageEstimator::Grpo;
  AepoConfig aepo;
  OverlongPenaltyConfig overlongPenalty;
  int64_t seed = 1;
};

// LLM judge, asked only when the rule score is below 1; final reward = max(rule, judge).
struct JudgeConfig {
  bool enabled = false;
  std::string baseUrl;  // OpenAI-compatible, e.g. http://host:8000/v1
  std::string model;
  std::string apiKeyEnv = "OPENAI_API_KEY";  // name of the environment variable, never the key
  bool allowAnyKeyEnv = false;               // consent to an apiKeyEnv not named like a key (KeyEnvName)
  int64_t timeoutMs = 60000;
  int64_t maxRetries = 3;
  int64_t maxConcurrent = 16;
};

struct RewardConfig {
  JudgeConfig judge;
};

// Difficulty-aware retrospective sampling: hard examples of a phase re-join the next one.
struct RetrospectiveConfig {
  bool enabled = true;
  DifficultyMeasure difficulty = DifficultyMeasure::InverseMean;
  double threshold = 2.0;  // re-insert when difficulty >= threshold (inverse_mean 2 = mean reward <= 0.5)
  int64_t maxCount = 0;    // 0: no cap
  bool includeAnnotatedHard = true;
  // > 0: at the end of each phase but the last, wait up to this long for people's labels (until
  // someone says continue, e.g. the studio's Continue button) before choosing the hard examples.
  double waitForAnnotationsS = 0;
};

// Reasoning behaviours (sub-goals, backtracking, verification, grounding) of each rollout, stored
// with it and reported per step as behavior/* (core/behavior).
// The LLM judge of behaviours (core/behavior/JudgeBehaviorClassifier) on a share of the rollouts:
// its calls cost, so it is off (share 0) unless asked for. Logged as behavior_judge/*.
struct BehaviorJudgeConfig {
  double share = 0.0;  // fraction of each step's rollouts sent to the judge (JudgeShare); 0: off
  std::string url;     // OpenAI-compatible, e.g. http://host:8000/v1
  std::string model;
  std::string apiKeyEnv = "OPENAI_API_KEY";  // name of the environment variable, never the key
  bool allowAnyKeyEnv = false;               // consent to an apiKeyEnv not named like a key (KeyEnvName)
  int64_t timeoutMs = 60000;
  int64_t maxConcurrent = 16;
};

struct BehaviorConfig {
  bool rule = true;       // the rule-based classifier on every rollout (cheap: ~25K rollouts/s)
  bool grounding = true;  // and the grounding share: aligns each trace with its document
  BehaviorJudgeConfig judge;
};

struct CheckpointConfig {
  int64_t everySteps = 10;
  int64_t keep = 3;  // 0: keep all
};

// Data parallelism across the ranks torchrun (or a scheduler) starts.
struct DistributedConfig {
  // "none": every rank holds the whole model, its fp32 master weights and AdamW moments.
  // "optimizer": each rank owns 1/N of the master weights and moments (gradients reduced to their
  // owner, updated ranges broadcast back): ZeRO-1/2. Every rank still holds the whole model in
  // its compute dtype.
  // "full": as "optimizer", and each decoder layer's parameters are sharded too (FSDP): a layer is
  // gathered just before its forward (and again in backward, which recomputes it), then freed.
  // Needs model.gradient_checkpointing.
  ShardMode shard = ShardMode::None;
};

struct LaunchConfig {
  LaunchTarget target = LaunchTarget::Local;
  std::string host;   // ssh target, e.g. user@gpu-box
  std::string templ;  // JSON key "template": a command line with {command} in it
  int64_t nproc = 1;
};

struct RunConfig {
  ModelConfig model;
  DatasetConfig dataset;
  SftConfig sft;
  std::vector<PhaseConfig> phases = defaultPhases();
  GrpoConfig grpo;
  RewardConfig reward;
  RetrospectiveConfig retrospective;
  MemoryConfig memory;
  BehaviorConfig behavior;
  CheckpointConfig checkpoint;
  DistributedConfig distributed;
  LaunchConfig launch;

  static std::vector<PhaseConfig> defaultPhases();  // L1: 20K then 60K input, 10K output

  // Parses and validates. Throws ConfigError listing every issue; `source` (a file name) prefixes them.
  static RunConfig fromJson(const nlohmann::json& json, const std::string& source = "");
  // Reads a JSON file; errors (including invalid JSON, with line:column) carry the file name.
  static RunConfig loadFile(const std::string& path);
  // Every issue at once (unknown keys, wrong types, invalid values), for the GUI. Empty when valid.
  static std::vector<ConfigIssue> check(const nlohmann::json& json);

  // Value checks on an already built config (the GUI edits the struct directly).
  std::vector<ConfigIssue> validate() const;
  // validate() plus what a training run needs but an editable draft may lack (model path, data).
  std::vector<ConfigIssue> validateForTraining() const;

  // Every field, resolved; fromJson(toJson()) reproduces this config exactly.
  nlohmann::json toJson() const;
  // Writes toJson() (pretty-printed) to `path`, e.g. RUN_DIR/config.json. Throws ConfigError on I/O failure.
  void saveFile(const std::string& path) const;
};

}  // namespace longrl::config
