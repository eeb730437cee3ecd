#pragma once
#include <QObject>
#include <QString>
#include <QTimer>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/store/EventRecord.h"
#include "core/store/MetricPoint.h"
#include "core/store/PhaseInfo.h"
#include "core/store/RunInfo.h"

namespace longrl::store {
class RunStoreReader;
}

namespace longrl::viewers {

using MetricBatch = std::shared_ptr<const std::vector<store::MetricPoint>>;
using PhaseList = std::shared_ptr<const std::vector<store::PhaseInfo>>;
using EventBatch = std::shared_ptr<const std::vector<store::EventRecord>>;

// Follows one run store from a worker thread (the UI thread never runs SQLite queries): polls
// "metrics after rowid N" and delivers new points in batches, first the backlog in stages, then
// whatever the trainer commits. A store that does not exist yet (a run that is starting) is waited
// for; a store that cannot be read is reported once per distinct error and retried.
class StoreFollower : public QObject {
  Q_OBJECT
 public:
  explicit StoreFollower(QString storePath, int pollMs = 250);
  ~StoreFollower() override;

 public Q_SLOTS:
  void start();
  void stop();
  void pollNow();

 Q_SIGNALS:
  void metricsArrived(longrl::viewers::MetricBatch batch);
  void runInfoChanged(longrl::store::RunInfo info);
  void phasesChanged(longrl::viewers::PhaseList phases);
  void eventsArrived(longrl::viewers::EventBatch events);  // run events (log, retrospective, ...) in order
  void problem(QString message);                           // empty message: the problem went away
  void caughtUp();                                         // the backlog has been delivered

 private:
  bool ensureReader();
  void pollEvents();
  void pollRunAndPhases();

  QString path_;
  int pollMs_;
  QTimer* timer_ = nullptr;
  std::unique_ptr<store::RunStoreReader> reader_;
  std::int64_t lastRowid_ = 0;
  std::int64_t lastEventRowid_ = 0;
  std::string lastInfoKey_, lastPhasesKey_;
  QString lastProblem_;
  bool caughtUp_ = false;
};

}  // namespace longrl::viewers
