#include "trainer/train/DistributedEnv.h"

#include <cerrno>
#include <cstdlib>
#include <initializer_list>
#include <utility>

#include "trainer/train/SlurmHostlist.h"

namespace longrl::train {
namespace {

constexpr long long kMaxRanks = 1 << 20;

// A whole non-negative decimal integer ("2", not "2x", "-1" or "") within [lo, hi].
long long parseNumber(const char* name, const char* text, long long lo, long long hi) {
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const long long v = s.empty() ? 0 : std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || errno != 0 || *end != '\0' || s.find_first_not_of("0123456789") != std::string::npos)
    throw DistributedEnv::Error(std::string(name) + "='" + s + "' is not a non-negative integer");
  if (v < lo || v > hi)
    throw DistributedEnv::Error(std::string(name) + "=" + s + " is out of range [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + "]");
  return v;
}

int parseInt(const char* name, const char* text, long long lo, long long hi) {
  return static_cast<int>(parseNumber(name, text, lo, hi));
}

// The first of the variables that is set (Slurm spells some two ways), with its name.
std::pair<const char*, const char*> firstSet(const DistributedEnv::Lookup& lookup,
                                             std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (const char* v = lookup(n)) return {n, v};
  return {*names.begin(), nullptr};
}

// MASTER_ADDR of an srun task without it: the first host of the step, which must be rank 0's.
std::string slurmMasterAddr(const DistributedEnv::Lookup& lookup, const char* stepNodes, int rank) {
  std::string host;
  try {
    host = SlurmHostlist::firstHost(stepNodes);
  } catch (const SlurmHostlist::Error& e) {
    throw DistributedEnv::Error("SLURM_STEP_NODELIST='" + std::string(stepNodes) + "': " + e.what() +
                                " (export MASTER_ADDR to bypass it)");
  }
  const char* here = lookup("SLURMD_NODENAME");
  if (rank == 0 && here && *here && host != here)
    throw DistributedEnv::Error("rank 0 runs on SLURMD_NODENAME=" + std::string(here) + ", not on " + host +
                                ", the first host of SLURM_STEP_NODELIST (an srun --distribution that does not start "
                                "there?): export MASTER_ADDR (rank 0's host) and MASTER_PORT for every task");
  return host;
}

// MASTER_PORT of an srun task without it: the same for every task of one step, and different
// for two steps of one job sharing a first host.
int slurmMasterPort(const DistributedEnv::Lookup& lookup) {
  constexpr long long kMaxId = 4294967295LL;  // Slurm's ids are 32-bit
  const auto [jobName, job] = firstSet(lookup, {"SLURM_JOB_ID", "SLURM_JOBID"});
  if (!job)
    throw DistributedEnv::Error(
        "MASTER_PORT is not set and SLURM_JOB_ID is absent to derive it from: export MASTER_PORT (a free TCP port on "
        "rank 0's host) for every task");
  const long long jobId = parseNumber(jobName, job, 0, kMaxId);
  const auto [stepName, step] = firstSet(lookup, {"SLURM_STEP_ID", "SLURM_STEPID"});
  const long long stepId = step ? parseNumber(stepName, step, 0, kMaxId) : 0;
  return DistributedEnv::kSlurmPortBase + static_cast<int>((jobId + stepId) % DistributedEnv::kSlurmPortSpan);
}

// MASTER_ADDR and MASTER_PORT: exported, or derived for an srun task; else an error that says
// what to export.
void readMaster(const DistributedEnv::Lookup& lookup, const std::string& worldVar, DistributedEnv& env) {
  const char* stepNodes = env.source == "slurm" ? lookup("SLURM_STEP_NODELIST") : nullptr;
  const std::string notSrun =
      env.source == "slurm" ? " and SLURM_STEP_NODELIST is absent to derive it from (not a task srun started?)" : "";
  const char* addr = lookup("MASTER_ADDR");
  if (addr && *addr) {
    env.masterAddr = addr;
  } else if (stepNodes) {
    env.masterAddr = slurmMasterAddr(lookup, stepNodes, env.rank);
    env.derivedFrom = "MASTER_ADDR from SLURM_STEP_NODELIST";
  } else {
    throw DistributedEnv::Error("MASTER_ADDR is not set" + notSrun + ": the address of rank 0's host is needed for " +
                                worldVar + " > 1" +
                                (notSrun.empty() ? ""
                                                 : "; start the tasks with srun, or export MASTER_ADDR=$(scontrol "
                                                   "show hostnames \"$SLURM_JOB_NODELIST\" | head -n1)"));
  }
  if (const char* port = lookup("MASTER_PORT")) {
    env.masterPort = parseInt("MASTER_PORT", port, 1, 65535);
  } else if (stepNodes) {
    env.masterPort = slurmMasterPort(lookup);
    env.derivedFrom +=
        std::string(env.derivedFrom.empty() ? "" : ", ") + "MASTER_PORT from SLURM_JOB_ID and SLURM_STEP_ID";
  } else {
    throw DistributedEnv::Error("MASTER_PORT is not set" + notSrun + ": a free TCP port on MASTER_ADDR is needed for " +
                                worldVar + " > 1" +
                                (notSrun.empty() ? "" : "; export MASTER_PORT=$((20000 + SLURM_JOB_ID % 10000))"));
  }
}

// torchrun's TORCHELASTIC_USE_AGENT_STORE ("True" or "False", Python's str(bool)) and, when its
// agent serves the store, the attempt whose keys this rank uses.
void readAgentStore(const DistributedEnv::Lookup& lookup, DistributedEnv& env) {
  const char* use = lookup("TORCHELASTIC_USE_AGENT_STORE");
  if (!use) return;
  env.launchedByTorchrun = true;
  const std::string value(use);
  if (value != "True" && value != "False")
    throw DistributedEnv::Error("TORCHELASTIC_USE_AGENT_STORE='" + value +
                                "' is neither True nor False (torchrun sets one of them)");
  env.useAgentStore = value == "True";
  if (!env.useAgentStore) return;
  const char* count = lookup("TORCHELASTIC_RESTART_COUNT");
  if (!count)
    throw DistributedEnv::Error(
        "TORCHELASTIC_USE_AGENT_STORE=True but TORCHELASTIC_RESTART_COUNT is not set (torchrun sets both)");
  env.restartCount = parseInt("TORCHELASTIC_RESTART_COUNT", count, 0, 1 << 30);
}

}  // namespace

