#include "trainer/train/GrpoTrainer.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "core/grpo/DynamicBatchFiller.h"
#include "core/grpo/GroupAdvantage.h"
#include "trainer/train/ActorBatch.h"
#include "trainer/train/RolloutGroupCodec.h"

namespace longrl::train {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// mean/max/min of `values` under `prefix`.
void stats(std::map<std::string, double>& m, const std::string& prefix, const std::vector<double>& values) {
  double sum = 0, hi = values.empty() ? 0 : -std::numeric_limits<double>::infinity(),
         lo = values.empty() ? 0 : std::numeric_limits<double>::infinity();
  for (double v : values) {
    sum += v;
    hi = std::max(hi, v);
    lo = std::min(lo, v);
  }
  m[prefix + "/mean"] = values.empty() ? 0.0 : sum / static_cast<double>(values.size());
  m[prefix + "/max"] = hi;
  m[prefix + "/min"] = lo;
}

// The memory agent's health: sections read, replies whose tags were malformed or cut by the memory
// budget, and the tokens spent on section calls, over the samples trained on.
void memoryMetrics(std::map<std::string, double>& m, const std::vector<const RolloutGroup*>& batch) {
  std::vector<double> sections, sectionTokens;
  double calls = 0, malformed = 0, truncated = 0;
  for (const auto* grp : batch)
    for (const auto& s : grp->samples) {
      const double n = s.calls.empty() ? 0.0 : static_cast<double>(s.calls.size() - 1);
      sections.push_back(n);
      double tokens = 0;
      for (size_t c = 0; c + 1 < s.calls.size(); ++c) tokens += static_cast<double>(s.calls[c].responseIds.size());
      sectionTokens.push_back(tokens);
      calls += n;
      malformed += s.malformedReplies;
      truncated += s.truncatedCalls;
    }
  stats(m, "memory/sections", sections);
  stats(m, "memory/section_response_tokens", sectionTokens);
  m["memory/malformed_ratio"] = calls > 0 ? malformed / calls : 0.0;
  m["memory/truncated_ratio"] = calls > 0 ? truncated / calls : 0.0;
}

ActorOptions actorOptions(const config::GrpoConfig& g, int64_t microBatchTokens, int padId) {
  ActorOptions o;
  o.loss.clipRatioLow = g.clipRatioLow;
  o.loss.clipRatioHigh = g.clipRatioHigh;
  o.loss.dualClip = g.dualClip;
  o.loss.clipRatioC = g.clipRatioC;
  o.loss.aggMode = g.lossAggMode;
  o.entropyCoeff = g.entropyCoeff;
  o.useKlLoss = g.useKlLoss;
  o.klCoef = g.klCoef;
  o.klType = g.klLossType;
  o.temperature = g.temperature > 0 ? g.temperature : 1.0;
  o.gradClip = g.gradClip;
  o.ppoEpochs = g.ppoEpochs;
  o.microBatchTokens = microBatchTokens;
  o.padId = padId;
  return o;
}

}  // namespace

GrpoTrainer::GrpoTrainer(const config::RunConfig& config, model::QwenForCausalLM policy,
                         std::optional<model::QwenForCausalLM> reference, engine::EngineOptions engineOptions,
                         const tokenizer::Tokenizer& tokenizer, std::shared_ptr<const reward::RewardFunction> reward,
                         int64_t microBatchTokens, Collective* collective)
    : config_(config),
      policy_(policy),
      reference_(std::move(reference)),
      engine_(policy, std::move(engineOptions)),
      tokenizer_(tokenizer),
      reward_(std::move(reward)),
      generator_(engine_, tokenizer_, *reward_, static_cast<int>(config.reward.judge.maxConcurrent)),
      memoryRollout_(engine_, tokenizer_, generator_, config.memory),
      collective_(collective ? collective : &local_) {
  if (config_.grpo.useKlLoss && !reference_) throw std::invalid_argument("GrpoTrainer: use_kl_loss needs a reference model");
  if (reference_) {
    (*reference_)->eval();
    for (auto& p : (*reference_)->parameters()) p.set_requires_grad(false);
  }
  optimizer_ = std::make_unique<torch::optim::AdamW>(
      policy_->parameters(), torch::optim::AdamWOptions(config_.grpo.lr).weight_decay(config_.grpo.weightDecay));
  updater_ = std::make_unique<ActorUpdater>(
      policy_, *optimizer_, actorOptions(config_.grpo, microBatchTokens, engine_.options().padTokenId), collective_);
}

