#pragma once
#include <QObject>
#include <QString>

#include "core/store/AnnotationRecord.h"
#include "ui/annotate/AnnotationItem.h"

namespace longrl::ui {

// The annotation queue's store I/O, on a worker thread (the UI never waits on SQLite).
// Reading uses a fresh RunStoreReader per load. Writing opens a short-lived RunStoreWriter per
// annotation: on a live run the trainer is the store's writer, and SQLite (WAL) lets one writer
// in at a time, so an annotation waits its turn (busy timeout) and then commits at once, holding
// the write lock for a few milliseconds. A write still refused after that is retried, then reported.
class AnnotationStore : public QObject {
  Q_OBJECT
 public:
  explicit AnnotationStore(QString author, QObject* parent = nullptr);

  // Called on the worker thread (queued). `remote`: the store is the mirror of a remote run, so
  // each change is also queued in its outbox (same transaction) for AnnotationSync to deliver.
  void load(const QString& storePath);
  void write(const QString& storePath, const store::AnnotationRecord& annotation, bool remote);
  // Removes `author`'s label on the example (undo of a first label).
  void remove(const QString& storePath, const QString& exampleId, bool remote);
  // Lets a trainer waiting at the end of `phase` go on: an annotations_continue event in a local
  // run's store, queued behind the labels for a remote one (so they arrive first).
  void continueAfter(const QString& storePath, int phase, bool remote);
  // Reads which of this author's labels have reached a remote run (deliveryLoaded).
  void loadDelivery(const QString& storePath);

  const QString& author() const { return author_; }

 Q_SIGNALS:
  void loaded(longrl::ui::AnnotationItems items, QString error);
  void written(QString exampleId, QString error);  // empty error: committed
  void continued(int phase, QString error);
  void deliveryLoaded(longrl::ui::DeliveryMap delivered);

 private:
  QString author_;
};

}  // namespace longrl::ui
