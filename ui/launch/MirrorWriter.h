#pragma once
#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

class QTimer;

namespace longrl::store {
class EventStreamDecoder;
class RunStoreWriter;
}  // namespace longrl::store

namespace longrl::ui {

// Writes a remote trainer's event stream into the local mirror store (run.sqlite). Lives in a
// worker thread: every slot runs there, so the UI thread never touches SQLite.
class MirrorWriter : public QObject {
  Q_OBJECT
 public:
  explicit MirrorWriter(QString storePath);
  ~MirrorWriter() override;

 public Q_SLOTS:
  void open();                         // emits opened() or failed()
  void feed(const QByteArray& bytes);  // decodes and commits what is complete
  void finish();                       // last partial line, flush, close; emits finished()

 Q_SIGNALS:
  void opened();
  void failed(const QString& message);   // the store cannot be opened or written
  void problem(const QString& message);  // a bad event line (skipped)
  void textLine(const QString& line);    // a non-JSON line of the stream (remote log output)
  void finished(qint64 records, qint64 problems);

 private:
  void guarded(const char* what, void (MirrorWriter::*step)());
  void doFeed();
  void doFinish();

  QString path_;
  std::unique_ptr<store::RunStoreWriter> writer_;
  std::unique_ptr<store::EventStreamDecoder> decoder_;
  QTimer* flushTimer_ = nullptr;
  QByteArray chunk_;
  int reportedProblems_ = 0;
  qint64 records_ = 0, problems_ = 0;
};

}  // namespace longrl::ui
