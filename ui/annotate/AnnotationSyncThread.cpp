#include "ui/annotate/AnnotationSyncThread.h"

#include "ui/annotate/AnnotationSync.h"

namespace longrl::ui {

AnnotationSyncThread::AnnotationSyncThread(const QString& storePath, const LaunchSpec& spec, const QString& localLongrl,
                                           QObject* parent, int pollMs)
    : QObject(parent), sync_(new AnnotationSync(storePath, spec, localLongrl, pollMs)) {
  sync_->moveToThread(&thread_);
  connect(&thread_, &QThread::started, sync_, &AnnotationSync::start);
  connect(&thread_, &QThread::finished, sync_, &QObject::deleteLater);
  connect(sync_, &AnnotationSync::stateChanged, this,
          [this](qint64 pending, qint64 delivered, const QString& error, int retryInS) {
            state_ = {pending, delivered, error, retryInS};
            Q_EMIT stateChanged();
          });
  connect(sync_, &AnnotationSync::delivered, this, &AnnotationSyncThread::delivered);
  thread_.setObjectName(QStringLiteral("annotation-sync"));
  thread_.start();
}

AnnotationSyncThread::~AnnotationSyncThread() {
  // A batch in flight is killed: it is still queued in the mirror and goes out next time.
  QMetaObject::invokeMethod(sync_, &AnnotationSync::stop, Qt::BlockingQueuedConnection);
  thread_.quit();
  thread_.wait();
}

void AnnotationSyncThread::retryNow() { QMetaObject::invokeMethod(sync_, &AnnotationSync::retryNow); }

}  // namespace longrl::ui
