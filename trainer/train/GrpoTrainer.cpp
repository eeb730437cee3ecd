#include "trainer/train/GrpoTrainer.h"

#include <algorithm>
#include <chrono>

#include "core/behavior/BehaviorMetrics.h"
#include "core/behavior/GroupBehaviorClassifier.h"
#include "core/grpo/DynamicBatchFiller.h"
#include "core/grpo/GroupAdvantage.h"
#include "core/grpo/StepMetrics.h"
#include "trainer/train/ActorBatch.h"
#include "trainer/train/GatheredLayers.h"
#include "trainer/train/RolloutGroupCodec.h"

namespace longrl::train {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The figures StepMetrics reports from: every group of the step, after dynamic sampling and advantages.
std::vector<grpo::StepMetrics::Group> stepFigures(const std::vector<RolloutGroup>& groups,
                                                  const std::vector<TrainExample>& examples) {
  std::vector<grpo::StepMetrics::Group> out;
  for (const auto& grp : groups) {
    auto& f = out.emplace_back();
    f.kept = grp.kept;
    f.promptTokens = static_cast<int64_t>(examples[grp.exampleIndex].promptIds.size());
    for (const auto& s : grp.samples) {
      auto& fs = f.samples.emplace_back();
      fs.score = s.reward.score;
      fs.overlongPenalty = s.reward.overlong_penalty;
      fs.advantage = s.advantage;
      fs.responseTokens = static_cast<int64_t>(s.responseIds.size());
      fs.truncated = s.truncated;
      fs.judged = s.reward.judge.has_value();
      fs.judgeFailed = fs.judged && !s.reward.judge->ok();
      for (const auto& c : s.calls)
        fs.calls.push_back({static_cast<int64_t>(c.promptIds.size()), static_cast<int64_t>(c.responseIds.size())});
      fs.malformedReplies = s.malformedReplies;
      fs.truncatedCalls = s.truncatedCalls;
    }
  }
  return out;
}

// The rank that computes and trains each sequence: round robin within every mini-batch.
std::vector<int> rowOwners(const std::vector<std::vector<size_t>>& miniBatches, size_t rows, int worldSize) {
  std::vector<int> owner(rows, 0);
  for (const auto& mb : miniBatches)
    for (size_t j = 0; j < mb.size(); ++j) owner[mb[j]] = static_cast<int>(j % static_cast<size_t>(worldSize));
  return owner;
}

// This rank's rows of each mini-batch; an empty share still takes part in the collectives.
void keepOwnedRows(std::vector<std::vector<size_t>>& miniBatches, const std::vector<int>& owner,
                   const Collective& collective) {
  if (collective.worldSize() == 1) return;
  for (auto& mb : miniBatches)
    mb.erase(std::remove_if(mb.begin(), mb.end(), [&](size_t i) { return owner[i] != collective.rank(); }), mb.end());
}

// Each trained sample's mean entropy over all its tokens (every call, for the memory agent), from
// its sequences' mean entropies. `batch` must still line up with its sampleOf (before AEPO).
void setSampleEntropy(const ActorBatch& batch, const std::vector<double>& meanEntropy,
                      const std::vector<RolloutSample*>& trained) {
  std::vector<double> tokens;
  for (const auto& seq : batch.seqs) tokens.push_back(static_cast<double>(seq.response->size()));
  const auto perSample = grpo::StepMetrics::perSample(meanEntropy, tokens, batch.sampleOf, trained.size());
  for (size_t i = 0; i < trained.size(); ++i) trained[i]->meanEntropy = perSample[i];
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
                         int64_t microBatchTokens, Collective* collective, MasterWeights* master)
    : config_(config), policy_(policy), reference_(std::move(reference)), engine_(policy, std::move(engineOptions)),
      tokenizer_(tokenizer), reward_(std::move(reward)),
      generator_(engine_, tokenizer_, *reward_, static_cast<int>(config.reward.judge.maxConcurrent)),
      memoryRollout_(engine_, tokenizer_, generator_, config.memory), collective_(collective ? collective : &local_),
      master_(master) {
  if (config_.behavior.judge.share > 0 && collective_->leader())
    behaviorJudge_ = std::make_unique<BehaviorJudgeStep>(config_);
  if (config_.grpo.useKlLoss && !reference_)
    throw std::invalid_argument("GrpoTrainer: use_kl_loss needs a reference model");
  if (reference_) {
    (*reference_)->eval();
    for (auto& p : (*reference_)->parameters()) p.set_requires_grad(false);
  }
  optimizer_ = std::make_unique<torch::optim::AdamW>(
      master ? master->parameters() : policy_->parameters(),
      torch::optim::AdamWOptions(config_.grpo.lr).weight_decay(config_.grpo.weightDecay));
  updater_ = std::make_unique<ActorUpdater>(policy_, *optimizer_,
                                            actorOptions(config_.grpo, microBatchTokens, engine_.options().padTokenId),
                                            collective_, master);
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
  std::vector<RolloutGroup> groups;
  {
    GatheredLayers whole(master_);  // generation's KV cache runs the layers outside CheckpointedLayer
    groups = memoryAgent ? memoryRollout_.generate(examples, mine, params, seed, step, genBatch, first)
                         : generator_.generate(examples, mine, params, seed, step, genBatch, first);
  }
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
  // Batch entropy: token-weighted mean of the sequences' mean entropies.
  std::vector<double> tokens;
  for (const auto& seq : seqs) tokens.push_back(static_cast<double>(seq.response->size()));
  const double entropy = grpo::StepMetrics::tokenWeightedMean(meanEntropy, tokens);
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

engine::SamplingParams GrpoTrainer::samplingParams(const config::PhaseConfig& phase) const {
  const auto& g = config_.grpo;
  engine::SamplingParams params;
  params.temperature = g.temperature;
  params.topP = g.topP;
  params.topK = g.topK > 0 ? g.topK : 0;
  params.maxNewTokens = phase.maxOutputTokens;
  params.n = static_cast<int>(g.rolloutN);
  return params;
}

std::vector<size_t> GrpoTrainer::collectGroups(int64_t step, const config::PhaseConfig& phase,
                                               const std::vector<TrainExample>& examples,
                                               curriculum::BatchSampler& sampler, GrpoStepResult& out) {
  const auto& g = config_.grpo;
  const auto params = samplingParams(phase);
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
  auto& m = out.metrics;
  m["train/num_gen_batches"] = static_cast<double>(filler.genBatches());
  m["train/num_dropped_groups"] = static_cast<double>(filler.dropped());
  const auto kept = filler.take();
  for (size_t k : kept) out.groups[k].kept = true;
  m["train/num_kept_groups"] = static_cast<double>(kept.size());
  m["timing_s/gen"] = tGen;
  m["timing_s/reward"] = tReward;
  return kept;
}

std::vector<RolloutSample*> GrpoTrainer::assignAdvantages(std::vector<RolloutGroup>& groups,
                                                          const std::vector<size_t>& kept,
                                                          const std::vector<TrainExample>& examples) const {
  std::vector<grpo::GroupAdvantage::Sample> advIn;
  std::vector<RolloutSample*> trained;
  for (size_t k : kept)
    for (auto& s : groups[k].samples) {
      advIn.push_back({s.reward.score, groups[k].groupIdx, examples[groups[k].exampleIndex].record.dataSource});
      trained.push_back(&s);
    }
  const auto estimator = config_.grpo.advantageEstimator == config::AdvantageEstimator::GrpoTaskStd
                             ? grpo::GroupAdvantage::Estimator::GrpoTaskStd
                             : grpo::GroupAdvantage::Estimator::Grpo;
  const auto adv = grpo::GroupAdvantage::compute(advIn, estimator);
  for (size_t i = 0; i < trained.size(); ++i) trained[i]->advantage = adv[i];
  return trained;
}

bool GrpoTrainer::updateActor(std::vector<RolloutGroup>& groups, const std::vector<size_t>& kept,
                              const std::vector<RolloutSample*>& trained, const std::vector<TrainExample>& examples,
                              std::map<std::string, double>& m) {
  const auto& g = config_.grpo;
  auto batch = ActorBatch::build(groups, kept, examples, static_cast<size_t>(g.ppoMiniBatchSize));
  auto owner = rowOwners(batch.miniBatches, batch.seqs.size(), collective_->worldSize());
  // One epoch over one mini-batch trains the policy that generated: its old log-probs come from
  // the update's own forward pass (ActorUpdater::updateOnPolicy). AEPO needs the batch entropy
  // before the update, so it keeps the separate pass.
  const bool onPolicy = g.ppoEpochs == 1 && batch.miniBatches.size() == 1 && !g.aepo.enabled;
  auto t = Clock::now();
  std::vector<torch::Tensor> oldLp;
  std::vector<double> meanEntropy;
  if (!onPolicy) {
    oldLp = ownedLogProbs(policy_, batch.seqs, owner, &meanEntropy);
    setSampleEntropy(batch, meanEntropy, trained);
  }
  m["timing_s/old_log_prob"] = since(t);
  if (g.aepo.enabled) applyAepo(batch.seqs, batch.miniBatches, oldLp, owner, meanEntropy, m);
  std::vector<torch::Tensor> refLp;
  if (g.useKlLoss) {
    t = Clock::now();
    refLp = ownedLogProbs(*reference_, batch.seqs, owner, nullptr);
    m["timing_s/ref"] = since(t);
  }
  keepOwnedRows(batch.miniBatches, owner, *collective_);
  t = Clock::now();
  const bool updated = !batch.seqs.empty();
  if (updated && onPolicy) {
    for (const auto& [k, v] : updater_->updateOnPolicy(batch.seqs, refLp, batch.miniBatches.front(), meanEntropy))
      m[k] = v;
    if (collective_->worldSize() > 1) collective_->sum(meanEntropy);
    setSampleEntropy(batch, meanEntropy, trained);
  } else if (updated) {
    for (const auto& [k, v] : updater_->update(batch.seqs, oldLp, refLp, batch.miniBatches)) m[k] = v;
  }
  m["timing_s/update_actor"] = since(t);
  return updated;
}

void GrpoTrainer::classifyBehaviors(std::vector<RolloutGroup>& groups, const std::vector<TrainExample>& examples,
                                    std::map<std::string, double>& m) const {
  const auto t = Clock::now();
  const behavior::GroupBehaviorClassifier classifier(config_.behavior.grounding);
  std::vector<behavior::BehaviorMetrics::Rollout> figures;
  for (auto& grp : groups) {
    std::vector<std::string_view> responses;
    for (const auto& s : grp.samples) responses.push_back(s.text);
    auto records = classifier.classify(examples[grp.exampleIndex].record.document, responses);
    for (size_t i = 0; i < grp.samples.size(); ++i) grp.samples[i].behavior = std::move(records[i]);
  }
  // Every generated sample, as critic/gen_score: the policy's behaviour, not dynamic sampling's choice.
  for (const auto& grp : groups)
    for (const auto& s : grp.samples) figures.push_back({&*s.behavior, s.reward.acc});
  behavior::BehaviorMetrics::add(figures, m);
  m["timing_s/behavior"] = since(t);
}

GrpoStepResult GrpoTrainer::step(int64_t step, const config::PhaseConfig& phase,
                                 const std::vector<TrainExample>& examples, curriculum::BatchSampler& sampler) {
  const auto tStep = Clock::now();
  GrpoStepResult out;
  auto& m = out.metrics;
  const auto kept = collectGroups(step, phase, examples, sampler, out);
  if (reward_->judgeClient()) grpo::StepMetrics::judge(stepFigures(out.groups, examples), m);
  if (config_.behavior.rule) classifyBehaviors(out.groups, examples, m);
  if (behaviorJudge_) behaviorJudge_->run(out.groups, examples, step, m);
  auto t = Clock::now();
  const auto trained = assignAdvantages(out.groups, kept, examples);
  m["timing_s/adv"] = since(t);
  const bool memoryAgent = phase.mode == config::PhaseMode::Memory;
  const double tokens =
      grpo::StepMetrics::batch(stepFigures(out.groups, examples), phase.maxInputTokens, memoryAgent, m);
  if (!trained.empty()) out.updated = updateActor(out.groups, kept, trained, examples, m);
  grpo::StepMetrics::throughput(since(tStep), tokens, m);
  return out;
}

}  // namespace longrl::train