DistributedEnv DistributedEnv::fromEnvironment() {
  return fromLookup([](const char* name) { return std::getenv(name); });
}

DistributedEnv DistributedEnv::fromMap(const std::map<std::string, std::string>& vars) {
  return fromLookup([&vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

DistributedEnv DistributedEnv::fromLookup(const Lookup& lookup) {
  DistributedEnv env;
  const char* rankVar = nullptr;
  const char* worldVar = nullptr;
  const char* localVar = nullptr;
  if (lookup("WORLD_SIZE")) {
    env.source = "torchrun";
    worldVar = "WORLD_SIZE";
    rankVar = "RANK";
    localVar = "LOCAL_RANK";
  } else if (lookup("RANK")) {
    throw Error("RANK is set but WORLD_SIZE is not: set both (or neither, for a single process)");
  } else if (lookup("SLURM_NTASKS") && lookup("SLURM_PROCID")) {
    env.source = "slurm";
    worldVar = "SLURM_NTASKS";
    rankVar = "SLURM_PROCID";
    localVar = "SLURM_LOCALID";
  } else {
    return env;  // a single process
  }
  env.worldSize = parseInt(worldVar, lookup(worldVar), 1, kMaxRanks);
  const char* rankText = lookup(rankVar);
  if (!rankText) {
    if (env.worldSize > 1)
      throw Error(std::string(worldVar) + " is " + std::to_string(env.worldSize) + " but " + rankVar + " is not set");
    rankText = "0";
  }
  env.rank = parseInt(rankVar, rankText, 0, kMaxRanks);
  if (env.rank >= env.worldSize)
    throw Error(std::string(rankVar) + "=" + std::to_string(env.rank) + " must be less than " + worldVar + "=" +
                std::to_string(env.worldSize));
  // LOCAL_RANK picks the GPU (cuda:LOCAL_RANK); without it a rank is taken to be alone on its node.
  if (const char* local = lookup(localVar)) env.localRank = parseInt(localVar, local, 0, kMaxRanks);
  else env.localRank = env.worldSize > 1 && env.source == "torchrun" ? env.rank : 0;
  if (!env.distributed()) return env;
  readMaster(lookup, worldVar, env);
  if (env.source == "torchrun") readAgentStore(lookup, env);
  return env;
}

std::string DistributedEnv::describe() const {
  if (!distributed()) return "1 process";
  const char* launcher = source == "slurm" ? "srun" : launchedByTorchrun ? "torchrun" : "RANK/WORLD_SIZE";
  const std::string at = masterAddr + ":" + std::to_string(masterPort);
  std::string s = std::to_string(worldSize) + " ranks (" + launcher + "), rendezvous ";
  if (useAgentStore) s += "in torchrun's store at " + at + " (attempt " + std::to_string(restartCount) + ")";
  else s += "at " + at;
  if (!derivedFrom.empty()) s += " (" + derivedFrom + ")";
  return s;
}

}  // namespace longrl::train
