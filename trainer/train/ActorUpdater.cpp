#include "trainer/train/ActorUpdater.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "trainer/train/FullShardLockstep.h"
#include "trainer/train/GatheredLayers.h"
#include "trainer/train/SequenceBatch.h"
#include "trainer/train/TokenLogProbs.h"

namespace longrl::train {
namespace {

// Rows `rows` of per-sequence [R_i] tensors as one zero-padded [B, R] matrix.
torch::Tensor padRows(const std::vector<torch::Tensor>& perSeq, const std::vector<size_t>& rows, int64_t width) {
  auto out = torch::zeros({static_cast<int64_t>(rows.size()), width}, torch::kFloat32);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& t = perSeq[rows[i]];
    out[static_cast<int64_t>(i)].narrow(0, 0, t.size(0)).copy_(t);
  }
  return out;
}

SequenceBatch batchOf(const std::vector<ActorSequence>& seqs, const std::vector<size_t>& rows, int padId,
                      torch::Device device) {
  std::vector<const std::vector<int>*> p, r;
  for (size_t i : rows) {
    p.push_back(seqs[i].prompt);
    r.push_back(seqs[i].response);
  }
  return SequenceBatch::build(p, r, padId, device);
}

torch::Device deviceOf(model::QwenForCausalLM& m) { return m->parameters().front().device(); }

// Each micro-batch row's mean token entropy over its response, into out[micro[k]].
void storeMeanEntropy(const torch::Tensor& entropy, const SequenceBatch& batch, const std::vector<size_t>& micro,
                      std::vector<double>& out) {
  const auto ent = entropy.detach().cpu();
  for (size_t k = 0; k < micro.size(); ++k)
    out[micro[k]] = ent[static_cast<int64_t>(k)].narrow(0, 0, batch.responseLen[k]).mean().item<double>();
}

}  // namespace

ActorUpdater::ActorUpdater(model::QwenForCausalLM policy, torch::optim::Optimizer& optimizer, ActorOptions options,
                           Collective* collective, MasterWeights* master)
    : policy_(std::move(policy)), optimizer_(optimizer), options_(options),
      collective_(collective ? collective : &local_),
      ownMaster_(master ? nullptr : MasterWeights::passThroughOf(*policy_, *collective_)),
      master_(master ? master : ownMaster_.get()) {}

