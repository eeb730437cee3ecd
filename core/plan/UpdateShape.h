#pragma once
#include <cstdint>

#include "core/config/RunConfig.h"

namespace longrl::plan {

// The sequences of one curriculum phase at their limits, and the largest micro-batch of an update
// that one rank puts through the model: ActorUpdater::microBatches on the rows GrpoTrainer deals
// to that rank (a mini-batch's rows in turn, so a rank holds ceil(n / N) rows of each group).
struct UpdateShape {
  int64_t prompt = 0;         // tokens of the phase's longest prompt
  int64_t response = 0;       // tokens of its longest response
  int64_t samples = 1;        // grpo.rollout_n: responses generated together for one prompt
  int64_t groups = 1;         // distinct prompts in the micro-batch
  int64_t rowsPerGroup = 1;   // responses to each of them in it
  bool sharedPrompt = false;  // the rows share their prompt's forward (SharedPromptLogProbs)
  // Prompts a rank decodes together in generation (GenerationBatches::promptsTogether over its
  // share of a step's prompts); 1 in memory phases, whose n trajectories are the batch.
  int64_t generationPrompts = 1;

  double rows() const { return static_cast<double>(groups) * static_cast<double>(rowsPerGroup); }
  // Positions the decoder runs: each distinct prompt once plus its rows' responses when shared,
  // every row's prompt and response otherwise.
  double modelTokens() const;
  // Hidden rows that go through the LM head: the response tokens.
  double responseTokens() const { return rows() * static_cast<double>(response); }

  // Full phases: max_input_tokens and max_output_tokens. Memory phases: a section call's prompt
  // (memory.chunk_tokens + memory.memory_tokens; the question and the chat template are not
  // counted) and the longer of a section reply and the final answer.
  static UpdateShape of(const config::RunConfig& run, const config::PhaseConfig& phase, int64_t nproc,
                        int64_t microBatchTokens);
};

}  // namespace longrl::plan
