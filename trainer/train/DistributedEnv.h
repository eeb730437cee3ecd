#pragma once
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

namespace longrl::train {

// Where this process sits in a data-parallel job, read from the environment the usual launchers
// set: torchrun-style (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; `longrl train
// --nproc N` sets these too) or, when WORLD_SIZE is absent, Slurm's srun (SLURM_PROCID,
// SLURM_NTASKS, SLURM_LOCALID).
//
// torchrun: with TORCHELASTIC_USE_AGENT_STORE=True (its static rendezvous, the default without
// --standalone or --rdzv_backend) torchrun's agent already serves the store at MASTER_ADDR:
// MASTER_PORT; every rank joins it as a client under the prefix /worker/attempt_<TORCHELASTIC_
// RESTART_COUNT>, as torch.distributed does. Its other variables (GROUP_RANK, ROLE_*,
// LOCAL_WORLD_SIZE, TORCHELASTIC_RUN_ID) are not needed: RANK and WORLD_SIZE are global.
//
// srun: MASTER_ADDR and MASTER_PORT win when exported. Else, in a task srun started (it sets
// SLURM_STEP_NODELIST), MASTER_ADDR is the first host of SLURM_STEP_NODELIST (where task 0 runs
// under the default block and cyclic distributions) and MASTER_PORT is
// kSlurmPortBase + (SLURM_JOB_ID + SLURM_STEP_ID) mod kSlurmPortSpan, so every task of a step
// derives the same pair without a job script exporting it.
//
// No torch here: it is parsed and validated before any process group exists.
class DistributedEnv {
 public:
  // Returns the variable's value, or nullptr when it is not set (std::getenv's contract).
  using Lookup = std::function<const char*(const char* name)>;

  // Bad or inconsistent variables throw DistributedEnv::Error naming the variable.
  class Error : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
  };

  // The derived srun ports: [20000, 29999], below Linux's ephemeral range (32768-60999), so a
  // port is not taken by some outgoing connection on rank 0's host.
  static constexpr int kSlurmPortBase = 20000;
  static constexpr int kSlurmPortSpan = 10000;

  static DistributedEnv fromEnvironment();  // std::getenv
  static DistributedEnv fromLookup(const Lookup& lookup);
  static DistributedEnv fromMap(const std::map<std::string, std::string>& vars);

  int rank = 0;
  int worldSize = 1;
  int localRank = 0;
  std::string masterAddr;  // empty for a single process
  int masterPort = 0;
  std::string source = "single";    // "single", "torchrun" (RANK/WORLD_SIZE) or "slurm"
  bool launchedByTorchrun = false;  // TORCHELASTIC_USE_AGENT_STORE is set (torchrun always sets it)
  // torchrun's agent serves the store (TORCHELASTIC_USE_AGENT_STORE=True): join it as a client.
  bool useAgentStore = false;
  int restartCount = 0;  // TORCHELASTIC_RESTART_COUNT: which attempt of the workers this is
  // Where a rendezvous value not given came from, e.g. "MASTER_ADDR from SLURM_STEP_NODELIST";
  // empty when MASTER_ADDR and MASTER_PORT were set.
  std::string derivedFrom;

  bool distributed() const { return worldSize > 1; }
  // The key prefix of this attempt in torchrun's store (torch.distributed's).
  std::string agentStorePrefix() const { return "/worker/attempt_" + std::to_string(restartCount); }
  // One line for the log: ranks, launcher and rendezvous, e.g. "2 ranks (torchrun), rendezvous in
  // torchrun's store at 127.0.0.1:29500 (attempt 0)".
  std::string describe() const;
};

}  // namespace longrl::train
