#include "support/SyntheticBehaviors.h"

#include <algorithm>
#include <vector>

#include "core/behavior/BehaviorRecord.h"
#include "core/behavior/BehaviorStoreRow.h"
#include "core/behavior/RuleBehaviorClassifier.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"

namespace longrl::test {
namespace {

using behavior::BehaviorKind;
using behavior::BehaviorRecord;
using behavior::BehaviorSpan;

struct Line {
  std::size_t begin, end;
};

// The non-empty lines of the response's reasoning, as byte ranges into the whole response.
std::vector<Line> reasoningLines(const std::string& response) {
  const auto [from, to] = behavior::RuleBehaviorClassifier::reasoningRange(response);
  std::vector<Line> out;
  std::size_t b = from;
  while (b < to) {
    std::size_t e = std::min(response.find('\n', b), to);
    if (e > b) out.push_back({b, e});
    b = e + 1;
  }
  return out;
}

// One span a counted step, on lines taken in turn; the cue is the line's first word.
std::vector<BehaviorSpan> spansFor(const BehaviorRecord& r, const std::string& response) {
  const auto lines = reasoningLines(response);
  std::vector<BehaviorSpan> out;
  if (lines.empty()) return out;
  std::size_t next = 0;
  for (BehaviorKind kind : behavior::kBehaviorKinds)
    for (int k = 0; k < r.count(kind); ++k, ++next) {
      const Line& l = lines[next % lines.size()];
      const std::size_t space = response.find(' ', l.begin);
      out.push_back({l.begin, l.end, kind, l.begin, std::min(space, l.end)});
    }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
  return out;
}

BehaviorRecord ruleRecord(const SyntheticBehavior& b, const std::string& response) {
  BehaviorRecord r;
  r.classifier = "rule";
  r.steps = int(reasoningLines(response).size());
  r.subgoal = b.subgoal;
  r.backtracking = b.backtracking;
  r.verification = b.verification;
  r.groundingShare = b.groundingShare;
  r.passages = b.groundingShare ? 1 + int(*b.groundingShare * 3) : 0;
  r.spans = spansFor(r, response);
  return r;
}

BehaviorRecord judgeRecord(std::int64_t id) {
  BehaviorRecord r;
  r.classifier = "judge";
  if (id % 14 == 0) {
    r.rawReply = "I think the trace has {subgoal: two";
    r.error = "malformed JSON from the judge: unterminated object";
    return r;
  }
  r.subgoal = int(id % 2);
  r.verification = 1;
  r.rawReply = "{\"subgoal\": " + std::to_string(r.subgoal) + ", \"backtracking\": 0, \"verification\": 1}";
  return r;
}

}  // namespace

SyntheticBehavior syntheticBehaviorOf(std::int64_t id) {
  SyntheticBehavior b;
  b.subgoal = int(id % 3);
  b.backtracking = id % 4 == 0 ? 1 : 0;
  b.verification = id % 5 == 0 ? 2 : 0;
  if (id % 11 != 0) b.groundingShare = double(id % 10) / 10.0;
  return b;
}

std::int64_t writeSyntheticBehaviors(const std::string& runDir) {
  const std::string path = store::RunStore::fileIn(runDir);
  std::vector<store::RolloutRecord> rollouts;
  {
    store::RunStoreReader reader(path);
    for (auto batch = reader.rolloutsAfter(0); !batch.empty(); batch = reader.rolloutsAfter(batch.back().id))
      rollouts.insert(rollouts.end(), batch.begin(), batch.end());
  }
  store::RunStoreWriter::Options wo;
  wo.maxBatch = 50000;
  wo.maxBatchSeconds = 60;
  store::RunStoreWriter w(path, wo);
  SyntheticBehavior stale{9, 9, 9, 0.95};
  for (const auto& r : rollouts) {
    w.writeRolloutBehavior(behavior::toStoreRow(ruleRecord(stale, r.response), r, 0, r.wall_time));
    w.writeRolloutBehavior(behavior::toStoreRow(ruleRecord(syntheticBehaviorOf(r.id), r.response), r, 1, r.wall_time));
    if (r.id % 7 == 0) w.writeRolloutBehavior(behavior::toStoreRow(judgeRecord(r.id), r, 0, r.wall_time));
  }
  w.flush();
  return std::int64_t(rollouts.size());
}

}  // namespace longrl::test
