#include "core/cli/BehaviorsCommand.h"

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/behavior/BehaviorMetrics.h"
#include "core/behavior/BehaviorStoreRow.h"
#include "core/behavior/RuleBehaviorClassifier.h"
#include "core/cli/BehaviorsJudgeRecompute.h"
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

// The stored config of the run (for the judge's defaults); null when there is none or it is not JSON.
nlohmann::json runConfig(store::RunStoreReader& reader) {
  const auto runs = reader.runs();
  if (runs.empty()) return nullptr;
  auto j = nlohmann::json::parse(runs.front().config_json, nullptr, false);
  return j.is_object() ? j : nlohmann::json(nullptr);
}

std::string stringAt(const nlohmann::json& j, const std::string& pointer) {
  const nlohmann::json::json_pointer p(pointer);
  return j.is_object() && j.contains(p) && j.at(p).is_string() ? j.at(p).get<std::string>() : "";
}

// --judge's options (all taken before the positionals, which would take their values).
BehaviorsJudgeRecompute takeJudgeOptions(ArgList& args, const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    throw UsageError("--judge '" + url + "': expected http://host[:port][/path] or https://...");
  BehaviorsJudgeRecompute j;
  j.options.base_url = url;
  j.options.model = args.takeOr("judge-model", "");
  const std::string keyEnv = args.takeOr("judge-api-key-env", "OPENAI_API_KEY");
  if (const char* key = keyEnv.empty() ? nullptr : std::getenv(keyEnv.c_str())) j.options.api_key = key;
  j.options.timeout_ms = static_cast<int>(args.takeInt("judge-timeout-ms", 1, 3600000, 60000));
  j.options.max_retries = static_cast<int>(args.takeInt("judge-retries", 0, 10, 3));
  j.options.max_concurrent = static_cast<int>(args.takeInt("judge-concurrency", 1, 1024, 16));
  j.share = args.takeDouble("judge-share", ArgList::Range::aboveUpTo(0, 1), 1.0);
  return j;
}

// The model (unless given) and the seed from the run's config.
void useRunConfig(BehaviorsJudgeRecompute& j) {
  store::RunStoreReader reader(store::RunStore::fileIn(j.runDir));
  const nlohmann::json config = runConfig(reader);
  if (j.options.model.empty()) j.options.model = stringAt(config, "/behavior/judge/model");
  if (j.options.model.empty()) j.options.model = stringAt(config, "/reward/judge/model");
  if (j.options.model.empty()) throw UsageError("--judge needs --judge-model (the run's config names no judge model)");
  const nlohmann::json::json_pointer seed("/grpo/seed");
  if (config.is_object() && config.contains(seed) && config.at(seed).is_number_integer())
    j.seed = static_cast<std::uint64_t>(config.at(seed).get<std::int64_t>());
}

int run(ArgList& args, std::ostream& out, std::ostream& err) {
  const bool grounding = !args.takeFlag("no-grounding");
  const bool metrics = args.takeFlag("metrics");
  const auto judgeUrl = args.take("judge");
  std::optional<BehaviorsJudgeRecompute> judge;
  if (judgeUrl) judge = takeJudgeOptions(args, *judgeUrl);
  const auto positionals = args.takePositionals();
  args.finish();
  if (positionals.size() != 1) throw UsageError("expected one RUN_DIR");
  const std::string& dir = positionals[0];
  if (!store::RunStore::isRunDir(dir)) throw UsageError("'" + dir + "' is not a run directory (no run.sqlite)");
  if (judge) {
    judge->runDir = dir;
    judge->grounding = grounding;
    judge->metrics = metrics;
    useRunConfig(*judge);
    return judge->run(out, err);
  }
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
      totals.correctByStep[r.step].push_back(rolloutCorrect(r));
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
  // The options' defaults and the exit status, printed by `longrl behaviors --help` (and with usage errors).
  c.usage =
      "RUN_DIR [--no-grounding] [--metrics] [--judge URL [--judge-model M] [--judge-api-key-env VAR]\n"
      "        [--judge-share F] [--judge-timeout-ms N] [--judge-retries N] [--judge-concurrency N]]\n"
      "  Without --judge: the rule-based classifier on every rollout; --metrics: also behavior/* per step.\n"
      "  --judge URL: an OpenAI-compatible LLM judge counts the sub-goal, backtracking and verification steps,\n"
      "  written as the next revision of classifier 'judge' (the rule-based revisions stay); --metrics:\n"
      "  behavior_judge/*. --judge-model: default the run config's behavior.judge.model, else\n"
      "  reward.judge.model. --judge-api-key-env: default OPENAI_API_KEY (unset: no key). --judge-share: in\n"
      "  (0, 1], default 1, picked by a hash of the run's grpo.seed and the rollout (as training picks them).\n"
      "  Per call: --judge-timeout-ms 60000, --judge-retries 3, --judge-concurrency 16.\n"
      "  A failed call (time-out, HTTP error, malformed reply) is that rollout's error, counted in the summary.\n"
      "  Exit status 1 when the first call gets no response (nothing is written) or every call failed, else 0.";
  c.summary = "recompute the rollouts' reasoning behaviours (rule-based or an LLM judge) as a new revision";
  c.run = run;
  return c;
}

}  // namespace longrl::cli
