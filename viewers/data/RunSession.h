#pragma once
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/store/PhaseInfo.h"
#include "core/store/RunInfo.h"
#include "viewers/chart/MetricSeries.h"
#include "viewers/data/RunAlerts.h"
#include "viewers/data/StoreFollower.h"

namespace longrl::viewers {

// One open run in the GUI: its follower thread and the full-resolution metric cache the charts
// draw from. Lives on the UI thread; only appending to the cache happens here (cheap).
class RunSession : public QObject {
  Q_OBJECT
 public:
  // `runDir` holds run.sqlite (for a remote run: the local mirror). `location` is shown in the
  // runs list ("local" or the ssh host).
  explicit RunSession(QString runDir, QString location = QStringLiteral("local"), QObject* parent = nullptr,
                      int pollMs = 250);
  ~RunSession() override;

  QString runDir() const { return runDir_; }
  QString name() const;
  QString location() const { return location_; }
  QString status() const;
  QString problem() const { return problem_; }
  int currentPhase() const;
  // The last training step seen (SFT warm-up steps, numbered on their own, do not count), or -1.
  double lastStep() const { return lastStep_; }
  // The last SFT warm-up step seen (metrics named sft/...), or -1.
  double lastSftStep() const { return lastSftStep_; }
  // Last value of a metric, NaN when the run has none.
  double lastValue(const std::string& metric) const;
  const MetricSeries* series(const std::string& metric) const;
  QStringList metricNames() const;
  const std::vector<store::PhaseInfo>& phases() const { return phases_; }
  std::size_t pointCount() const { return points_; }
  // Wall time (seconds since the epoch) of the newest metric point read; 0 before any.
  double lastWriteTime() const { return lastWrite_; }
  bool caughtUp() const { return caughtUp_; }
  // The phase whose end the trainer is waiting at for people's labels (retrospective.
  // wait_for_annotations_s), or -1; and when that wait times out (seconds since the epoch).
  int annotationWaitPhase() const { return waitPhase_; }
  double annotationWaitDeadline() const { return waitDeadline_; }
  // What the run's alerts (RunAlerts) raised so far, oldest first; alertRaised() says each as it comes.
  const std::vector<RunAlert>& alerts() const { return alerts_.raised(); }
  // The clock the stall alert reads (seconds since the epoch); the system clock unless a test sets one.
  void setClock(std::function<double()> now);
  // Raises the stall alert when a running run stopped writing (also every 10 s on a timer).
  void checkStalled();
  // Overrides the status shown (e.g. "trainer crashed") until the store says otherwise.
  void setStatusOverride(const QString& status);

 Q_SIGNALS:
  void dataChanged();
  void metricsAdded(const QStringList& names);
  void statusChanged();
  void phasesChanged();
  void annotationWaitChanged();
  void alertRaised(const longrl::viewers::RunAlert& alert);

 private:
  void onMetrics(const MetricBatch& batch);
  void onEvents(const EventBatch& events);
  void raise(const std::vector<RunAlert>& alerts);

  QString runDir_, location_;
  QThread thread_;
  StoreFollower* follower_;
  std::map<std::string, std::unique_ptr<MetricSeries>> series_;
  std::vector<store::PhaseInfo> phases_;
  store::RunInfo info_;
  QString problem_, statusOverride_;
  double lastStep_ = -1;
  double lastSftStep_ = -1;
  double lastWrite_ = 0;
  std::size_t points_ = 0;
  bool caughtUp_ = false;
  int waitPhase_ = -1;
  double waitDeadline_ = 0;
  RunAlerts alerts_;
  QTimer stallTimer_;
  std::function<double()> clock_;
};

}  // namespace longrl::viewers
