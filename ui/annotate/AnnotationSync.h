#pragma once
#include <QObject>
#include <QProcess>
#include <QString>

#include <cstdint>
#include <vector>

#include "core/store/AnnotationOp.h"
#include "ui/launch/LaunchSpec.h"

class QTimer;

namespace longrl::ui {

// Sends a remote run's label changes, queued in its local mirror (the store's annotation outbox),
// to the run's own store, oldest first and one batch at a time, with `longrl annotate --apply -`
// over the run's ssh (LaunchCommand::annotate). A batch counts as delivered only once the remote
// command reports it applied; a failed one (link down, host unreachable) is sent again whole after
// a back-off (2 s doubling to 60 s), and the run's store applies each change at most once.
// Lives in a worker thread: store I/O and the child process never hold up the UI.
class AnnotationSync : public QObject {
  Q_OBJECT
 public:
  // `localLongrl`: this machine's longrl (a template run's shared run directory).
  AnnotationSync(QString storePath, LaunchSpec spec, QString localLongrl, int pollMs = 1000);
  ~AnnotationSync() override;

  static constexpr int kFirstRetryMs = 2000;
  static constexpr int kMaxRetryMs = 60000;
  static constexpr int kCommandTimeoutMs = 120000;

 public Q_SLOTS:
  void start();
  void retryNow();
  void stop();

 Q_SIGNALS:
  // `pending`: changes the run's store does not have yet; `error`: why the last attempt failed
  // ("" once one succeeds); `retryInS`: seconds to the next attempt (0: none planned).
  void stateChanged(qint64 pending, qint64 delivered, QString error, int retryInS);
  void delivered();

 private:
  void poll();
  void send(const std::vector<store::AnnotationOp>& ops, const QString& origin);
  void onFinished(int exitCode, QProcess::ExitStatus status);
  void fail(const QString& why);
  void report();

  QString storePath_, localLongrl_;
  LaunchSpec spec_;
  int pollMs_;
  QTimer* timer_ = nullptr;
  QTimer* deadline_ = nullptr;
  QProcess* process_ = nullptr;
  std::int64_t batchLast_ = 0;  // highest seq of the batch in flight
  qint64 pending_ = -1, delivered_ = -1;
  QString error_, reported_;
  int backoffMs_ = 0;  // 0: the last attempt worked
};

}  // namespace longrl::ui
