#include "core/cli/BehaviorsJudgeRecompute.h"

#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "core/behavior/BehaviorMetrics.h"
#include "core/behavior/BehaviorStoreRow.h"
#include "core/behavior/JudgeBehaviorClassifier.h"
#include "core/behavior/JudgeShare.h"
#include "core/io/WallClock.h"
#include "core/reward/JudgePrompt.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"

namespace longrl::cli {

bool rolloutCorrect(const store::RolloutRecord& r) { return r.rule_score >= 1.0 || r.judge_verdict == "yes"; }

namespace {

using Judge = behavior::JudgeBehaviorClassifier;

// What the judge is told about an example, and its document's index for the grounding share.
struct ExampleContext {
  std::string question, document;
  std::unique_ptr<grounding::GroundingIndex> index;
};

// Rollouts go to the judge a batch at a time: enough to keep max_concurrent calls busy, few enough
// that the batch's documents (up to a few hundred KB each) stay small in memory.
class Batch {
 public:
  Batch(store::RunStoreReader& reader, const Judge& judge, bool grounding)
      : reader_(reader), judge_(judge), grounding_(grounding) {}

  void add(const store::RolloutRecord& r) {
    const ExampleContext& c = context(r.example_id);
    rollouts_.push_back(r);
    inputs_.push_back({c.question, c.document, rollouts_.back().response, c.index.get()});
  }
  size_t size() const { return rollouts_.size(); }
  const std::deque<store::RolloutRecord>& rollouts() const { return rollouts_; }
  const std::vector<Judge::Input>& inputs() const { return inputs_; }
  void clear() { rollouts_.clear(), inputs_.clear(), contexts_.clear(); }

 private:
  const ExampleContext& context(const std::string& id) {
    auto& c = contexts_[id];
    if (c) return *c;
    c = std::make_unique<ExampleContext>();
    const auto example = reader_.example(id);
    if (!example) return *c;
    c->question = example->question;
    if (example->doc_id != 0)
      if (const auto doc = reader_.document(example->doc_id)) c->document = doc->text;
    if (grounding_ && !c->document.empty())
      c->index = std::make_unique<grounding::GroundingIndex>(c->document, judge_.aligner().options().ngram);
    return *c;
  }

  store::RunStoreReader& reader_;
  const Judge& judge_;
  bool grounding_;
  std::deque<store::RolloutRecord> rollouts_;  // a deque: inputs_ point into the responses
  std::vector<Judge::Input> inputs_;
  std::map<std::string, std::unique_ptr<ExampleContext>> contexts_;
};

struct Tally {
  std::int64_t judged = 0, failed = 0;
  std::string firstError;
  std::map<std::int64_t, int> phase;                                                     // step -> phase
  std::map<std::int64_t, std::vector<std::pair<behavior::BehaviorRecord, bool>>> steps;  // step -> (record, correct)
};

void writeMetrics(const Tally& t, store::RunStoreWriter& writer, double now) {
  for (const auto& [step, records] : t.steps) {
    std::vector<behavior::BehaviorMetrics::Rollout> figures;
    for (const auto& [record, correct] : records) figures.push_back({&record, correct});
    behavior::BehaviorMetrics::Metrics m;
    behavior::BehaviorMetrics::addJudge(figures, m);
    for (const auto& [name, value] : m) writer.writeMetric({0, step, t.phase.at(step), name, value, now});
  }
}

}  // namespace

int BehaviorsJudgeRecompute::run(std::ostream& out, std::ostream& err) const {
  const Judge judge(options);
  // The writer first: it brings an older store to the schema with the behaviours table.
  store::RunStoreWriter writer(store::RunStore::fileIn(runDir));
  store::RunStoreReader reader(store::RunStore::fileIn(runDir));
  const int revision = reader.lastBehaviorRevision(Judge::kName) + 1;
  constexpr size_t kBatch = 256;
  Batch batch(reader, judge, grounding);
  Tally tally;
  const double now = io::wallSeconds();
  auto keep = [&](const store::RolloutRecord& r, const behavior::BehaviorRecord& b) {
    writer.writeRolloutBehavior(behavior::toStoreRow(b, r, revision, now));
    ++tally.judged;
    if (b.failed() && tally.failed++ == 0) tally.firstError = b.error;
    if (!metrics) return;
    tally.phase[r.step] = r.phase;
    tally.steps[r.step].push_back({b, rolloutCorrect(r)});
  };
  auto flushBatch = [&] {
    const auto records = judge.classifyMany(batch.inputs());
    for (size_t i = 0; i < records.size(); ++i) keep(batch.rollouts()[i], records[i]);
    batch.clear();
  };
  bool probed = false;
  for (std::int64_t after = 0;;) {
    const auto page = reader.rolloutsAfter(after, 1000);
    if (page.empty()) break;
    for (const auto& r : page) {
      if (!behavior::judgeSelects(share, seed, r.step, r.example_id, r.group_idx, r.sample_idx)) continue;
      batch.add(r);
      if (!probed) {  // the first call alone: an endpoint that does not answer stops before any write
        probed = true;
        int status = 0;
        const auto first = judge.classify(batch.inputs()[0], &status);
        if (status == 0 && first.failed()) {
          err << "behaviors: the judge at " << options.base_url << " does not answer: " << first.error << "\n";
          return 1;
        }
        keep(r, first);
        batch.clear();
      }
      if (batch.size() == kBatch) flushBatch();
    }
    after = page.back().id;
  }
  flushBatch();
  if (metrics) writeMetrics(tally, writer, now);
  writer.flush();
  out << tally.judged << " rollouts judged: revision " << revision << " of the " << Judge::kName
      << " classifier written" << (metrics ? ", with the behavior_judge/* metrics" : "") << "; " << tally.failed
      << " failed\n";
  if (tally.failed > 0) err << "behaviors: first judge error: " << tally.firstError << "\n";
  return tally.judged > 0 && tally.failed == tally.judged ? 1 : 0;
}

}  // namespace longrl::cli
