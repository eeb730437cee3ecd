#include "ui/annotate/AnnotationSync.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include "core/io/WallClock.h"
#include "core/store/AnnotationOutbox.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "ui/launch/LaunchCommand.h"

namespace longrl::ui {

AnnotationSync::AnnotationSync(QString storePath, LaunchSpec spec, QString localLongrl, int pollMs)
    : storePath_(std::move(storePath)), localLongrl_(std::move(localLongrl)), spec_(std::move(spec)), pollMs_(pollMs) {}

AnnotationSync::~AnnotationSync() { stop(); }

void AnnotationSync::start() {
  timer_ = new QTimer(this);
  timer_->setSingleShot(true);
  connect(timer_, &QTimer::timeout, this, &AnnotationSync::poll);
  deadline_ = new QTimer(this);
  deadline_->setSingleShot(true);
  connect(deadline_, &QTimer::timeout, this, [this] {
    if (process_) process_->kill();  // finished() reports it
  });
  poll();
}

void AnnotationSync::stop() {
  if (timer_) timer_->stop();
  if (process_) {
    process_->disconnect(this);
    process_->kill();
    process_->waitForFinished(2000);
    delete process_;
    process_ = nullptr;
  }
}

void AnnotationSync::retryNow() {
  if (process_ || !timer_) return;
  timer_->start(0);
}

// Reads what is queued; sends the oldest batch, or looks again after pollMs.
void AnnotationSync::poll() {
  if (process_) return;
  std::vector<store::AnnotationOp> ops;
  QString origin;
  try {
    store::RunStoreReader reader(storePath_.toStdString());
    store::AnnotationOutbox outbox(reader.db());
    const auto counts = outbox.counts();
    pending_ = counts.pending;
    delivered_ = counts.delivered;
    if (counts.pending > 0) {
      ops = outbox.pending(500);
      origin = QString::fromStdString(outbox.origin());
    }
  } catch (const std::exception&) {
    // The mirror does not exist yet (the run is starting): nothing can be queued either.
  }
  if (ops.empty()) {
    report();
    timer_->start(pollMs_);
    return;
  }
  send(ops, origin);
}

void AnnotationSync::send(const std::vector<store::AnnotationOp>& ops, const QString& origin) {
  const LaunchCommand c = LaunchCommand::annotate(spec_, origin, localLongrl_);
  if (!c.error.isEmpty()) {
    fail(c.error);
    return;
  }
  QByteArray batch;
  for (const auto& op : ops) batch += QByteArray::fromStdString(store::toJson(op).dump()) + '\n';
  batchLast_ = ops.back().seq;
  process_ = new QProcess(this);
  process_->setProgram(c.program);
  process_->setArguments(c.arguments);
  connect(process_, &QProcess::finished, this, &AnnotationSync::onFinished);
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) onFinished(-1, QProcess::CrashExit);
  });
  process_->start();
  process_->write(batch);
  process_->closeWriteChannel();
  deadline_->start(kCommandTimeoutMs);
}

void AnnotationSync::onFinished(int exitCode, QProcess::ExitStatus status) {
  if (!process_) return;
  deadline_->stop();
  QProcess* p = process_;
  process_ = nullptr;
  p->deleteLater();
  const QByteArray out = p->readAllStandardOutput().trimmed();
  const QString err = QString::fromUtf8(p->readAllStandardError()).trimmed().section('\n', -1);
  const QJsonObject reply = QJsonDocument::fromJson(out.split('\n').last()).object();
  if (status != QProcess::NormalExit || exitCode != 0 || !reply.contains(QStringLiteral("last_seq"))) {
    QString why = p->error() == QProcess::FailedToStart ? p->errorString()
                  : status != QProcess::NormalExit      ? tr("the command was killed")
                                                        : tr("exit code %1").arg(exitCode);
    fail(err.isEmpty() ? why : why + QStringLiteral(": ") + err);
    return;
  }
  const qint64 applied = qint64(reply.value(QStringLiteral("last_seq")).toDouble());
  try {
    store::RunStoreWriter w(storePath_.toStdString());
    store::AnnotationOutbox(w.db()).markDelivered(std::min<std::int64_t>(applied, batchLast_), io::wallSeconds());
    w.flush();
  } catch (const std::exception& e) {
    // Applied there, not marked here: the next attempt re-sends, and the run's store skips it.
    fail(tr("could not record the delivery: %1").arg(QString::fromStdString(e.what())));
    return;
  }
  error_.clear();
  backoffMs_ = 0;
  Q_EMIT delivered();
  timer_->start(0);  // more may be queued
}

void AnnotationSync::fail(const QString& why) {
  error_ = why;
  backoffMs_ = backoffMs_ == 0 ? kFirstRetryMs : std::min(backoffMs_ * 2, kMaxRetryMs);
  report();
  timer_->start(backoffMs_);
}

void AnnotationSync::report() {
  const int retryInS = error_.isEmpty() ? 0 : (backoffMs_ + 999) / 1000;
  const QString key = QStringLiteral("%1 %2 %3 %4").arg(pending_).arg(delivered_).arg(retryInS).arg(error_);
  if (key == reported_) return;  // polled every second: tell only what changed
  reported_ = key;
  Q_EMIT stateChanged(pending_, delivered_, error_, retryInS);
}

}  // namespace longrl::ui
