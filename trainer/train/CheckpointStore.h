#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "trainer/model/QwenForCausalLM.h"

namespace longrl::train {

// The checkpoints of a run, run-dir/checkpoints/step-N/: an HF-layout model directory (weights,
// config, generation config, the tokenizer files copied from the source model) plus
// trainer_state/ (state.json, the optimizer's state, the frozen reference model when the KL loss
// uses one; under shards/, the float32 master weights and, when sharded, each rank's optimizer
// state, one file per rank). A checkpoint is written under a temporary name and renamed into place, so a crash
// while writing leaves the previous checkpoints intact; `keep` prunes the oldest.
class CheckpointStore {
 public:
  // tokenizerDir: where the tokenizer files are copied from (the source model directory).
  CheckpointStore(std::string checkpointsDir, int64_t keep, std::string tokenizerDir);

  // Returns the checkpoint's directory. optimizer / reference may be null. withShards: the
  // staging directory (what the ranks wrote into stagingDir(step)) becomes trainer_state/shards.
  std::string save(int64_t step, model::QwenForCausalLM& model, torch::optim::Optimizer* optimizer,
                   model::QwenForCausalLM* reference, const nlohmann::json& state, bool withShards = false);
  // Where the ranks write their per-rank files (master/rank-R.pt, optimizer/rank-R.pt) before
  // rank 0 saves step `step`; the caller empties it first and orders the writes with barriers.
  std::filesystem::path stagingDir(int64_t step) const;
  // The complete checkpoint with the highest step, if any.
  std::optional<std::string> latest() const;
  std::vector<std::pair<int64_t, std::string>> list() const;  // complete ones, by step

  static nlohmann::json readState(const std::string& checkpointDir);
  // Restores the optimizer state saved with the checkpoint: rank `rank`'s own file when the
  // optimizer was sharded, else the one shared file (no-op when it has none).
  static void loadOptimizer(const std::string& checkpointDir, torch::optim::Optimizer& optimizer, int rank = 0);
  static void saveOptimizer(const torch::optim::Optimizer& optimizer, const std::filesystem::path& path);
  // trainer_state/shards of a checkpoint (it may not exist).
  static std::filesystem::path shardsDir(const std::string& checkpointDir);
  static std::string referenceDir(const std::string& checkpointDir);  // "" when none was saved
  static std::string dirName(int64_t step) { return "step-" + std::to_string(step); }
  // A rank's file in a shards directory (master/, optimizer/).
  static std::string rankFile(int rank) { return "rank-" + std::to_string(rank) + ".pt"; }

 private:
  void writeInto(const std::filesystem::path& tmp, model::QwenForCausalLM& model, torch::optim::Optimizer* optimizer,
                 model::QwenForCausalLM* reference, const nlohmann::json& state,
                 const std::filesystem::path& shardsFrom) const;
  void prune();
  std::string dir_;
  int64_t keep_;
  std::string tokenizerDir_;
};

}  // namespace longrl::train
