#pragma once
#include <QThread>
#include <QWidget>

#include <string>
#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace longrl::ui {

class AnnotationQueueModel;
class AnnotationStore;

// Retrospective-sampling annotation, keyboard first (Argilla-style): examples hardest first
// (run store difficulty), ↑/↓ to move, 1/2/3 for hard / not hard / unsure, Enter to submit (with the
// note typed in the note field) and go to the next one, Ctrl+Z to undo the last submission.
// Labels go to the run store's annotations table (read by the trainer when it builds the next
// phase's hard-example pool) through a worker thread; counts per label are shown on top.
class AnnotationQueue : public QWidget {
  Q_OBJECT
 public:
  // `author` empty: $USER (or "studio").
  explicit AnnotationQueue(QWidget* parent = nullptr, const QString& author = {});
  ~AnnotationQueue() override;

  // `remote`: the store is the local mirror of a remote run; labels are also queued for delivery
  // to the run's own store (AnnotationSync) and the "trainer" column shows where each one is.
  void setStorePath(const QString& storePath, bool remote = false);
  void reload();
  bool isRemote() const { return remote_; }
  // The trainer waits at the end of `phase` for labels until `deadline` (seconds since the epoch);
  // phase -1: it does not wait. Shows a banner with a Continue button.
  void setAnnotationWait(int phase, double deadline);
  int annotationWaitPhase() const { return waitPhase_; }
  QPushButton* continueButton() const { return continue_; }
  // What AnnotationSync reports for this run (remote runs only).
  void setSyncState(qint64 pending, qint64 delivered, const QString& error, int retryInS);
  QString syncText() const;
  // Re-reads which labels reached the remote run (after AnnotationSync delivered a batch).
  void refreshDelivery();

  AnnotationQueueModel* model() const { return model_; }
  QTableView* view() const { return view_; }
  QLineEdit* noteEdit() const { return note_; }
  QString author() const { return author_; }
  // "hard", "not_hard", "unsure" or "" (nothing chosen for the current example).
  QString pendingLabel() const { return pending_; }
  QString countsText() const;
  int writesInFlight() const { return inFlight_; }
  int undoDepth() const { return int(undo_.size()); }
  QString lastError() const { return lastError_; }

 public Q_SLOTS:
  void chooseLabel(int which);  // 0, 1, 2 = keys 1, 2, 3
  void submit();
  void undo();
  void continueTrainer();

 Q_SIGNALS:
  void exampleSelected(const QString& exampleId);
  void loaded();
  void writeFinished(const QString& exampleId, const QString& error);
  void continueFinished(int phase, const QString& error);
  void retrySyncRequested();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  struct Undo {
    std::string example_id, label, note;  // what it was before the submission
  };
  void onCurrentChanged();
  void showPending();
  void updateCounts();
  void moveBy(int rows);
  void send(const std::string& exampleId, const std::string& label, const std::string& note);
  QWidget* makeWaitBanner();
  QWidget* makeSyncRow();
  void showWaitText();

  QString path_, author_, pending_, lastError_;
  AnnotationQueueModel* model_;
  QTableView* view_;
  QLabel* counts_;
  QLabel* question_;
  QLabel* status_;
  QLineEdit* note_;
  QPushButton* buttons_[3];
  QWidget* waitBanner_ = nullptr;
  QLabel* waitText_ = nullptr;
  QPushButton* continue_ = nullptr;
  QWidget* syncRow_ = nullptr;
  QLabel* syncText_ = nullptr;
  QTimer* waitClock_ = nullptr;
  int waitPhase_ = -1;
  double waitDeadline_ = 0;
  bool remote_ = false;
  QThread thread_;
  AnnotationStore* store_;
  std::vector<Undo> undo_;
  int inFlight_ = 0;
};

}  // namespace longrl::ui
