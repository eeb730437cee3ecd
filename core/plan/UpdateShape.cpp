#include "core/plan/UpdateShape.h"

#include <algorithm>

#include "core/plan/GenerationBatches.h"

namespace longrl::plan {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

double UpdateShape::modelTokens() const {
  const double g = static_cast<double>(groups), p = static_cast<double>(prompt), r = static_cast<double>(response);
  return sharedPrompt ? g * (p + static_cast<double>(rowsPerGroup) * r) : rows() * (p + r);
}

UpdateShape UpdateShape::of(const config::RunConfig& run, const config::PhaseConfig& phase, int64_t nproc,
                            int64_t microBatchTokens) {
  UpdateShape s;
  const bool memory = phase.mode == config::PhaseMode::Memory;
  s.prompt = std::max<int64_t>(1, memory ? run.memory.chunkTokens + run.memory.memoryTokens : phase.maxInputTokens);
  s.response =
      std::max<int64_t>(1, memory ? std::max(run.memory.memoryTokens, phase.maxOutputTokens) : phase.maxOutputTokens);
  s.samples = std::max<int64_t>(1, run.grpo.rolloutN);
  const int64_t ranks = std::max<int64_t>(1, nproc), budget = std::max<int64_t>(1, microBatchTokens);
  const int64_t p = s.prompt, r = s.response;
  if (!memory)
    s.generationPrompts =
        GenerationBatches::promptsTogether(p, s.samples, r,
                                           ceilDiv(std::max<int64_t>(1, run.grpo.trainBatchSize), ranks));
  const int64_t perGroup = ceilDiv(s.samples, ranks);
  const int64_t miniBatch = std::max<int64_t>(1, std::min(run.grpo.ppoMiniBatchSize, run.grpo.trainBatchSize));
  const int64_t rowsHeld = ceilDiv(miniBatch * s.samples, ranks);
  // Fully sharded over ranks, the trainer runs every row's own prompt (no shared-prompt KV cache).
  const bool fullShard = run.distributed.shard == config::ShardMode::Full && ranks > 1;
  if (!fullShard && perGroup >= 2 && p + 2 * r <= budget) {
    // Two rows of a group fit: the prompt counts once, and the rows fill the budget.
    s.sharedPrompt = true;
    s.rowsPerGroup = std::min(perGroup, (budget - p) / r);
    const int64_t groupsHeld = ceilDiv(rowsHeld, perGroup);
    s.groups = s.rowsPerGroup < perGroup ? 1 : std::clamp<int64_t>(budget / (p + perGroup * r), 1, groupsHeld);
  } else {
    // Rows one after another, padded to the longest; a row longer than the budget still goes alone.
    s.groups = std::clamp<int64_t>(budget / (p + r), 1, rowsHeld);
  }
  return s;
}

}  // namespace longrl::plan
