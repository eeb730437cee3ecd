#pragma once
#include <map>
#include <set>
#include <string>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"

namespace longrl::test {

// The example ids a run's rollouts cover, per curriculum phase (which examples each phase trained on).
inline std::map<int, std::set<std::string>> exampleIdsByPhase(const std::string& runDir) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  store::RolloutQuery q;
  q.limit = 1000000;
  q.with_text = false;
  std::map<int, std::set<std::string>> out;
  for (const auto& x : r.rollouts(q)) out[x.phase].insert(x.example_id);
  return out;
}

}  // namespace longrl::test
