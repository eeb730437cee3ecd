// TrainingRun: one curriculum phase and the records of its steps.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <unordered_map>

#include "core/behavior/BehaviorStoreRow.h"
#include "core/curriculum/PhaseBands.h"
#include "core/curriculum/RetrospectiveSelector.h"
#include "core/reward/GroundTruth.h"
#include "core/reward/JudgeResult.h"
#include "core/store/AnnotationInbox.h"
#include "core/store/RunStoreReader.h"
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

void TrainingRun::validate(size_t p) {
  if (!leader() || valExamples_.empty()) return;
  // The same examples every time (all that fit the last phase), so the curve compares like with like.
  std::vector<TrainExample> list;
  const int64_t maxInput = config_.phases.back().maxInputTokens;
  for (const auto& e : valExamples_)
    if (e.inputTokens() <= maxInput) list.push_back(e);
  if (list.empty()) return;
  Validator validator(grpo_->engine(), *tokenizer_, grpo_->reward());
  Validator::Options o;
  o.maxNewTokens = config_.phases[p].maxOutputTokens;
  const auto result = validator.run(list, o);
  const double now = RunRecorder::now();
  std::vector<store::MetricPoint> points;
  for (const auto& [k, v] : result.metrics(o.n)) points.push_back({0, step_, static_cast<int>(p), k, v, now});
  points.push_back({0, step_, static_cast<int>(p), "timing_s/testing", result.seconds, now});
  recorder_->metrics(points);
  recorder_->flush();
  std::string line =
      "validation at step " + std::to_string(step_) + " (" + std::to_string(list.size()) + " examples, greedy):";
  for (const auto& [source, t] : result.bySource) line += " " + source + " " + std::to_string(t.acc());
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
