#pragma once
// The JSON key of every RunConfig field, listed once. Both the reader and the writer walk these
// lists, so a field cannot be readable but not written (or the reverse), and round trips are exact.
// Internal to core/config.
#include "core/config/RunConfig.h"

namespace longrl::config::detail {

template <class V> void fields(V& v, ModelConfig& c) {
  v.field("path", c.path);
  v.field("dtype", c.dtype);
  v.field("device", c.device);
  v.field("attention", c.attention);
}
template <class V> void fields(V& v, DatasetConfig& c) {
  v.field("train", c.train);
  v.field("val", c.val);
  v.field("skip_malformed", c.skipMalformed);
  v.field("val_before_train", c.valBeforeTrain);
  v.field("val_max_examples", c.valMaxExamples);
}
template <class V> void fields(V& v, SftConfig& c) {
  v.field("enabled", c.enabled);
  v.field("train", c.train);
  v.field("epochs", c.epochs);
  v.field("steps", c.steps);
  v.field("lr", c.lr);
  v.field("batch_size", c.batchSize);
  v.field("grad_accumulation", c.gradAccumulation);
  v.field("max_len", c.maxLen);
  v.field("warmup_ratio", c.warmupRatio);
  v.field("weight_decay", c.weightDecay);
  v.field("grad_clip", c.gradClip);
}
template <class V> void fields(V& v, PhaseConfig& c) {
  v.field("name", c.name);
  v.field("max_input_tokens", c.maxInputTokens);
  v.field("max_output_tokens", c.maxOutputTokens);
  v.field("steps", c.steps);
  v.field("epochs", c.epochs);
  v.field("mode", c.mode);
}
template <class V> void fields(V& v, DynamicSamplingConfig& c) {
  v.field("enabled", c.enabled);
  v.field("max_num_gen_batches", c.maxNumGenBatches);
}
template <class V> void fields(V& v, AepoConfig& c) {
  v.field("enabled", c.enabled);
  v.field("entropy_high", c.entropyHigh);
  v.field("entropy_low", c.entropyLow);
}
template <class V> void fields(V& v, OverlongPenaltyConfig& c) {
  v.field("enabled", c.enabled);
  v.field("buffer_len", c.bufferLen);
  v.field("max_len", c.maxLen);
}
template <class V> void fields(V& v, GrpoConfig& c) {
  v.field("rollout_n", c.rolloutN);
  v.field("train_batch_size", c.trainBatchSize);
  v.field("ppo_mini_batch_size", c.ppoMiniBatchSize);
  v.field("ppo_epochs", c.ppoEpochs);
  v.field("clip_ratio_low", c.clipRatioLow);
  v.field("clip_ratio_high", c.clipRatioHigh);
  v.field("dual_clip", c.dualClip);
  v.field("clip_ratio_c", c.clipRatioC);
  v.field("loss_agg_mode", c.lossAggMode);
  v.field("use_kl_loss", c.useKlLoss);
  v.field("kl_coef", c.klCoef);
  v.field("kl_loss_type", c.klLossType);
  v.field("entropy_coeff", c.entropyCoeff);
  v.field("lr", c.lr);
  v.field("weight_decay", c.weightDecay);
  v.field("grad_clip", c.gradClip);
  v.field("temperature", c.temperature);
  v.field("top_p", c.topP);
  v.field("top_k", c.topK);
  v.field("dynamic_sampling", c.dynamicSampling);
  v.field("task_balanced_sampling", c.taskBalancedSampling);
  v.field("advantage_estimator", c.advantageEstimator);
  v.field("aepo", c.aepo);
  v.field("overlong_penalty", c.overlongPenalty);
  v.field("seed", c.seed);
}
template <class V> void fields(V& v, JudgeConfig& c) {
  v.field("enabled", c.enabled);
  v.field("base_url", c.baseUrl);
  v.field("model", c.model);
  v.field("api_key_env", c.apiKeyEnv);
  v.field("timeout_ms", c.timeoutMs);
  v.field("max_retries", c.maxRetries);
  v.field("max_concurrent", c.maxConcurrent);
}
template <class V> void fields(V& v, RewardConfig& c) { v.field("judge", c.judge); }
template <class V> void fields(V& v, RetrospectiveConfig& c) {
  v.field("enabled", c.enabled);
  v.field("difficulty", c.difficulty);
  v.field("threshold", c.threshold);
  v.field("max_count", c.maxCount);
  v.field("include_annotated_hard", c.includeAnnotatedHard);
}
template <class V> void fields(V& v, MemoryConfig& c) {
  v.field("chunk_tokens", c.chunkTokens);
  v.field("memory_tokens", c.memoryTokens);
}
template <class V> void fields(V& v, CheckpointConfig& c) {
  v.field("every_steps", c.everySteps);
  v.field("keep", c.keep);
}
template <class V> void fields(V& v, LaunchConfig& c) {
  v.field("target", c.target);
  v.field("host", c.host);
  v.field("template", c.templ);
  v.field("nproc", c.nproc);
}
template <class V> void fields(V& v, RunConfig& c) {
  v.field("model", c.model);
  v.field("dataset", c.dataset);
  v.field("sft", c.sft);
  v.field("phases", c.phases);
  v.field("grpo", c.grpo);
  v.field("reward", c.reward);
  v.field("retrospective", c.retrospective);
  v.field("memory", c.memory);
  v.field("checkpoint", c.checkpoint);
  v.field("launch", c.launch);
}

}  // namespace longrl::config::detail
