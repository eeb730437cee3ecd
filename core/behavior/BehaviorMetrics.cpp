#include "core/behavior/BehaviorMetrics.h"

#include <array>

namespace longrl::behavior {

namespace {

// Sum and count of one figure over one group of rollouts.
struct Mean {
  double sum = 0;
  int n = 0;
  void add(double v) { sum += v, ++n; }
};

// A figure's means over all rollouts, the correct ones and the wrong ones.
struct Split {
  std::array<Mean, 3> groups;
  void add(double v, bool correct) {
    groups[0].add(v);
    groups[correct ? 1 : 2].add(v);
  }
  void write(const std::string& prefix, const std::string& name, BehaviorMetrics::Metrics& m) const {
    static const std::array<const char*, 3> kSuffix = {"", "/correct", "/wrong"};
    for (size_t g = 0; g < groups.size(); ++g)
      if (groups[g].n > 0) m[prefix + "/" + name + "/mean" + kSuffix[g]] = groups[g].sum / groups[g].n;
  }
};

}  // namespace

BehaviorMetrics::Metrics BehaviorMetrics::compute(const std::vector<Rollout>& rollouts, const std::string& prefix) {
  Metrics m;
  add(rollouts, m, prefix);
  return m;
}

void BehaviorMetrics::addJudge(const std::vector<Rollout>& rollouts, Metrics& m) {
  add(rollouts, m, kJudgePrefix);
  int calls = 0, failed = 0;
  for (const Rollout& r : rollouts)
    if (r.behavior) ++calls, failed += r.behavior->failed() ? 1 : 0;
  m[std::string(kJudgePrefix) + "/calls"] = calls;
  m[std::string(kJudgePrefix) + "/failed"] = failed;
}

void BehaviorMetrics::add(const std::vector<Rollout>& rollouts, Metrics& m, const std::string& prefix) {
  Split share, passages;
  std::array<Split, kBehaviorKinds.size()> kinds;
  for (const Rollout& r : rollouts) {
    if (!r.behavior || r.behavior->failed()) continue;  // a failed judge call counts nothing
    if (r.behavior->groundingShare) {
      share.add(*r.behavior->groundingShare, r.correct);
      passages.add(r.behavior->passages, r.correct);
    }
    for (BehaviorKind k : kBehaviorKinds) kinds[static_cast<size_t>(k)].add(r.behavior->count(k), r.correct);
  }
  share.write(prefix, "grounding_share", m);
  passages.write(prefix, "passages", m);
  for (BehaviorKind k : kBehaviorKinds) kinds[static_cast<size_t>(k)].write(prefix, std::string(behaviorName(k)), m);
}

}  // namespace longrl::behavior
