#include "core/cli/BehaviorsCommand.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/behavior/BehaviorMetrics.h"
#include "core/behavior/BehaviorStoreRow.h"
#include "core/behavior/RuleBehaviorClassifier.h"
#include "core/cli/UsageError.h"
#include "core/io/WallClock.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"

namespace longrl::cli {
namespace {

// The document index of the example last asked for: rollouts are stored a group at a time, so
// consecutive rollouts mostly share their example.
class DocumentIndexCache {
 public:
  DocumentIndexCache(store::RunStoreReader& reader, bool grounding) : reader_(reader), grounding_(grounding) {}

  const grounding::GroundingIndex* indexFor(const std::string& exampleId) {
    if (!grounding_) return nullptr;
    if (exampleId == exampleId_) return index_.get();
    exampleId_ = exampleId;
    index_.reset();
    const auto example = reader_.example(exampleId);
    if (!example || example->doc_id == 0) return nullptr;
    const auto doc = reader_.document(example->doc_id);
    if (doc && !doc->text.empty())
      index_ = std::make_unique<grounding::GroundingIndex>(doc->text, aligner.options().ngram);
    return index_.get();
  }

  const grounding::GroundingAligner aligner;

 private:
  store::RunStoreReader& reader_;
  bool grounding_;
  std::string exampleId_;
  std::unique_ptr<grounding::GroundingIndex> index_;
};

// acc as training counts it: max(rule, judge) == 1.
bool correct(const store::RolloutRecord& r) { return r.rule_score >= 1.0 || r.judge_verdict == "yes"; }

struct Totals {
  std::int64_t rollouts = 0;
  std::map<std::int64_t, std::pair<int, std::vector<behavior::BehaviorRecord>>> steps;  // step -> phase, records
  std::map<std::int64_t, std::vector<bool>> correctByStep;
};

void writeMetrics(const Totals& t, store::RunStoreWriter& writer, double now) {
  for (const auto& [step, phaseAndRecords] : t.steps) {
    const auto& records = phaseAndRecords.second;
    std::vector<behavior::BehaviorMetrics::Rollout> figures;
    for (size_t i = 0; i < records.size(); ++i) figures.push_back({&records[i], t.correctByStep.at(step)[i]});
    for (const auto& [name, value] : behavior::BehaviorMetrics::compute(figures))
      writer.writeMetric({0, step, phaseAndRecords.first, name, value, now});
  }
}

int run(ArgList& args, std::ostream& out, std::ostream&) {
  const bool grounding = !args.takeFlag("no-grounding");
  const bool metrics = args.takeFlag("metrics");
  const auto positionals = args.takePositionals();
  args.finish();
  if (positionals.size() != 1) throw UsageError("expected one RUN_DIR");
  const std::string& dir = positionals[0];
  if (!store::RunStore::isRunDir(dir)) throw UsageError("'" + dir + "' is not a run directory (no run.sqlite)");
  // The writer first: it brings an older store to the schema with the behaviours table.
  store::RunStoreWriter writer(store::RunStore::fileIn(dir));
  store::RunStoreReader reader(store::RunStore::fileIn(dir));
  const behavior::RuleBehaviorClassifier classifier;
  const int revision = reader.lastBehaviorRevision(classifier.kName) + 1;
  DocumentIndexCache docs(reader, grounding);
  Totals totals;
  const double now = io::wallSeconds();
  for (std::int64_t after = 0;;) {
    const auto page = reader.rolloutsAfter(after, 1000);
    if (page.empty()) break;
    for (const auto& r : page) {
      const auto* index = docs.indexFor(r.example_id);
      auto b = index ? classifier.classify(r.response, *index, docs.aligner) : classifier.classify(r.response);
      writer.writeRolloutBehavior(behavior::toStoreRow(b, r, revision, now));
      ++totals.rollouts;
      if (!metrics) continue;
      b.spans.clear();  // the figures only: a run may have hundreds of thousands of rollouts
      auto& step = totals.steps[r.step];
      step.first = r.phase;
      step.second.push_back(std::move(b));
      totals.correctByStep[r.step].push_back(correct(r));
    }
    after = page.back().id;
  }
  if (metrics) writeMetrics(totals, writer, now);
  writer.flush();
  out << totals.rollouts << " rollouts: revision " << revision << " of the " << classifier.kName
      << " classifier written" << (metrics ? ", with the behavior/* metrics" : "") << "\n";
  return 0;
}

}  // namespace

Command behaviorsCommand() {
  Command c;
  c.name = "behaviors";
  c.usage = "RUN_DIR [--no-grounding] [--metrics]";
  c.summary = "recompute the rollouts' reasoning behaviours (rule-based) as a new revision beside the old";
  c.run = run;
  return c;
}

}  // namespace longrl::cli
