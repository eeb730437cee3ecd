#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/store/MetricPoint.h"
#include "viewers/data/RunAlert.h"

namespace longrl::viewers {

// Watches one run's metrics for what a researcher should look at now. Each rule fires once per
// episode (when the condition starts), not at every step it holds, and again only after it
// cleared:
//  - nonfinite: a NaN or ±inf value of a metric named ...loss or ...grad_norm (actor/pg_loss,
//    actor/grad_norm, sft/loss, ...); the episode ends at that metric's next finite value.
//  - entropy_collapse: actor/entropy (mean token entropy, nats) below its floor for
//    `entropySteps` steps in a row. The floor is the larger of `entropyFloor` and
//    `entropyRelativeFloor` times the median of the run's first `entropyBaselineSteps` values
//    (the absolute floor alone until then): 0.05 nats is a policy that is all but deterministic
//    whatever the model, and a fall to a tenth of where the run started is a collapse even for a
//    model that starts high. Five steps, so one batch of easy prompts does not fire it. The episode
//    ends after as many steps in a row at or above the floor.
//  - judge_errors: judge/errors / judge/calls above `judgeErrorRate` over a step with at least
//    `judgeMinCalls` calls; steps with fewer calls are pooled with the following ones until they
//    hold that many (a rate of 1 failure in 2 calls says nothing). Ends at a window at or below.
//  - stalled: the run says "running" but its newest point is older than the larger of
//    `stallStepFactor` times the median step time and `stallMinSeconds`. The step time is the
//    median of the last `stepTimeWindow` timing_s/step values, or where the run logs none, of the
//    gaps between successive steps' first points. A run that wrote nothing yet is not judged
//    (loading a model takes long); a pause on purpose counts from its end (noteActivity). Ends at
//    the next point.
// Pure logic: points in, alerts out; the caller supplies the time (tests set it).
class RunAlerts {
 public:
  struct Thresholds {
    double entropyFloor = 0.05;
    double entropyRelativeFloor = 0.1;
    int entropyBaselineSteps = 20;
    int entropySteps = 5;
    double judgeErrorRate = 0.2;
    double judgeMinCalls = 10;
    double stallStepFactor = 5;
    double stallMinSeconds = 120;
    std::size_t stepTimeWindow = 100;
  };

  RunAlerts() : RunAlerts(Thresholds{}) {}
  explicit RunAlerts(const Thresholds& thresholds);

  // Feeds points in the order the store holds them; returns the alerts they raise.
  std::vector<RunAlert> add(const std::vector<store::MetricPoint>& points);
  // `running`: the run is expected to write (its status says running and it is not paused on
  // purpose); `now`: seconds since the epoch.
  std::vector<RunAlert> checkStalled(bool running, double now);
  // The run was busy at `wallTime` without writing a step (it ended a pause for labels): the
  // stall rule counts from there.
  void noteActivity(double wallTime);

  // Every alert raised so far, oldest first.
  const std::vector<RunAlert>& raised() const { return raised_; }
  // The median step time the stall rule uses; 0 while unknown.
  double medianStepSeconds() const;
  // Duration as a person says it: "45 s", "7 min", "3 h", "5 days".
  static QString duration(double seconds);

 private:
  void addPoint(const store::MetricPoint& p, std::vector<RunAlert>& out);
  void checkNonFinite(const store::MetricPoint& p, std::vector<RunAlert>& out);
  void checkEntropy(const store::MetricPoint& p, std::vector<RunAlert>& out);
  void addJudge(const store::MetricPoint& p, std::vector<RunAlert>& out);
  void checkJudgeWindow(std::int64_t step, std::vector<RunAlert>& out);
  void trackStepTime(const store::MetricPoint& p);
  void raise(RunAlert alert, std::vector<RunAlert>& out);

  Thresholds t_;
  std::vector<RunAlert> raised_;
  std::set<std::string> nonFinite_;  // metrics in a NaN/inf episode

  std::vector<double> entropyBaseline_;  // the first values, until there are enough
  std::optional<double> entropyMedian_;
  int entropyBelow_ = 0, entropyAbove_ = 0;
  std::int64_t entropyBelowFrom_ = -1;
  bool entropyCollapsed_ = false;

  struct JudgeStep {
    std::optional<double> calls, errors;
  };
  std::map<std::int64_t, JudgeStep> judgeSteps_;  // steps waiting for their other half
  double judgeCalls_ = 0, judgeErrors_ = 0;       // the window being pooled
  std::int64_t judgeFrom_ = -1;
  bool judgeFailing_ = false;

  double lastWall_ = 0;
  std::int64_t lastStep_ = -1;
  std::string lastMetric_;
  bool logsStepTime_ = false;
  std::deque<double> stepTimes_;        // timing_s/step values, or gaps between steps
  std::int64_t gapStep_[2] = {-1, -1};  // per counter (training, SFT): its last step
  double gapWall_[2] = {0, 0};          // and when that step's first point was written
  bool stalled_ = false;
};

}  // namespace longrl::viewers
