// TrainingRun: one curriculum phase and the records of its steps.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/behavior/BehaviorStoreRow.h"
#include "core/curriculum/PhaseBands.h"
#include "core/curriculum/RetrospectiveSelector.h"
#include "core/eval/ValidationPass.h"
#include "core/reward/GroundTruth.h"
#include "core/reward/JudgeResult.h"
#include "core/store/AnnotationInbox.h"
#include "core/store/RunStoreReader.h"
#include "trainer/train/GatheredLayers.h"
#include "trainer/train/ProcessMemory.h"
#include "trainer/train/TrainingRun.h"
#include "trainer/train/Validator.h"

namespace longrl::train {

void TrainingRun::ensureExampleStored(const TrainExample& e) {
  if (!storedExamples_.insert(e.id).second) return;
  store::ExampleRecord r;
  r.id = e.id;
  r.data_source = e.record.dataSource;
  r.question = e.record.question.empty() ? e.userPrompt : e.record.question;
  r.ground_truth = reward::GroundTruth(e.record.groundTruth).display();
  r.input_tokens = e.inputTokens();
  if (!e.record.document.empty()) {
    store::DocumentRecord d;
    d.text = e.record.document;
    r.doc_id = recorder_->document(d);
  }
  recorder_->example(r);
}

void TrainingRun::recordStep(const GrpoStepResult& result, const std::vector<TrainExample>& examples, int phase) {
  const double now = RunRecorder::now();
  std::vector<store::MetricPoint> points;
  for (const auto& [k, v] : result.metrics) points.push_back({0, step_, phase, k, v, now});
  points.push_back({0, step_, phase, "perf/cpu_memory_used_gb", ProcessMemory::residentGb(), now});
  // The high-water mark of the rank that needed the most (every rank takes part in the gather).
  double peak = 0;
  for (const auto& each : collective_->allGather(std::to_string(ProcessMemory::peakGb())))
    peak = std::max(peak, std::stod(each));
  points.push_back({0, step_, phase, "perf/cpu_memory_peak_gb", peak, now});
  if (result.skippedPrompts > 0)
    points.push_back({0, step_, phase, "train/num_skipped_prompts", static_cast<double>(result.skippedPrompts), now});
  recorder_->metrics(points);
  std::unordered_map<std::string, std::vector<double>> touched;
  for (const auto& g : result.groups) {
    const auto& ex = examples[g.exampleIndex];
    ensureExampleStored(ex);
    std::vector<double> scores;
    for (const auto& s : g.samples) {
      store::RolloutRecord r;
      r.step = step_;
      r.phase = phase;
      r.example_id = ex.id;
      r.group_idx = g.groupIdx;
      r.sample_idx = s.sampleIdx;
      r.prompt_tokens = ex.inputTokens();
      r.response = s.text;
      r.think_len = s.thinkLen;
      r.answer = s.reward.pred.value_or("");
      r.rule_score = s.reward.rule_score;
      if (s.reward.judge) {
        r.judge_verdict = reward::verdictName(s.reward.judge->verdict);
        r.judge_raw = s.reward.judge->raw_reply;
        r.judge_prompt = s.reward.judge->user_prompt;
        r.judge_error = s.reward.judge->error;
      }
      r.reward = s.reward.score;
      r.advantage = s.advantage;
      r.length = static_cast<int64_t>(s.responseIds.size());
      r.truncated = s.truncated;
      r.mean_entropy = s.meanEntropy;
      if (!s.trajectory.empty()) r.trajectory = s.trajectory;
      r.wall_time = now;
      recorder_->rollout(r);
      if (s.behavior) recorder_->rolloutBehavior(behavior::toStoreRow(*s.behavior, r, 0, now));
      if (s.judgeBehavior) recorder_->rolloutBehavior(behavior::toStoreRow(*s.judgeBehavior, r, 0, now));
      // Difficulty from correctness (max(rule, judge)), before the length penalty.
      scores.push_back(s.reward.score - s.reward.overlong_penalty);
    }
    tracker_.addGroup(ex.id, scores);
    touched[ex.id];
  }
  for (const auto& [id, unused] : touched) {
    const auto e = tracker_.entry(id);
    recorder_->difficulty({id, phase, e.meanReward, e.attempts});
  }
  recorder_->flush();
}

namespace {

// A pass's val-core metrics and, where the examples carry a length band (the curriculum's data
// does), val-aux/band=B/acc/mean@n and its standard error.
std::map<std::string, double> validationMetrics(const Validator::Result& r, int n) {
  auto m = r.metrics(n);
  const auto bands = r.byExtra.find("band");
  if (bands == r.byExtra.end()) return m;
  const std::string suffix = "@" + std::to_string(n);
  for (const auto& [band, t] : bands->second) {
    m["val-aux/band=" + band + "/acc/mean" + suffix] = t.acc();
    if (t.examples >= 2) m["val-aux/band=" + band + "/acc/sem" + suffix] = t.accSem();
  }
  return m;
}

std::string bandOf(const TrainExample& e) {
  const auto& x = e.record.extraInfo;
  if (!x.is_object() || !x.contains("band")) return "";
  return x.at("band").is_string() ? x.at("band").get<std::string>() : x.at("band").dump();
}

// Per example of a pass, the share of its answers that were correct: greedy, and sampled (empty
// without val_n > 1).
struct PassShares {
  std::vector<double> greedy, sampled;
  double seconds = 0;
};

// Rank r validates examples r, r + world, ...; the shares are gathered back into list order on
// every rank, so a pass takes about 1/world of the time.
PassShares validateShares(Collective& collective, Validator& validator, const std::vector<TrainExample>& list,
                          const Validator::Options& greedyOptions, const std::optional<Validator::Options>& sampled) {
  const auto world = static_cast<size_t>(collective.worldSize()), rank = static_cast<size_t>(collective.rank());
  std::vector<TrainExample> mine;
  for (size_t i = rank; i < list.size(); i += world) mine.push_back(list[i]);
  const auto t0 = std::chrono::steady_clock::now();
  nlohmann::json part = {{"greedy", validator.run(mine, greedyOptions).exampleAcc}};
  if (sampled) part["sampled"] = validator.run(mine, *sampled).exampleAcc;
  PassShares shares;
  shares.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto parts = collective.allGather(part.dump());
  shares.greedy.resize(list.size());
  if (sampled) shares.sampled.resize(list.size());
  for (size_t r = 0; r < parts.size(); ++r) {
    const auto j = nlohmann::json::parse(parts[r]);
    for (size_t i = r, k = 0; i < list.size(); i += world, ++k) {
      shares.greedy[i] = j.at("greedy").at(k).get<double>();
      if (sampled) shares.sampled[i] = j.at("sampled").at(k).get<double>();
    }
  }
  return shares;
}

eval::ValidationPass passOf(int64_t step, const std::vector<TrainExample>& list, const PassShares& shares, int n) {
  eval::ValidationPass pass;
  pass.step = step;
  pass.n = shares.sampled.empty() ? 1 : n;
  for (size_t i = 0; i < list.size(); ++i) {
    eval::ValidationOutcome o{list[i].id, list[i].record.dataSource, bandOf(list[i]), shares.greedy[i], {}};
    if (!shares.sampled.empty()) o.sampled = shares.sampled[i];
    pass.examples.push_back(std::move(o));
  }
  return pass;
}

}  // namespace

std::vector<TrainExample> TrainingRun::validationList() const {
  // The same examples every time (all that fit the last phase), so the curve compares like with like.
  std::vector<TrainExample> list;
  const int64_t maxInput = config_.phases.back().maxInputTokens;
  for (const auto& e : valExamples_)
    if (e.inputTokens() <= maxInput) list.push_back(e);
  return list;
}

// Greedy mean@1 always; with val_n > 1 also mean@n sampled at the recipe's settings (the papers'
// measure). Each pass's per-example outcomes go to validation/step-N.jsonl for paired reports.
void TrainingRun::validate(size_t p) {
  if (lastValidationStep_ == step_) return;
  const auto list = validationList();
  if (list.empty()) return;
  lastValidationStep_ = step_;
  const auto& d = config_.dataset;
  Validator validator(grpo_->engine(), *tokenizer_, grpo_->reward());
  Validator::Options greedy;
  greedy.maxNewTokens = config_.phases[p].maxOutputTokens;
  std::optional<Validator::Options> sampled;
  if (d.valN > 1) {
    sampled = greedy;
    sampled->n = static_cast<int>(d.valN);
    sampled->temperature = d.valTemperature;
    sampled->topP = d.valTopP;
    sampled->seed = static_cast<uint64_t>(config_.grpo.seed);  // the same draws at every pass
  }
  PassShares shares;
  {
    GatheredLayers whole(master_.get());  // generation runs the layers outside CheckpointedLayer
    shares = validateShares(*collective_, validator, list, greedy, sampled);
  }
  if (leader()) recordValidation(p, list, shares.greedy, shares.sampled, shares.seconds);
}

void TrainingRun::recordValidation(size_t p, const std::vector<TrainExample>& list, const std::vector<double>& greedy,
                                   const std::vector<double>& sampled, double seconds) {
  const int n = static_cast<int>(config_.dataset.valN);
  const std::vector<std::string> keys{"band"};
  const auto greedyResult = Validator::summarize(list, greedy, 1, keys);
  auto metrics = validationMetrics(greedyResult, 1);
  std::string line = "validation at step " + std::to_string(step_) + " (" + std::to_string(list.size()) +
                     " examples): greedy mean@1 " + std::to_string(greedyResult.overall.acc());
  if (!sampled.empty()) {
    const auto sampledResult = Validator::summarize(list, sampled, n, keys);
    metrics.merge(validationMetrics(sampledResult, n));
    line += ", mean@" + std::to_string(n) + " " + std::to_string(sampledResult.overall.acc());
  }
  passOf(step_, list, {greedy, sampled, seconds}, n).write(eval::ValidationPass::fileFor(options_.runDir, step_));
  const double now = RunRecorder::now();
  std::vector<store::MetricPoint> points;
  for (const auto& [k, v] : metrics) points.push_back({0, step_, static_cast<int>(p), k, v, now});
  points.push_back({0, step_, static_cast<int>(p), "timing_s/testing", seconds, now});
  recorder_->metrics(points);
  recorder_->flush();
  for (const auto& [source, t] : greedyResult.bySource) line += "; " + source + " " + std::to_string(t.acc());
  log(line);
}

bool TrainingRun::runPhase(size_t p) {
  const auto& pc = config_.phases[p];
  std::vector<TrainExample> list;
  std::unordered_map<std::string, size_t> byId;
  for (size_t i = 0; i < examples_.size(); ++i) {
    byId[examples_[i].id] = i;
    if (bandOf_[i] == static_cast<int>(p)) list.push_back(examples_[i]);
  }
  size_t retroAdded = 0;
  for (const auto& id : retro_[p]) {
    auto it = byId.find(id);
    if (it == byId.end() || bandOf_[it->second] == static_cast<int>(p)) continue;
    if (bandOf_[it->second] < 0) continue;  // too long for any phase
    list.push_back(examples_[it->second]);
    ++retroAdded;
  }
  store::PhaseInfo info;
  info.index = static_cast<int>(p);
  info.name = pc.name;
  info.min_input_tokens = p == 0 ? 0 : config_.phases[p - 1].maxInputTokens;
  info.max_input_tokens = pc.maxInputTokens;
  info.max_output_tokens = pc.maxOutputTokens;
  if (phaseStep_ == 0) phaseStartStep_ = step_ + 1;
  info.start_step = phaseStartStep_;
  info.start_time = RunRecorder::now();
  const bool resumedHere = phaseStep_ > 0;
  if (list.empty()) {
    recorder_->event("log", {{"message", "phase has no examples: skipped"}, {"phase", p}});
    log("phase " + std::to_string(p) + " has no examples: skipped");
    info.end_step = step_;
    info.status = "done";
    recorder_->phase(info);
    phase_ = p + 1;
    return true;
  }
  info.status = "running";
  recorder_->phase(info);
  recorder_->event("phase",
                   {{"phase", p}, {"name", pc.name}, {"examples", list.size()}, {"retrospective", retroAdded}});
  log("phase " + std::to_string(p) + " (" + pc.name + "): " + std::to_string(list.size()) + " examples, " +
      std::to_string(retroAdded) + " from retrospective sampling");

  std::vector<std::string> taskOf;
  for (const auto& e : list) taskOf.push_back(e.record.dataSource);
  sampler_ = std::make_unique<curriculum::BatchSampler>(taskOf, config_.grpo.taskBalancedSampling,
                                                        static_cast<uint64_t>(config_.grpo.seed) + p);
  if (resumedHere && !samplerState_.is_null()) sampler_->restore(samplerState_);
  if (!resumedHere) tracker_.clear();
  const int64_t total =
      pc.steps > 0
          ? pc.steps
          : std::max<int64_t>(1, static_cast<int64_t>(std::ceil(pc.epochs * static_cast<double>(list.size()) /
                                                                static_cast<double>(config_.grpo.trainBatchSize))));
  while (phaseStep_ < total) {
    ++step_;
    ++phaseStep_;
    const auto result = grpo_->step(step_, pc, list, *sampler_);
    samplerState_ = sampler_->state();
    recordStep(result, list, static_cast<int>(p));
    const auto& m = result.metrics;
    log("step " + std::to_string(step_) + " phase " + std::to_string(p) + ": score " +
        std::to_string(m.at("critic/score/mean")) + ", groups kept " +
        std::to_string(int(m.at("train/num_kept_groups"))) + ", gen batches " +
        std::to_string(int(m.at("train/num_gen_batches"))) + ", " + std::to_string(m.at("timing_s/step")) + " s");
    if (config_.dataset.valEverySteps > 0 && step_ % config_.dataset.valEverySteps == 0 && phaseStep_ < total)
      validate(p);  // the phase's last step validates below, after the retrospective selection
    if (config_.checkpoint.everySteps > 0 && step_ % config_.checkpoint.everySteps == 0) saveCheckpoint();
    ++stepsThisProcess_;
    if (options_.stopAfterSteps > 0 && stepsThisProcess_ >= options_.stopAfterSteps) return false;
    if (options_.stopRequested) {
      double stop = options_.stopRequested->load() ? 1.0 : 0.0;
      if (collective_->worldSize() > 1) stop = collective_->sum(stop);  // every rank stops after the same step
      if (stop > 0) {
        log("stop requested: stopping after step " + std::to_string(step_));
        if (lastCheckpointStep_ != step_) saveCheckpoint();
        return false;
      }
    }
  }
  info.end_step = step_;
  info.end_time = RunRecorder::now();
  info.status = "done";
  recorder_->phase(info);
  if (p + 1 < config_.phases.size() && config_.retrospective.enabled) selectRetrospective(p);
  validate(p);
  phase_ = p + 1;
  phaseStep_ = 0;
  samplerState_ = nullptr;
  tracker_.clear();
  saveCheckpoint();  // the next phase starts from this checkpoint
  return true;
}

// Rank 0 selects (the annotations people made are in its run store) and tells the others.
void TrainingRun::selectRetrospective(size_t p) {
  std::string selected;
  if (leader()) {
    recorder_->flush();
    if (config_.retrospective.waitForAnnotationsS > 0) waitForAnnotations(p);
    store::RunStoreReader reader(recorder_->writer().path());
    const auto sel =
        curriculum::RetrospectiveSelector(config_.retrospective).select(tracker_.hardestFirst(), reader.annotations());
    retro_[p + 1] = sel.exampleIds;
    recorder_->event("retrospective", {{"phase", p},
                                       {"next_phase", p + 1},
                                       {"count", sel.exampleIds.size()},
                                       {"by_difficulty", sel.byDifficulty},
                                       {"by_annotation", sel.byAnnotation},
                                       {"vetoed_by_annotation", sel.vetoedByAnnotation},
                                       {"example_ids", sel.exampleIds}});
    log("retrospective sampling: " + std::to_string(sel.exampleIds.size()) + " hard examples join phase " +
        std::to_string(p + 1) + " (" + std::to_string(sel.byAnnotation) + " marked hard by people)");
    selected = nlohmann::json(sel.exampleIds).dump();
  }
  if (collective_->worldSize() > 1) {
    collective_->broadcast(selected);
    retro_[p + 1] = nlohmann::json::parse(selected).get<std::vector<std::string>>();
  }
}

// Polls the run store for an annotations_continue event of this phase (written by `longrl
// annotate --continue` or the studio's Continue button; one written before the wait began, or
// before a resume, counts too), the time-out or a stop request. The waiting and its end are
// events, so the studio shows them even for a remote run.
void TrainingRun::waitForAnnotations(size_t p) {
  const double timeout = config_.retrospective.waitForAnnotationsS;
  store::RunStoreReader reader(recorder_->writer().path());
  std::int64_t seen = 0;
  recorder_->event("annotation_wait", {{"phase", p}, {"next_phase", p + 1}, {"timeout_s", timeout}});
  recorder_->flush();
  log("waiting up to " + std::to_string(int(timeout)) + " s for labels before phase " + std::to_string(p + 1) +
      " (the studio's Continue, or `longrl annotate RUN_DIR --continue " + std::to_string(p) + "`)");
  const auto start = std::chrono::steady_clock::now();
  std::string reason = "timeout";
  auto continued = [&] {
    for (auto batch = reader.eventsAfter(seen); !batch.empty(); batch = reader.eventsAfter(seen))
      for (const auto& e : batch) {
        seen = e.rowid;
        if (e.kind == store::AnnotationInbox::kContinueEvent &&
            nlohmann::json::parse(e.payload).value("phase", -1) == static_cast<int>(p))
          return true;
      }
    return false;
  };
  for (;;) {
    if (continued()) {
      reason = "continue";
      break;
    }
    if (options_.stopRequested && options_.stopRequested->load()) {
      reason = "stop";
      break;
    }
    const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - start;
    if (waited.count() >= timeout) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - start;
  recorder_->event("annotation_wait_over", {{"phase", p}, {"reason", reason}, {"waited_s", waited.count()}});
  log("labels: wait over (" + reason + ") after " + std::to_string(int(waited.count())) + " s");
}

}  // namespace longrl::train
