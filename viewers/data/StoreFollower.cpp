#include "viewers/data/StoreFollower.h"

#include <QFileInfo>

#include "core/store/RunStoreReader.h"

namespace longrl::viewers {

namespace {
constexpr std::size_t kBatch = 50000;  // points per delivery: the backlog arrives in stages
}

StoreFollower::StoreFollower(QString storePath, int pollMs) : path_(std::move(storePath)), pollMs_(pollMs) {
  qRegisterMetaType<longrl::viewers::MetricBatch>("longrl::viewers::MetricBatch");
  qRegisterMetaType<longrl::viewers::PhaseList>("longrl::viewers::PhaseList");
  qRegisterMetaType<longrl::viewers::EventBatch>("longrl::viewers::EventBatch");
  qRegisterMetaType<longrl::store::RunInfo>("longrl::store::RunInfo");
}

StoreFollower::~StoreFollower() = default;

void StoreFollower::start() {
  if (!timer_) {
    timer_ = new QTimer(this);
    timer_->setInterval(pollMs_);
    connect(timer_, &QTimer::timeout, this, &StoreFollower::pollNow);
  }
  timer_->start();
  pollNow();
}

void StoreFollower::stop() {
  if (timer_) timer_->stop();
  reader_.reset();
}

bool StoreFollower::ensureReader() {
  if (reader_) return true;
  if (!QFileInfo::exists(path_)) {
    const QString msg = tr("waiting for %1 (the run has not written it yet)").arg(path_);
    if (msg != lastProblem_) Q_EMIT problem(lastProblem_ = msg);
    return false;
  }
  try {
    reader_ = std::make_unique<store::RunStoreReader>(path_.toStdString());
    return true;
  } catch (const std::exception& e) {
    const QString msg = tr("cannot read run store: %1").arg(QString::fromStdString(e.what()));
    if (msg != lastProblem_) Q_EMIT problem(lastProblem_ = msg);
    return false;
  }
}

void StoreFollower::pollNow() {
  if (!ensureReader()) return;
  try {
    // The run and its phases first: a metric arrives with its run's name and phases known (an
    // alert on the backlog names the run).
    pollRunAndPhases();
    for (;;) {
      auto points = std::make_shared<std::vector<store::MetricPoint>>(reader_->metricsAfter(lastRowid_, kBatch));
      if (points->empty()) break;
      lastRowid_ = points->back().rowid;
      const bool more = points->size() == kBatch;
      Q_EMIT metricsArrived(points);
      if (!more) break;
    }
    pollEvents();
    if (!lastProblem_.isEmpty()) Q_EMIT problem(lastProblem_ = QString());
    if (!caughtUp_) {
      caughtUp_ = true;
      Q_EMIT caughtUp();
    }
  } catch (const std::exception& e) {
    // Drop the connection: the next poll reopens it (the file may have been replaced).
    reader_.reset();
    const QString msg = tr("cannot read run store: %1").arg(QString::fromStdString(e.what()));
    if (msg != lastProblem_) Q_EMIT problem(lastProblem_ = msg);
  }
}

void StoreFollower::pollRunAndPhases() {
  const auto runs = reader_->runs();
  if (!runs.empty()) {
    const auto& r = runs.front();
    const std::string key = r.name + '\n' + r.status + '\n' + std::to_string(r.updated_time);
    if (key != lastInfoKey_) {
      lastInfoKey_ = key;
      Q_EMIT runInfoChanged(r);
    }
  }
  auto phases = std::make_shared<std::vector<store::PhaseInfo>>(reader_->phases());
  std::string key;
  for (const auto& p : *phases)
    key += std::to_string(p.index) + ':' + std::to_string(p.start_step) + ':' + std::to_string(p.end_step) + p.status +
           ';';
  if (key != lastPhasesKey_) {
    lastPhasesKey_ = key;
    Q_EMIT phasesChanged(phases);
  }
}

void StoreFollower::pollEvents() {
  for (;;) {
    auto events = std::make_shared<std::vector<store::EventRecord>>(reader_->eventsAfter(lastEventRowid_));
    if (events->empty()) return;
    lastEventRowid_ = events->back().rowid;
    Q_EMIT eventsArrived(events);
  }
}

}  // namespace longrl::viewers
