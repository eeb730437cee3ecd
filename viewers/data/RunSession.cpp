#include "viewers/data/RunSession.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "viewers/chart/PhaseAlignment.h"

namespace longrl::viewers {

namespace {
constexpr int kStallCheckMs = 10000;
}  // namespace

RunSession::RunSession(QString runDir, QString location, QObject* parent, int pollMs)
    : QObject(parent), runDir_(std::move(runDir)), location_(std::move(location)) {
  follower_ = new StoreFollower(QDir(runDir_).filePath(QStringLiteral("run.sqlite")), pollMs);
  follower_->moveToThread(&thread_);
  connect(&thread_, &QThread::started, follower_, &StoreFollower::start);
  connect(&thread_, &QThread::finished, follower_, &QObject::deleteLater);
  connect(follower_, &StoreFollower::metricsArrived, this, &RunSession::onMetrics);
  connect(follower_, &StoreFollower::runInfoChanged, this, [this](const store::RunInfo& info) {
    info_ = info;
    if (!info.status.empty()) statusOverride_.clear();
    Q_EMIT statusChanged();
  });
  connect(follower_, &StoreFollower::phasesChanged, this, [this](const PhaseList& phases) {
    phases_ = *phases;
    Q_EMIT phasesChanged();
    Q_EMIT statusChanged();
  });
  connect(follower_, &StoreFollower::eventsArrived, this, &RunSession::onEvents);
  connect(follower_, &StoreFollower::problem, this, [this](const QString& message) {
    problem_ = message;
    Q_EMIT statusChanged();
  });
  connect(follower_, &StoreFollower::caughtUp, this, [this] {
    caughtUp_ = true;
    Q_EMIT statusChanged();
    checkStalled();  // a run left "running" long ago says so on opening
  });
  stallTimer_.setInterval(kStallCheckMs);
  connect(&stallTimer_, &QTimer::timeout, this, &RunSession::checkStalled);
  stallTimer_.start();
  thread_.setObjectName(QStringLiteral("follow:") + runDir_);
  thread_.start();
}

RunSession::~RunSession() {
  QMetaObject::invokeMethod(follower_, &StoreFollower::stop, Qt::BlockingQueuedConnection);
  thread_.quit();
  thread_.wait();
}

QString RunSession::name() const {
  if (!info_.name.empty()) return QString::fromStdString(info_.name);
  return QFileInfo(runDir_).fileName();
}

QString RunSession::status() const {
  if (!statusOverride_.isEmpty()) return statusOverride_;
  if (!info_.status.empty()) return QString::fromStdString(info_.status);
  return problem_.isEmpty() ? tr("opening") : tr("unavailable");
}

void RunSession::setStatusOverride(const QString& status) {
  statusOverride_ = status;
  Q_EMIT statusChanged();
}

int RunSession::currentPhase() const { return PhaseAlignment::currentPhase(phases_, lastStep_); }

double RunSession::lastValue(const std::string& metric) const {
  auto it = series_.find(metric);
  if (it == series_.end() || it->second->empty()) return std::numeric_limits<double>::quiet_NaN();
  return it->second->values().back();
}

const MetricSeries* RunSession::series(const std::string& metric) const {
  auto it = series_.find(metric);
  return it == series_.end() ? nullptr : it->second.get();
}

QStringList RunSession::metricNames() const {
  QStringList names;
  for (const auto& [name, s] : series_) names << QString::fromStdString(name);
  return names;
}

void RunSession::onMetrics(const MetricBatch& batch) {
  QStringList added;
  for (const auto& p : *batch) {
    auto& slot = series_[p.name];
    if (!slot) {
      slot = std::make_unique<MetricSeries>();
      added << QString::fromStdString(p.name);
    }
    slot->append(static_cast<double>(p.step), p.wall_time, p.value);
    // SFT counts its own steps from 1: a run 4 steps into GRPO after 30 SFT steps is at step 4.
    double& last = p.name.rfind("sft/", 0) == 0 ? lastSftStep_ : lastStep_;
    if (p.step > last) last = static_cast<double>(p.step);
    if (p.wall_time > lastWrite_) lastWrite_ = p.wall_time;
  }
  points_ += batch->size();
  if (!added.isEmpty()) Q_EMIT metricsAdded(added);
  Q_EMIT dataChanged();
  Q_EMIT statusChanged();
  raise(alerts_.add(*batch));  // after the charts have the points the alerts point at
}

void RunSession::setClock(std::function<double()> now) { clock_ = std::move(now); }

// Only a run that should be writing can stall: not one still loading its backlog (its newest point
// read so far is old), finished or failed, or paused at a phase end for people's labels.
void RunSession::checkStalled() {
  const bool running = caughtUp_ && waitPhase_ < 0 && status() == QLatin1String("running");
  const double now = clock_ ? clock_() : static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
  raise(alerts_.checkStalled(running, now));
}

void RunSession::raise(const std::vector<RunAlert>& alerts) {
  for (const auto& a : alerts) Q_EMIT alertRaised(a);
}

}  // namespace longrl::viewers

namespace longrl::viewers {

// The trainer's annotation_wait event starts a wait; its annotation_wait_over (or the
// retrospective selection right after it) ends it.
void RunSession::onEvents(const EventBatch& events) {
  const int before = waitPhase_;
  for (const auto& e : *events) {
    if (e.kind == "annotation_wait") {
      const auto j = nlohmann::json::parse(e.payload, nullptr, false);
      if (j.is_discarded()) continue;
      waitPhase_ = j.value("phase", -1);
      waitDeadline_ = e.time + j.value("timeout_s", 0.0);
    } else if (e.kind == "annotation_wait_over" || e.kind == "retrospective") {
      if (waitPhase_ >= 0) alerts_.noteActivity(e.time);  // the wait was no stall
      waitPhase_ = -1;
    }
  }
  if (waitPhase_ != before) Q_EMIT annotationWaitChanged();
}

}  // namespace longrl::viewers
