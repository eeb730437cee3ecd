#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/RunConfig.h"
#include "core/curriculum/BatchSampler.h"
#include "core/curriculum/DifficultyTracker.h"
#include "core/curriculum/PhaseBands.h"
#include "core/reward/RewardFunction.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/train/CheckpointStore.h"
#include "trainer/train/Collective.h"
#include "trainer/train/GrpoTrainer.h"
#include "trainer/train/MasterWeights.h"
#include "trainer/train/RunRecorder.h"

namespace longrl::train {

struct TrainOptions {
  std::string runDir;
  bool resume = false;             // continue after the latest checkpoint (fresh start when there is none)
  std::ostream* events = nullptr;  // --events stdout: every record as a JSON line
  std::string tensorboardDir;      // --tensorboard DIR: rank 0 writes each metric to a new event file there
  std::ostream* log = nullptr;     // human-readable progress (stderr)
  // Test hook: stop, as if killed, after this many GRPO steps of this process (0 = off).
  int64_t stopAfterSteps = 0;
  int64_t microBatchTokens = 16384;
  bool sftOnly = false;  // stop after the SFT warm-up and its checkpoint
  // Set from a SIGTERM/SIGINT handler: the current GRPO step finishes, a checkpoint is written and
  // the run ends as "stopped" (resumable) instead of staying "running" in the store.
  const std::atomic<bool>* stopRequested = nullptr;
  // Data parallel: this process's rank among several (null: one process). Rank 0 alone writes the
  // run store, the events and the checkpoints; the run directory must be on a filesystem every
  // rank sees (they read the model and, on --resume, the checkpoint from it).
  Collective* collective = nullptr;
};

// A whole training run in a run directory: config.json, run.sqlite, checkpoints/. Warm-up SFT
// (when enabled), then the curriculum phases of GRPO; between phases, retrospective sampling
// re-inserts the hard examples (and the ones people marked hard) into the next phase's data.
// Checkpoints hold everything needed to continue exactly where they were taken.
class TrainingRun {
 public:
  TrainingRun(config::RunConfig config, TrainOptions options);

  // Returns "finished", or "stopped" (stop hook). On an error, records status "failed" and an
  // "error" event, then rethrows.
  std::string run();

 private:
  std::string runInner();
  // run.sqlite (rank 0) with the run as "running", and config.json beside it (written once the
  // store opened).
  void openStore();
  // The config's values, the dataset files (they exist and parse) and the judge (a warning when
  // it does not answer), before anything is loaded or trained.
  void checkInputs();
  // The checkpoint to resume from (--resume), the one rank 0 found on every rank.
  std::optional<std::string> findCheckpoint();
  void restoreState(const std::string& checkpoint);
  bool blockAttention() const;  // the training forward's attention (model.attention)
  // Loads the policy (from the checkpoint, else model.path) and the tokenizer; returns the engine's options.
  engine::EngineOptions loadPolicy(const std::optional<std::string>& checkpoint);
  // The KL loss's frozen reference: the checkpoint's, else a copy of the policy as GRPO starts.
  std::optional<model::QwenForCausalLM> loadReference(const std::optional<std::string>& checkpoint);
  // The training examples and each one's phase (bandOf_); returns the phases' length bands.
  curriculum::PhaseBands loadExamples(const reward::RewardFunction& rewardFn);
  void recordPendingPhases(const curriculum::PhaseBands& bands);
  void loadValExamples(const reward::RewardFunction& rewardFn);
  // Records `status`, flushes the store and logs `message`; returns `status`.
  std::string finish(const std::string& status, const std::string& message);
  void runSft();
  bool runPhase(size_t phase);  // false: stopped by the hook
  void selectRetrospective(size_t phase);
  void waitForAnnotations(size_t phase);
  void recordStep(const GrpoStepResult& result, const std::vector<TrainExample>& examples, int phase);
  void ensureExampleStored(const TrainExample& e);
  // Greedy validation pass on val examples (leader only), recorded as val-core metrics at step_.
  void validate(size_t phase);
  std::vector<TrainExample> validationList() const;
  void recordValidation(size_t phase, const std::vector<TrainExample>& list, const std::vector<double>& greedy,
                        const std::vector<double>& sampled, double seconds);
  void saveCheckpoint();
  // Each rank's master weights (and, sharded, its optimizer state) into the checkpoint's staging
  // directory; returns whether the checkpoint has any.
  bool stageShards();
  nlohmann::json stateJson() const;
  void writeRunStatus(const std::string& status);
  void log(const std::string& line);

  bool leader() const { return collective_->leader(); }

  config::RunConfig config_;
  TrainOptions options_;
  Collective local_;
  Collective* collective_;
  std::unique_ptr<RunRecorder> recorder_;
  std::unique_ptr<CheckpointStore> checkpoints_;
  std::optional<tokenizer::Tokenizer> tokenizer_;
  model::QwenForCausalLM policy_{nullptr};
  std::unique_ptr<MasterWeights> master_;  // what the optimizers step (model.dtype, distributed.shard)
  std::unique_ptr<GrpoTrainer> grpo_;
  std::vector<TrainExample> examples_;     // every usable training example
  std::vector<int> bandOf_;                // per example: its phase, -1 = too long for every phase
  std::vector<TrainExample> valExamples_;  // dataset.val (up to val_max_examples)
  std::string runName_;

  // Position (what a checkpoint saves).
  int64_t step_ = 0;
  size_t phase_ = 0;
  int64_t phaseStep_ = 0;
  int64_t phaseStartStep_ = 1;
  bool sftDone_ = false;
  bool aepoMasking_ = false;
  std::map<size_t, std::vector<std::string>> retro_;  // phase -> example ids re-inserted into it
  nlohmann::json samplerState_;                       // of the running phase (null at a phase start)
  std::unique_ptr<curriculum::BatchSampler> sampler_;
  curriculum::DifficultyTracker tracker_;
  int64_t lastCheckpointStep_ = -1;
  int64_t lastValidationStep_ = -1;  // a phase's end can fall on a val_every_steps multiple
  int64_t stepsThisProcess_ = 0;
  std::set<std::string> storedExamples_;
};

}  // namespace longrl::train
