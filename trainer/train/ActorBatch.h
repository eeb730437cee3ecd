#pragma once
#include <cstddef>
#include <vector>

#include "trainer/train/ActorUpdater.h"
#include "trainer/train/RolloutGroup.h"
#include "trainer/train/TrainExample.h"

namespace longrl::train {

// The sequences one GRPO update trains on, built from the kept groups. A sample is one sequence
// (the example's prompt and the response); a memory-agent sample is one sequence per call of its
// trajectory, each with the trajectory's advantage (QwenLong-L1.5 broadcasts the one reward of a
// trajectory to every call). A mini-batch holds whole groups, groupsPerMini of them, so the calls
// of a trajectory are always updated together.
struct ActorBatch {
  std::vector<ActorSequence> seqs;
  std::vector<std::vector<std::size_t>> miniBatches;  // indices into seqs
  std::vector<std::size_t> sampleOf;                  // seqs[i] comes from trained sample sampleOf[i]

  // Trained samples are numbered in kept order, group by group. The sequences point into
  // `groups` and `examples`, which must outlive the batch.
  static ActorBatch build(const std::vector<RolloutGroup>& groups, const std::vector<std::size_t>& kept,
                          const std::vector<TrainExample>& examples, std::size_t groupsPerMini);
};

}  // namespace longrl::train
