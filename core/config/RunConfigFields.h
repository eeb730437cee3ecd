#pragma once
// The JSON key and meaning of every RunConfig field, listed once. The reader, the writer and the
// reference (docs/CONFIG.md, `longrl config-reference`) all walk these lists, so a field cannot be
// readable but not written (or the reverse), round trips are exact, and the reference is complete.
// Internal to core/config.
#include "core/config/RunConfig.h"

namespace longrl::config::detail {

template <class V> void fields(V& v, ModelConfig& c) {
  v.field("path", c.path,
          "Model directory in Hugging Face layout: config.json, *.safetensors, tokenizer.json, "
          "tokenizer_config.json.");
  v.field("dtype", c.dtype,
          "Compute dtype: \"float32\", \"bfloat16\" or \"float16\". Below float32 the model computes in that dtype "
          "while training keeps float32 master weights and AdamW moments.");
  v.field("device", c.device, "\"cpu\", \"cuda\" or \"cuda:N\"; every tensor of the run lives there.");
  v.field("attention", c.attention,
          "Attention of the training forward (SFT, log-probs, updates): \"block\" (flash-style kernel, O(T) "
          "memory), \"eager\" (full [T, S] scores) or \"auto\" (block on the CPU, eager on CUDA).");
  v.field("gradient_checkpointing", c.gradientCheckpointing,
          "Recompute each decoder layer in backward instead of keeping its activations (less memory, ~1/3 "
          "more compute).");
}
template <class V> void fields(V& v, DatasetConfig& c) {
  v.field("train", c.train, "JSONL files of RL examples (verl records or plain {document, question, answer}).");
  v.field("val", c.val,
          "JSONL files of held-out examples, validated greedily (val-core/{data_source}/acc/mean@1) and, with val_n > "
          "1, by sampling (mean@N).");
  v.field("skip_malformed", c.skipMalformed, "Skip and count malformed lines instead of failing on the first.");
  v.field("val_before_train", c.valBeforeTrain, "Validate before the first GRPO step (and always after each phase).");
  v.field("val_max_examples", c.valMaxExamples, "Validate on the first N examples of `val`; 0: all of them.");
  v.field("val_every_steps", c.valEverySteps,
          "Also validate every N GRPO steps (0: only before training and after each phase).");
  v.field("val_n", c.valN,
          "Samples per held-out example at val_temperature/val_top_p; above 1 adds "
          "val-core/{data_source}/acc/mean@N beside the greedy mean@1.");
  v.field("val_temperature", c.valTemperature, "Sampling temperature of the mean@N validation.");
  v.field("val_top_p", c.valTopP, "Nucleus (top-p) of the mean@N validation.");
}
template <class V> void fields(V& v, SftConfig& c) {
  v.field("enabled", c.enabled, "Run the warm-up SFT before RL.");
  v.field("train", c.train, "JSONL files of SFT examples (prompt and the full target response).");
  v.field("epochs", c.epochs, "Passes over the SFT data, used when `steps` is 0.");
  v.field("steps", c.steps, "> 0: exactly this many optimizer steps instead of epochs.");
  v.field("lr", c.lr, "AdamW learning rate (linear warm-up, then constant).");
  v.field("batch_size", c.batchSize, "Sequences per optimizer step, over all ranks and accumulation steps.");
  v.field("grad_accumulation", c.gradAccumulation, "Micro-batches accumulated per optimizer step.");
  v.field("max_len", c.maxLen, "Prompt + response tokens; longer examples are dropped (and counted).");
  v.field("warmup_ratio", c.warmupRatio, "Fraction of the steps with a linear learning-rate warm-up.");
  v.field("weight_decay", c.weightDecay, "AdamW weight decay.");
  v.field("grad_clip", c.gradClip, "Global gradient-norm clip.");
}
template <class V> void fields(V& v, PhaseConfig& c) {
  v.field("name", c.name, "Shown in charts and the store.");
  v.field("max_input_tokens", c.maxInputTokens,
          "The phase trains examples with previous phase's max_input_tokens < prompt tokens <= this.");
  v.field("max_output_tokens", c.maxOutputTokens, "Response budget of a rollout.");
  v.field("steps", c.steps, "> 0: this many GRPO steps.");
  v.field("epochs", c.epochs, "Passes over the phase's examples, used when `steps` is 0.");
  v.field("mode", c.mode,
          "\"full\" (the whole document in the window) or \"memory\" (the QwenLong-L1.5 memory agent reads it "
          "in sections).");
}
template <class V> void fields(V& v, DynamicSamplingConfig& c) {
  v.field("enabled", c.enabled, "Drop groups whose rewards do not vary and generate more until the batch is full.");
  v.field("max_num_gen_batches", c.maxNumGenBatches, "At most this many generation batches per step.");
}
template <class V> void fields(V& v, AepoConfig& c) {
  v.field("enabled", c.enabled, "QwenLong-L1.5's entropy control (AEPO).");
  v.field("entropy_high", c.entropyHigh, "Above this batch entropy, negative-advantage samples are masked.");
  v.field("entropy_low", c.entropyLow, "Below this batch entropy, they are restored.");
}
template <class V> void fields(V& v, OverlongPenaltyConfig& c) {
  v.field("enabled", c.enabled, "r += min(-(len - (max_len - buffer_len)) / buffer_len, 0).");
  v.field("buffer_len", c.bufferLen, "Length of the penalty's ramp, in response tokens.");
  v.field("max_len", c.maxLen, "Response length at which the penalty reaches -1.");
}
template <class V> void fields(V& v, GrpoConfig& c) {
  v.field("rollout_n", c.rolloutN, "Samples per prompt (the group size G).");
  v.field("train_batch_size", c.trainBatchSize, "Prompts per RL step.");
  v.field("ppo_mini_batch_size", c.ppoMiniBatchSize, "Prompts per optimizer step (train_batch_size / this updates).");
  v.field("ppo_epochs", c.ppoEpochs, "Passes over a step's rollouts.");
  v.field("clip_ratio_low", c.clipRatioLow, "PPO ratio clip below 1.");
  v.field("clip_ratio_high", c.clipRatioHigh, "PPO ratio clip above 1 (DAPO's clip-higher uses 0.28).");
  v.field("dual_clip", c.dualClip, "Dual-clip PPO for negative advantages (verl always applies it).");
  v.field("clip_ratio_c", c.clipRatioC, "Dual-clip bound.");
  v.field("loss_agg_mode", c.lossAggMode, "How token losses are averaged into the batch loss.");
  v.field("use_kl_loss", c.useKlLoss, "Add a KL penalty to a frozen reference model (keeps a second model).");
  v.field("kl_coef", c.klCoef, "Coefficient of the KL penalty.");
  v.field("kl_loss_type", c.klLossType, "KL estimator (low_var_kl is K3, clamped).");
  v.field("entropy_coeff", c.entropyCoeff, "Entropy bonus coefficient.");
  v.field("lr", c.lr, "AdamW learning rate (constant).");
  v.field("weight_decay", c.weightDecay, "AdamW weight decay.");
  v.field("grad_clip", c.gradClip, "Global gradient-norm clip.");
  v.field("temperature", c.temperature, "Rollout sampling temperature.");
  v.field("top_p", c.topP, "Rollout nucleus sampling.");
  v.field("top_k", c.topK, "Rollout top-k; -1: off.");
  v.field("dynamic_sampling", c.dynamicSampling, "DAPO's dynamic sampling.");
  v.field("task_balanced_sampling", c.taskBalancedSampling,
          "QwenLong-L1.5: an equal share of each batch per data_source.");
  v.field("advantage_estimator", c.advantageEstimator,
          "\"grpo\" (group mean and std) or \"grpo_task_std\" (L1.5: std over the batch's samples of the same "
          "task).");
  v.field("aepo", c.aepo, "Entropy control.");
  v.field("overlong_penalty", c.overlongPenalty, "Penalty for responses near the length limit.");
  v.field("seed", c.seed, "Seed of sampling, shuffling and initialisation.");
}
template <class V> void fields(V& v, JudgeConfig& c) {
  v.field("enabled", c.enabled, "Ask an LLM judge when the rule score is below 1; reward = max(rule, judge).");
  v.field("base_url", c.baseUrl, "OpenAI-compatible endpoint, e.g. http://host:8000/v1.");
  v.field("model", c.model, "Model name sent to the endpoint.");
  v.field("api_key_env", c.apiKeyEnv,
          "Name of the environment variable holding the API key (never the key); its value is sent to base_url. "
          "Must be named like a key (last word KEY, APIKEY, TOKEN or SECRET) unless allow_any_key_env.");
  v.field("allow_any_key_env", c.allowAnyKeyEnv,
          "true: send api_key_env even when it is not named like a key. Set it only when that variable does hold "
          "the judge's key: a shared config could otherwise name HOME or a cloud token.");
  v.field("timeout_ms", c.timeoutMs, "Time-out of one judge call.");
  v.field("max_retries", c.maxRetries, "Retries of a failed call; a final failure is recorded as an error.");
  v.field("max_concurrent", c.maxConcurrent, "Judge calls in flight at once.");
}
template <class V> void fields(V& v, RewardConfig& c) { v.field("judge", c.judge, "The LLM judge."); }
template <class V> void fields(V& v, RetrospectiveConfig& c) {
  v.field("enabled", c.enabled, "Hard examples of a phase join the next phase.");
  v.field("difficulty", c.difficulty, "\"inverse_mean\" (1 / mean reward) or \"one_minus_mean\".");
  v.field("threshold", c.threshold, "Re-insert when difficulty >= threshold (inverse_mean 2: mean reward <= 0.5).");
  v.field("max_count", c.maxCount, "At most this many hard examples per phase; 0: no cap.");
  v.field("include_annotated_hard", c.includeAnnotatedHard, "Examples marked hard in the studio join too.");
  v.field("wait_for_annotations_s", c.waitForAnnotationsS,
          "> 0: at each phase end, wait up to this many seconds for labels (until someone continues).");
}
template <class V> void fields(V& v, MemoryConfig& c) {
  v.field("chunk_tokens", c.chunkTokens, "Tokens of one document section a memory-agent call reads.");
  v.field("memory_tokens", c.memoryTokens, "New tokens a call may write (its <memory> and <plan>).");
}
template <class V> void fields(V& v, BehaviorJudgeConfig& c) {
  v.field("share", c.share,
          "Fraction of each step's rollouts (chosen by a hash of grpo.seed and the rollout) whose sub-goal, "
          "backtracking and verification steps an LLM judge also counts; stored beside the rule-based ones, logged "
          "as behavior_judge/*. 0: off.");
  v.field("url", c.url, "OpenAI-compatible endpoint of the behaviour judge, e.g. http://host:8000/v1.");
  v.field("model", c.model, "Model name sent to the behaviour judge.");
  v.field("api_key_env", c.apiKeyEnv,
          "Name of the environment variable holding the behaviour judge's API key (never the key); the same rule "
          "as reward.judge.api_key_env.");
  v.field("allow_any_key_env", c.allowAnyKeyEnv, "true: send api_key_env even when it is not named like a key.");
  v.field("timeout_ms", c.timeoutMs, "Time-out of one behaviour-judge call; a final failure is recorded as an error.");
  v.field("max_concurrent", c.maxConcurrent, "Behaviour-judge calls in flight at once.");
}
template <class V> void fields(V& v, BehaviorConfig& c) {
  v.field("rule", c.rule,
          "Count each rollout's sub-goal, backtracking and verification steps with the rule-based classifier "
          "(cue phrases, enumerations, re-computations); stored with the rollout, logged as behavior/*.");
  v.field("grounding", c.grounding,
          "With rule: also the share of the reasoning's words aligned to the document and the passages cited "
          "(behavior/grounding_share, behavior/passages).");
  v.field("judge", c.judge, "The LLM judge of behaviours, on a share of the rollouts.");
}
template <class V> void fields(V& v, CheckpointConfig& c) {
  v.field("every_steps", c.everySteps, "Save a checkpoint (HF layout) every N RL steps.");
  v.field("keep", c.keep, "Checkpoints kept; 0: all.");
}
template <class V> void fields(V& v, LaunchConfig& c) {
  v.field("target", c.target, "Where the studio starts the run: \"local\", \"ssh\" or \"template\".");
  v.field("host", c.host, "ssh target, e.g. user@gpu-box.");
  v.field("template", c.templ, "A launch command line with {command} in it, e.g. an srun line.");
  v.field("nproc", c.nproc, "Data-parallel ranks.");
}
template <class V> void fields(V& v, DistributedConfig& c) {
  v.field("shard", c.shard,
          "\"none\" (every rank holds the fp32 master weights and AdamW moments), \"optimizer\" (each rank owns "
          "1/N of them; the model itself stays whole on every rank) or \"full\" (FSDP: as \"optimizer\", and each "
          "decoder layer's parameters are sharded too, gathered around its forward and its recomputation in "
          "backward; needs model.gradient_checkpointing).");
}
template <class V> void fields(V& v, RunConfig& c) {
  v.field("model", c.model, "The policy model.");
  v.field("dataset", c.dataset, "Training and validation data.");
  v.field("sft", c.sft, "Warm-up SFT before RL (off by default: it needs its own data).");
  v.field("phases", c.phases, "Curriculum phases, shortest inputs first (default: L1's 20K then 60K).");
  v.field("grpo", c.grpo, "GRPO and its variants (verl's names).");
  v.field("reward", c.reward, "Rewards beyond the rule scorers.");
  v.field("retrospective", c.retrospective, "Difficulty-aware retrospective sampling.");
  v.field("memory", c.memory, "The memory agent of phases in mode \"memory\".");
  v.field("behavior", c.behavior, "Reasoning behaviours per rollout (QwenLong-L1's four).");
  v.field("checkpoint", c.checkpoint, "Checkpoints.");
  v.field("distributed", c.distributed, "Data parallelism: how the ranks share the model.");
  v.field("launch", c.launch, "How the studio launches the run.");
}

}  // namespace longrl::config::detail