std::vector<std::vector<size_t>> ActorUpdater::microBatches(const std::vector<ActorSequence>& seqs,
                                                            const std::vector<size_t>& rows, int64_t tokenBudget) {
  // Tokens a micro-batch puts through the model, as TokenLogProbs will run it: padded (every row's
  // prompt and response, padded to the longest) or, once two rows share a prompt, each distinct
  // prompt once plus its rows' responses padded to that group's longest. Counting a group's prompt
  // per row would split a group of long prompts into micro-batches that each run it again.
  struct Group {
    int64_t rows = 0, longest = 0;
  };
  std::vector<std::vector<size_t>> out;
  std::vector<size_t> cur;
  std::map<const std::vector<int>*, Group> groups;
  int64_t longestRow = 0, sharedCost = 0;
  bool anyShared = false;
  const bool sharing = TokenLogProbs::sharedPrompts();
  // The micro-batch's cost with row i added, and that row's effect on the running figures.
  auto costWith = [&](size_t i, int64_t& newSharedCost, bool& newAnyShared) {
    const auto p = static_cast<int64_t>(seqs[i].prompt->size()), r = static_cast<int64_t>(seqs[i].response->size());
    const auto it = groups.find(seqs[i].prompt);
    const Group g = it == groups.end() ? Group{} : it->second;
    newSharedCost = sharedCost - g.rows * g.longest + (g.rows + 1) * std::max(g.longest, r) + (g.rows == 0 ? p : 0);
    newAnyShared = sharing && (anyShared || g.rows > 0);
    return newAnyShared ? newSharedCost : std::max(longestRow, p + r) * static_cast<int64_t>(cur.size() + 1);
  };
  for (size_t i : rows) {
    int64_t nextShared = 0;
    bool nextAny = false;
    if (costWith(i, nextShared, nextAny) > tokenBudget && !cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
      groups.clear();
      longestRow = sharedCost = 0;
      anyShared = false;
      costWith(i, nextShared, nextAny);  // the row opens a new micro-batch
    }
    sharedCost = nextShared;
    anyShared = nextAny;
    auto& g = groups[seqs[i].prompt];
    g.rows += 1;
    g.longest = std::max<int64_t>(g.longest, static_cast<int64_t>(seqs[i].response->size()));
    longestRow = std::max<int64_t>(longestRow, static_cast<int64_t>(seqs[i].prompt->size() + seqs[i].response->size()));
    cur.push_back(i);
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::vector<torch::Tensor> ActorUpdater::logProbs(model::QwenForCausalLM& model, const std::vector<ActorSequence>& seqs,
                                                  std::vector<double>* meanEntropy) const {
  torch::NoGradGuard noGrad;
  // The policy's layers whole for the pass: its micro-batches need not match the other ranks'.
  GatheredLayers whole(model.get() == policy_.get() ? master_ : nullptr);
  std::vector<size_t> all(seqs.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<torch::Tensor> out(seqs.size());
  if (meanEntropy) meanEntropy->assign(seqs.size(), 0.0);
  const auto device = deviceOf(model);
  for (const auto& micro : microBatches(seqs, all, options_.microBatchTokens)) {
    const auto batch = batchOf(seqs, micro, options_.padId, device);
    const auto r = TokenLogProbs::compute(model, batch, options_.temperature, meanEntropy != nullptr);
    const auto lp = r.logProbs.cpu();
    for (size_t k = 0; k < micro.size(); ++k)
      out[micro[k]] = lp[static_cast<int64_t>(k)].narrow(0, 0, batch.responseLen[k]).clone();
    if (meanEntropy) storeMeanEntropy(r.entropy, batch, micro, *meanEntropy);
  }
  return out;
}

std::map<std::string, double> ActorUpdater::miniBatchStep(const std::vector<ActorSequence>& seqs, OldLogProbs source,
                                                          const std::vector<torch::Tensor>& oldLogProbs,
                                                          const std::vector<torch::Tensor>& refLogProbs,
                                                          const std::vector<size_t>& rows,
                                                          std::vector<double>* meanEntropy) {
  const auto device = deviceOf(policy_);
  const auto mode = options_.loss.aggMode;
  double localTokens = 0;
  for (size_t i : rows) localTokens += static_cast<double>(seqs[i].response->size());
  // Weights against the whole mini-batch (all ranks): the accumulated gradient is that of the
  // loss aggregated over the mini-batch at once, however it is split into micro-batches or ranks.
  const double totalTokens = collective_->sum(localTokens);
  const double totalSeqs = collective_->sum(static_cast<double>(rows.size()));
  optimizer_.zero_grad();
  policy_->zero_grad();
  double pgLoss = 0, clipFrac = 0, clipFracLower = 0, ppoKl = 0, entropy = 0, klLoss = 0, routerAux = 0;
  const auto& modelConfig = policy_->config();
  const auto micros = microBatches(seqs, rows, options_.microBatchTokens);
  for (const auto& micro : micros) {
    const auto batch = batchOf(seqs, micro, options_.padId, device);
    const int64_t width = batch.responseMask.size(1);
    const auto mask = batch.responseMask;
    std::vector<float> adv;
    for (size_t i : micro) adv.push_back(static_cast<float>(seqs[i].advantage));
    const auto advantages = torch::tensor(adv).to(device).unsqueeze(1) * mask;
    const auto r = TokenLogProbs::compute(policy_, batch, options_.temperature, true, modelConfig.isMoe());
    const auto old =
        source == OldLogProbs::ThisForward ? r.logProbs.detach() : padRows(oldLogProbs, micro, width).to(device);
    if (meanEntropy) storeMeanEntropy(r.entropy, batch, micro, *meanEntropy);
    const auto pl = grpo::PolicyLoss::compute(r.logProbs, old, advantages, mask, options_.loss);
    const double microTokens = mask.sum().item<double>();
    const double tokW = microTokens / totalTokens;
    const double aggW = mode == config::LossAggMode::TokenMean ? tokW : static_cast<double>(micro.size()) / totalSeqs;
    const auto entLoss = grpo::PolicyLoss::aggregate(r.entropy, mask, mode);
    auto loss = pl.loss - options_.entropyCoeff * entLoss;
    if (options_.useKlLoss) {
      const auto ref = padRows(refLogProbs, micro, width).to(device);
      const auto kld = grpo::PolicyLoss::klPenalty(r.logProbs, ref, options_.klType);
      const auto kl = grpo::PolicyLoss::aggregate(kld, mask, mode);
      loss = loss + options_.klCoef * kl;
      klLoss += kl.item<double>() * aggW;
    }
    if (r.routerAuxLoss.defined()) {
      // As HF's Qwen3MoeForCausalLM in training: loss + router_aux_loss_coef * aux, only with
      // output_router_logits (off in Qwen3-30B-A3B's config); the metric is reported either way.
      if (modelConfig.moe.addsAuxLoss()) loss = loss + modelConfig.moe.routerAuxLossCoef * r.routerAuxLoss;
      routerAux += r.routerAuxLoss.item<double>() * tokW;
    }
    (loss * aggW).backward();
    pgLoss += pl.loss.item<double>() * aggW;
    clipFrac += pl.clipFrac.item<double>() * tokW;
    clipFracLower += pl.clipFracLower.item<double>() * tokW;
    ppoKl += pl.ppoKl.item<double>() * tokW;
    entropy += grpo::PolicyLoss::maskedMean(r.entropy.detach(), mask).item<double>() * tokW;
  }
  FullShardLockstep::runIdle(policy_,
                             FullShardLockstep::idleCount(*master_, *collective_, static_cast<int64_t>(micros.size())));
  const double gradNorm = master_->step(optimizer_, options_.gradClip);
  const double lr = optimizer_.param_groups().front().options().get_lr();
  std::map<std::string, double> m{{"actor/pg_loss", collective_->sum(pgLoss)},
                                  {"actor/pg_clipfrac", collective_->sum(clipFrac)},
                                  {"actor/pg_clipfrac_lower", collective_->sum(clipFracLower)},
                                  {"actor/ppo_kl", collective_->sum(ppoKl)},
                                  {"actor/entropy", collective_->sum(entropy)},
                                  {"actor/grad_norm", gradNorm},
                                  {"actor/lr", lr}};
  if (options_.useKlLoss) m["actor/kl_loss"] = collective_->sum(klLoss);
  if (modelConfig.isMoe()) m["actor/router_aux_loss"] = collective_->sum(routerAux);
  return m;
}

std::map<std::string, double> ActorUpdater::update(const std::vector<ActorSequence>& seqs,
                                                   const std::vector<torch::Tensor>& oldLogProbs,
                                                   const std::vector<torch::Tensor>& refLogProbs,
                                                   const std::vector<std::vector<size_t>>& miniBatches) {
  std::map<std::string, double> sum;
  int count = 0;
  policy_->train();
  for (int64_t epoch = 0; epoch < options_.ppoEpochs; ++epoch)
    for (const auto& mb : miniBatches) {
      for (const auto& [k, v] : miniBatchStep(seqs, OldLogProbs::Given, oldLogProbs, refLogProbs, mb)) sum[k] += v;
      ++count;
    }
  for (auto& [k, v] : sum) v /= std::max(1, count);
  return sum;
}

std::map<std::string, double> ActorUpdater::updateOnPolicy(const std::vector<ActorSequence>& seqs,
                                                           const std::vector<torch::Tensor>& refLogProbs,
                                                           const std::vector<size_t>& miniBatch,
                                                           std::vector<double>& meanEntropy) {
  meanEntropy.assign(seqs.size(), 0.0);
  policy_->train();
  return miniBatchStep(seqs, OldLogProbs::ThisForward, {}, refLogProbs, miniBatch, &meanEntropy);
}

}  // namespace longrl::train