std::vector<RolloutGroup> GrpoTrainer::generateBatch(const std::vector<TrainExample>& examples,
                                                     const std::vector<size_t>& indices,
                                                     const engine::SamplingParams& params, bool memoryAgent,
                                                     int64_t step, int genBatch, int firstGroupIdx, double& tGen,
                                                     double& tReward) {
  const auto seed = static_cast<uint64_t>(config_.grpo.seed);
  const size_t ranks = static_cast<size_t>(collective_->worldSize());
  const size_t rank = static_cast<size_t>(collective_->rank());
  // Sampling seeds are per example (RolloutGenerator::sampleSeed), so a slice samples exactly
  // what the whole batch would for those examples.
  const size_t begin = indices.size() * rank / ranks, end = indices.size() * (rank + 1) / ranks;
  const std::vector<size_t> mine(indices.begin() + static_cast<std::ptrdiff_t>(begin),
                                 indices.begin() + static_cast<std::ptrdiff_t>(end));
  auto t = Clock::now();
  const int first = firstGroupIdx + static_cast<int>(begin);
  auto groups = memoryAgent ? memoryRollout_.generate(examples, mine, params, seed, step, genBatch, first)
                            : generator_.generate(examples, mine, params, seed, step, genBatch, first);
  tGen += since(t);
  t = Clock::now();
  generator_.score(groups, examples);
  tReward += since(t);
  if (ranks == 1) return groups;
  t = Clock::now();
  std::vector<RolloutGroup> all;
  for (const auto& part : collective_->allGather(RolloutGroupCodec::encode(groups)))
    for (auto& g : RolloutGroupCodec::decode(part)) all.push_back(std::move(g));
  tGen += since(t);  // waiting for the slowest rank is part of generation
  return all;
}

std::vector<torch::Tensor> GrpoTrainer::ownedLogProbs(model::QwenForCausalLM& model,
                                                      const std::vector<ActorSequence>& seqs,
                                                      const std::vector<int>& owner, std::vector<double>* meanEntropy) {
  if (collective_->worldSize() == 1) return updater_->logProbs(model, seqs, meanEntropy);
  std::vector<ActorSequence> mine;
  std::vector<size_t> where;
  for (size_t i = 0; i < seqs.size(); ++i)
    if (owner[i] == collective_->rank()) {
      mine.push_back(seqs[i]);
      where.push_back(i);
    }
  std::vector<double> entropy;
  auto lp = updater_->logProbs(model, mine, meanEntropy ? &entropy : nullptr);
  std::vector<torch::Tensor> out(seqs.size());
  for (size_t k = 0; k < where.size(); ++k) out[where[k]] = std::move(lp[k]);
  if (meanEntropy) {
    meanEntropy->assign(seqs.size(), 0.0);
    for (size_t k = 0; k < where.size(); ++k) (*meanEntropy)[where[k]] = entropy[k];
    collective_->sum(*meanEntropy);
  }
  return out;
}

void GrpoTrainer::applyAepo(std::vector<ActorSequence>& seqs, std::vector<std::vector<size_t>>& miniBatches,
                            std::vector<torch::Tensor>& oldLp, std::vector<int>& owner,
                            const std::vector<double>& meanEntropy, std::map<std::string, double>& m) {
  // Batch entropy: token-weighted mean of the samples' mean entropies.
  double sum = 0, tokens = 0;
  for (size_t i = 0; i < seqs.size(); ++i) {
    const auto n = static_cast<double>(seqs[i].response->size());
    sum += meanEntropy[i] * n;
    tokens += n;
  }
  const double entropy = tokens > 0 ? sum / tokens : 0.0;
  if (entropy > config_.grpo.aepo.entropyHigh) aepoMasking_ = true;
  else if (entropy < config_.grpo.aepo.entropyLow) aepoMasking_ = false;
  m["train/aepo_batch_entropy"] = entropy;
  m["train/aepo_masking"] = aepoMasking_ ? 1.0 : 0.0;
  if (!aepoMasking_) return;
  std::vector<ActorSequence> keptSeqs;
  std::vector<torch::Tensor> keptLp;
  std::vector<int> keptOwner;
  std::vector<std::vector<size_t>> keptMini;
  size_t masked = 0;
  for (const auto& mb : miniBatches) {
    keptMini.emplace_back();
    for (size_t i : mb) {
      if (seqs[i].advantage < 0) {
        ++masked;
        continue;
      }
      keptMini.back().push_back(keptSeqs.size());
      keptSeqs.push_back(seqs[i]);
      keptLp.push_back(oldLp[i]);
      keptOwner.push_back(owner[i]);
    }
    if (keptMini.back().empty()) keptMini.pop_back();
  }
  m["train/aepo_masked_samples"] = static_cast<double>(masked);
  seqs = std::move(keptSeqs);
  oldLp = std::move(keptLp);
  owner = std::move(keptOwner);
  miniBatches = std::move(keptMini);
}

