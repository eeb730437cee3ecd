#include "trainer/train/DistributedEnv.h"

#include <cerrno>
#include <cstdlib>

namespace longrl::train {
namespace {

// A whole non-negative decimal integer ("2", not "2x", "-1" or "").
int parseInt(const char* name, const char* text, long lo, long hi) {
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const long v = s.empty() ? 0 : std::strtol(s.c_str(), &end, 10);
  if (s.empty() || errno != 0 || *end != '\0' || s.find_first_not_of("0123456789") != std::string::npos)
    throw DistributedEnv::Error(std::string(name) + "='" + s + "' is not a non-negative integer");
  if (v < lo || v > hi)
    throw DistributedEnv::Error(std::string(name) + "=" + s + " is out of range [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + "]");
  return static_cast<int>(v);
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
  constexpr long kMaxRanks = 1 << 20;
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
  const char* addr = lookup("MASTER_ADDR");
  if (!addr || !*addr)
    throw Error("MASTER_ADDR is not set: the address of rank 0's host is needed for " + std::string(worldVar) + " > 1");
  env.masterAddr = addr;
  const char* port = lookup("MASTER_PORT");
  if (!port)
    throw Error("MASTER_PORT is not set: a free TCP port on MASTER_ADDR is needed for " + std::string(worldVar) +
                " > 1");
  env.masterPort = parseInt("MASTER_PORT", port, 1, 65535);
  return env;
}

}  // namespace longrl::train
