#include "viewers/data/RunAlerts.h"

#include <algorithm>
#include <cmath>

namespace longrl::viewers {

namespace {
bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

QString number(double v) { return QString::number(v, 'g', 3); }

constexpr std::size_t kMaxUnpairedJudgeSteps = 1000;
}  // namespace

RunAlerts::RunAlerts(const Thresholds& thresholds) : t_(thresholds) {}

std::vector<RunAlert> RunAlerts::add(const std::vector<store::MetricPoint>& points) {
  std::vector<RunAlert> out;
  for (const auto& p : points) addPoint(p, out);
  return out;
}

void RunAlerts::addPoint(const store::MetricPoint& p, std::vector<RunAlert>& out) {
  if (p.wall_time > lastWall_) {
    lastWall_ = p.wall_time;
    lastStep_ = p.step;
    lastMetric_ = p.name;
    stalled_ = false;
  }
  trackStepTime(p);
  checkNonFinite(p, out);
  checkEntropy(p, out);
  addJudge(p, out);
}

void RunAlerts::raise(RunAlert alert, std::vector<RunAlert>& out) {
  raised_.push_back(alert);
  out.push_back(std::move(alert));
}

void RunAlerts::checkNonFinite(const store::MetricPoint& p, std::vector<RunAlert>& out) {
  if (!endsWith(p.name, "loss") && !endsWith(p.name, "grad_norm")) return;
  if (std::isfinite(p.value)) {
    nonFinite_.erase(p.name);
    return;
  }
  if (!nonFinite_.insert(p.name).second) return;
  const QString what =
      std::isnan(p.value) ? QStringLiteral("NaN") : (p.value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf"));
  const QString metric = QString::fromStdString(p.name);
  raise({RunAlert::Kind::NonFinite, metric, p.step, QStringLiteral("step %1: %2 is %3").arg(p.step).arg(metric, what)},
        out);
}

void RunAlerts::checkEntropy(const store::MetricPoint& p, std::vector<RunAlert>& out) {
  if (p.name != "actor/entropy" || !std::isfinite(p.value)) return;
  if (!entropyMedian_) {
    entropyBaseline_.push_back(p.value);
    if (static_cast<int>(entropyBaseline_.size()) >= t_.entropyBaselineSteps) {
      auto mid = entropyBaseline_.begin() + static_cast<std::ptrdiff_t>(entropyBaseline_.size() / 2);
      std::nth_element(entropyBaseline_.begin(), mid, entropyBaseline_.end());
      entropyMedian_ = *mid;
      entropyBaseline_.clear();
    }
  }
  const double relative = entropyMedian_ ? t_.entropyRelativeFloor * *entropyMedian_ : 0.0;
  const double floor = std::max(t_.entropyFloor, relative);
  if (p.value >= floor) {
    entropyBelow_ = 0;
    if (entropyCollapsed_ && ++entropyAbove_ >= t_.entropySteps) entropyCollapsed_ = false;
    return;
  }
  entropyAbove_ = 0;
  if (entropyBelow_++ == 0) entropyBelowFrom_ = p.step;
  if (entropyCollapsed_ || entropyBelow_ < t_.entropySteps) return;
  entropyCollapsed_ = true;
  entropyAbove_ = 0;
  const QString why = relative > t_.entropyFloor
                          ? QStringLiteral("%1% of its median %2 over the first %3 steps")
                                .arg(number(t_.entropyRelativeFloor * 100), number(*entropyMedian_))
                                .arg(t_.entropyBaselineSteps)
                          : QStringLiteral("an all but deterministic policy");
  raise({RunAlert::Kind::EntropyCollapse, QStringLiteral("actor/entropy"), entropyBelowFrom_,
         QStringLiteral("step %1: actor/entropy below %2 nats (%3) for %4 steps, %5 at step %6: entropy collapse")
             .arg(entropyBelowFrom_)
             .arg(number(floor), why)
             .arg(entropyBelow_)
             .arg(number(p.value))
             .arg(p.step)},
        out);
}

// judge/calls and judge/errors of a step may arrive in different batches: a step counts once both did.
void RunAlerts::addJudge(const store::MetricPoint& p, std::vector<RunAlert>& out) {
  const bool calls = p.name == "judge/calls";
  if (!calls && p.name != "judge/errors") return;
  auto it = judgeSteps_.find(p.step);
  if (it == judgeSteps_.end()) {
    if (judgeSteps_.size() >= kMaxUnpairedJudgeSteps) judgeSteps_.erase(judgeSteps_.begin());
    it = judgeSteps_.emplace(p.step, JudgeStep{}).first;
  }
  (calls ? it->second.calls : it->second.errors) = p.value;
  if (!it->second.calls || !it->second.errors) return;
  const double c = *it->second.calls, e = *it->second.errors;
  judgeSteps_.erase(it);
  if (!std::isfinite(c) || !std::isfinite(e) || c <= 0) return;
  if (judgeFrom_ < 0) judgeFrom_ = p.step;
  judgeCalls_ += c;
  judgeErrors_ += e;
  if (judgeCalls_ >= t_.judgeMinCalls) checkJudgeWindow(p.step, out);
}

void RunAlerts::checkJudgeWindow(std::int64_t step, std::vector<RunAlert>& out) {
  const double rate = judgeErrors_ / judgeCalls_;
  if (rate <= t_.judgeErrorRate) {
    judgeFailing_ = false;
  } else if (!judgeFailing_) {
    judgeFailing_ = true;
    const QString where = judgeFrom_ == step ? QStringLiteral("step %1").arg(step)
                                             : QStringLiteral("steps %1-%2").arg(judgeFrom_).arg(step);
    raise({RunAlert::Kind::JudgeErrors, QStringLiteral("judge/errors"), judgeFrom_,
           QStringLiteral("%1: %2 of %3 judge calls failed (%4%, above %5%)")
               .arg(where, number(judgeErrors_), number(judgeCalls_))
               .arg(std::lround(rate * 100))
               .arg(number(t_.judgeErrorRate * 100))},
          out);
  }
  judgeCalls_ = judgeErrors_ = 0;
  judgeFrom_ = -1;
}

// Step time: timing_s/step where the run logs it; else the wall-clock gap between the first points
// of successive steps (SFT steps, numbered on their own, counted apart).
void RunAlerts::trackStepTime(const store::MetricPoint& p) {
  auto push = [this](double seconds) {
    if (!std::isfinite(seconds) || seconds <= 0) return;
    stepTimes_.push_back(seconds);
    if (stepTimes_.size() > t_.stepTimeWindow) stepTimes_.pop_front();
  };
  if (p.name == "timing_s/step") {
    if (!logsStepTime_) stepTimes_.clear();
    logsStepTime_ = true;
    push(p.value);
    return;
  }
  if (logsStepTime_) return;
  const int c = p.name.rfind("sft/", 0) == 0 ? 1 : 0;
  if (p.step <= gapStep_[c]) return;
  if (gapStep_[c] >= 0) push((p.wall_time - gapWall_[c]) / static_cast<double>(p.step - gapStep_[c]));
  gapStep_[c] = p.step;
  gapWall_[c] = p.wall_time;
}

double RunAlerts::medianStepSeconds() const {
  if (stepTimes_.empty()) return 0.0;
  std::vector<double> v(stepTimes_.begin(), stepTimes_.end());
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

void RunAlerts::noteActivity(double wallTime) {
  if (wallTime <= lastWall_) return;
  lastWall_ = wallTime;
  stalled_ = false;
}

std::vector<RunAlert> RunAlerts::checkStalled(bool running, double now) {
  if (!running || lastWall_ <= 0 || stalled_) return {};
  const double median = medianStepSeconds();
  const double idle = now - lastWall_;
  if (idle < std::max(t_.stallMinSeconds, t_.stallStepFactor * median)) return {};
  stalled_ = true;
  const QString typical = median > 0 ? QStringLiteral(" (median step %1)").arg(duration(median)) : QString();
  std::vector<RunAlert> out;
  raise({RunAlert::Kind::Stalled, QString::fromStdString(logsStepTime_ ? "timing_s/step" : lastMetric_), lastStep_,
         QStringLiteral("step %1: no new step for %2%3: a rank may have stopped reporting or the job hangs")
             .arg(lastStep_)
             .arg(duration(idle), typical)},
        out);
  return out;
}

QString RunAlerts::duration(double s) {
  if (s < 10) return QStringLiteral("%1 s").arg(number(s));
  if (s < 120) return QStringLiteral("%1 s").arg(std::lround(s));
  if (s < 7200) return QStringLiteral("%1 min").arg(static_cast<long>(s / 60));
  if (s < 2 * 86400) return QStringLiteral("%1 h").arg(static_cast<long>(s / 3600));
  return QStringLiteral("%1 days").arg(static_cast<long>(s / 86400));
}

}  // namespace longrl::viewers
