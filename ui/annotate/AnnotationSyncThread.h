#pragma once
#include <QObject>
#include <QString>
#include <QThread>

#include "ui/launch/LaunchSpec.h"

namespace longrl::ui {

class AnnotationSync;

// One remote run's AnnotationSync in its own worker thread, seen from the UI thread: the last
// state it reported (kept for whenever the run is shown) and a way to retry at once.
class AnnotationSyncThread : public QObject {
  Q_OBJECT
 public:
  struct State {
    qint64 pending = 0;
    qint64 delivered = 0;
    QString error;
    int retryInS = 0;
  };

  AnnotationSyncThread(const QString& storePath, const LaunchSpec& spec, const QString& localLongrl,
                       QObject* parent = nullptr, int pollMs = 1000);
  ~AnnotationSyncThread() override;

  const State& state() const { return state_; }

 public Q_SLOTS:
  void retryNow();

 Q_SIGNALS:
  void stateChanged();
  void delivered();

 private:
  QThread thread_;
  AnnotationSync* sync_;
  State state_;
};

}  // namespace longrl::ui
