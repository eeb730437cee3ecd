#pragma once
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

namespace longrl::train {

// Where this process sits in a data-parallel job, read from the environment the usual launchers
// set: torchrun-style (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; `longrl train
// --nproc N` sets these too) or, when WORLD_SIZE is absent, Slurm's srun (SLURM_PROCID,
// SLURM_NTASKS, SLURM_LOCALID; MASTER_ADDR/MASTER_PORT still come from the job script).
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

  static DistributedEnv fromEnvironment();  // std::getenv
  static DistributedEnv fromLookup(const Lookup& lookup);
  static DistributedEnv fromMap(const std::map<std::string, std::string>& vars);

  int rank = 0;
  int worldSize = 1;
  int localRank = 0;
  std::string masterAddr;  // empty for a single process
  int masterPort = 0;
  std::string source = "single";  // "single", "torchrun" (RANK/WORLD_SIZE) or "slurm"

  bool distributed() const { return worldSize > 1; }
};

}  // namespace longrl::train
