#pragma once
#include <QThread>
#include <QWidget>

#include <string>
#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

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

  void setStorePath(const QString& storePath);
  void reload();

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

 Q_SIGNALS:
  void exampleSelected(const QString& exampleId);
  void loaded();
  void writeFinished(const QString& exampleId, const QString& error);

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

  QString path_, author_, pending_, lastError_;
  AnnotationQueueModel* model_;
  QTableView* view_;
  QLabel* counts_;
  QLabel* question_;
  QLabel* status_;
  QLineEdit* note_;
  QPushButton* buttons_[3];
  QThread thread_;
  AnnotationStore* store_;
  std::vector<Undo> undo_;
  int inFlight_ = 0;
};

}  // namespace longrl::ui