GrpoStepResult GrpoTrainer::step(int64_t step, const config::PhaseConfig& phase,
                                 const std::vector<TrainExample>& examples, curriculum::BatchSampler& sampler) {
  const auto& g = config_.grpo;
  const auto tStep = Clock::now();
  GrpoStepResult out;
  auto& m = out.metrics;
  engine::SamplingParams params;
  params.temperature = g.temperature;
  params.topP = g.topP;
  params.topK = g.topK > 0 ? g.topK : 0;
  params.maxNewTokens = phase.maxOutputTokens;
  params.n = static_cast<int>(g.rolloutN);
  const bool memoryAgent = phase.mode == config::PhaseMode::Memory;

  const auto target = static_cast<size_t>(g.trainBatchSize);
  grpo::DynamicBatchFiller<size_t> filler(target, g.dynamicSampling.maxNumGenBatches, g.dynamicSampling.enabled);
  double tGen = 0, tReward = 0;
  int nextGroup = 0;
  // At least one generation batch: a disabled filler reports done() from the start.
  do {
    std::vector<size_t> idx;
    for (size_t i : sampler.nextBatch(target)) {
      // The memory agent reads any length in sections; the whole-document prompt must fit.
      if (!memoryAgent && examples[i].inputTokens() > phase.maxInputTokens) ++out.skippedPrompts;
      else idx.push_back(i);
    }
    auto groups = generateBatch(examples, idx, params, memoryAgent, step, static_cast<int>(filler.genBatches()),
                                nextGroup, tGen, tReward);
    nextGroup += static_cast<int>(groups.size());
    // Dynamic sampling looks at accuracy (rule/judge correctness), as DAPO's filter on "acc".
    std::vector<std::pair<size_t, std::vector<double>>> offer;
    for (auto& grp : groups) {
      std::vector<double> acc;
      for (const auto& s : grp.samples) acc.push_back(s.reward.acc ? 1.0 : 0.0);
      offer.emplace_back(out.groups.size(), std::move(acc));
      out.groups.push_back(std::move(grp));
    }
    filler.offer(std::move(offer));
  } while (!filler.done());
  m["train/num_gen_batches"] = static_cast<double>(filler.genBatches());
  m["train/num_dropped_groups"] = static_cast<double>(filler.dropped());
  const auto kept = filler.take();
  for (size_t k : kept) out.groups[k].kept = true;
  m["train/num_kept_groups"] = static_cast<double>(kept.size());
  m["timing_s/gen"] = tGen;
  m["timing_s/reward"] = tReward;
  if (reward_->judgeClient()) {
    // Judge health over every sample generated this step. A failed call (endpoint down, timed out,
    // unparseable reply) keeps the rule score, so training goes on; these make the failure visible.
    double calls = 0, errors = 0;
    for (const auto& grp : out.groups)
      for (const auto& s : grp.samples)
        if (s.reward.judge) {
          ++calls;
          if (!s.reward.judge->ok()) ++errors;
        }
    m["judge/calls"] = calls;
    m["judge/errors"] = errors;
  }

  // Advantages over the kept groups.
  auto t = Clock::now();
  std::vector<grpo::GroupAdvantage::Sample> advIn;
  std::vector<RolloutSample*> trained;
  for (size_t k : kept)
    for (auto& s : out.groups[k].samples) {
      advIn.push_back({s.reward.score, out.groups[k].groupIdx, examples[out.groups[k].exampleIndex].record.dataSource});
      trained.push_back(&s);
    }
  const auto estimator = g.advantageEstimator == config::AdvantageEstimator::GrpoTaskStd
                             ? grpo::GroupAdvantage::Estimator::GrpoTaskStd
                             : grpo::GroupAdvantage::Estimator::Grpo;
  const auto adv = grpo::GroupAdvantage::compute(advIn, estimator);
  for (size_t i = 0; i < trained.size(); ++i) trained[i]->advantage = adv[i];
  m["timing_s/adv"] = since(t);

  // Batch statistics over what is trained on (all generated samples when nothing survived).
  std::vector<const RolloutGroup*> batch;
  for (const auto& grp : out.groups)
    if (grp.kept || kept.empty()) batch.push_back(&grp);
  std::vector<double> score, rewards, advs, respLen, promptLen;
  double respClip = 0, promptClip = 0, tokens = 0;
  for (const auto* grp : batch) {
    const auto plen = static_cast<double>(examples[grp->exampleIndex].promptIds.size());
    for (const auto& s : grp->samples) {
      score.push_back(s.reward.score - s.reward.overlong_penalty);
      rewards.push_back(s.reward.score);
      advs.push_back(s.advantage);
      respLen.push_back(static_cast<double>(s.responseIds.size()));
      promptLen.push_back(plen);
      respClip += s.truncated ? 1 : 0;
      if (s.calls.empty()) {
        promptClip += plen >= static_cast<double>(phase.maxInputTokens) ? 1 : 0;
        tokens += plen + static_cast<double>(s.responseIds.size());
      } else {
        // Memory agent: the document is read in sections, never clipped; every call costs tokens.
        for (const auto& c : s.calls) tokens += static_cast<double>(c.promptIds.size() + c.responseIds.size());
      }
    }
  }
  stats(m, "critic/score", score);
  {
    // critic/score covers the trained (kept) groups, as verl reports it; with dynamic sampling that
    // hides the all-wrong and all-right groups. This one covers every sample generated this step.
    std::vector<double> all;
    for (const auto& grp : out.groups)
      for (const auto& s : grp.samples) all.push_back(s.reward.score - s.reward.overlong_penalty);
    stats(m, "critic/gen_score", all);
  }
  stats(m, "critic/rewards", rewards);
  stats(m, "critic/advantages", advs);
  stats(m, "response_length", respLen);
  stats(m, "prompt_length", promptLen);
  const double n = std::max<double>(1.0, static_cast<double>(respLen.size()));
  m["response_length/clip_ratio"] = respClip / n;
  m["prompt_length/clip_ratio"] = promptClip / n;

  if (memoryAgent) memoryMetrics(m, batch);

  if (!trained.empty()) {
    auto actorBatch = ActorBatch::build(out.groups, kept, examples, static_cast<size_t>(g.ppoMiniBatchSize));
    auto& seqs = actorBatch.seqs;
    auto& miniBatches = actorBatch.miniBatches;
    // Each rank computes and trains on its share of every mini-batch (round robin within it).
    std::vector<int> owner(seqs.size(), 0);
    for (const auto& mb : miniBatches)
      for (size_t j = 0; j < mb.size(); ++j) owner[mb[j]] = static_cast<int>(j % static_cast<size_t>(collective_->worldSize()));
    // One epoch over one mini-batch trains the policy that generated: its old log-probs come from
    // the update's own forward pass (ActorUpdater::updateOnPolicy). AEPO needs the batch entropy
    // before the update, so it keeps the separate pass.
    const bool onPolicy = g.ppoEpochs == 1 && miniBatches.size() == 1 && !g.aepo.enabled;
    // A sample's mean entropy over all its tokens (every call, for the memory agent); before AEPO
    // drops sequences, while seqs still lines up with actorBatch.sampleOf.
    auto setSampleEntropy = [&](const std::vector<double>& meanEntropy) {
      std::vector<double> sum(trained.size(), 0.0), tokens(trained.size(), 0.0);
      for (size_t i = 0; i < seqs.size(); ++i) {
        const auto n = static_cast<double>(seqs[i].response->size());
        sum[actorBatch.sampleOf[i]] += meanEntropy[i] * n;
        tokens[actorBatch.sampleOf[i]] += n;
      }
      for (size_t i = 0; i < trained.size(); ++i) trained[i]->meanEntropy = tokens[i] > 0 ? sum[i] / tokens[i] : 0.0;
    };
    t = Clock::now();
    std::vector<double> meanEntropy;
    std::vector<torch::Tensor> oldLp;
    if (!onPolicy) {
      oldLp = ownedLogProbs(policy_, seqs, owner, &meanEntropy);
      setSampleEntropy(meanEntropy);
    }
    m["timing_s/old_log_prob"] = since(t);
    if (g.aepo.enabled) applyAepo(seqs, miniBatches, oldLp, owner, meanEntropy, m);
    std::vector<torch::Tensor> refLp;
    if (g.useKlLoss) {
      t = Clock::now();
      refLp = ownedLogProbs(*reference_, seqs, owner, nullptr);
      m["timing_s/ref"] = since(t);
    }
    // This rank's rows of each mini-batch; an empty share still takes part in the collectives.
    if (collective_->worldSize() > 1)
      for (auto& mb : miniBatches)
        mb.erase(std::remove_if(mb.begin(), mb.end(), [&](size_t i) { return owner[i] != collective_->rank(); }),
                 mb.end());
    t = Clock::now();
    if (!seqs.empty()) {
      if (onPolicy) {
        for (const auto& [k, v] : updater_->updateOnPolicy(seqs, refLp, miniBatches.front(), meanEntropy)) m[k] = v;
        if (collective_->worldSize() > 1) collective_->sum(meanEntropy);
        setSampleEntropy(meanEntropy);
      } else {
        for (const auto& [k, v] : updater_->update(seqs, oldLp, refLp, miniBatches)) m[k] = v;
      }
      out.updated = true;
    }
    m["timing_s/update_actor"] = since(t);
  }
  const double stepTime = since(tStep);
  m["timing_s/step"] = stepTime;
  m["perf/time_per_step"] = stepTime;
  m["perf/throughput"] = stepTime > 0 ? tokens / stepTime : 0.0;
  return out;
}

}  // namespace longrl::train
