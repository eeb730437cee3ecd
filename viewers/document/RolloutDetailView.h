#pragma once
#include <QFutureWatcher>
#include <QWidget>

#include <optional>

#include "core/store/DocumentRecord.h"
#include "core/store/ExampleRecord.h"
#include "core/store/RolloutRecord.h"
#include "viewers/judge/BehaviorRecordsView.h"

class QLabel;
class QTabWidget;

namespace longrl::viewers {

class DocumentTraceView;
class JudgePanel;
class MemoryStepsView;

// Everything about one rollout: a summary line, the document beside the reasoning trace
// (DocumentTraceView), for a memory-agent rollout its steps (MemoryStepsView), and the reward /
// judge panel with its behaviour records (whose steps the trace marks). The rollout, its example and its document
// are read on a worker thread; a newer selection replaces an older one still loading.
class RolloutDetailView : public QWidget {
  Q_OBJECT
 public:
  explicit RolloutDetailView(QWidget* parent = nullptr);
  ~RolloutDetailView() override;

  void setStorePath(const QString& storePath);
  void showRollout(qint64 rolloutId);
  // The latest rollout of an example (annotation queue selection); says so when it has none.
  void showLatestOf(const QString& exampleId);

  DocumentTraceView* trace() const { return trace_; }
  JudgePanel* judge() const { return judge_; }
  MemoryStepsView* memorySteps() const { return memory_; }
  QTabWidget* tabs() const { return tabs_; }
  qint64 shownRollout() const { return shown_; }
  bool loading() const { return watcher_.isRunning(); }

 Q_SIGNALS:
  void shown(qint64 rolloutId);  // texts are in place (grounding may still be running)

 private:
  struct Loaded {
    std::optional<store::RolloutRecord> rollout;
    std::optional<store::ExampleRecord> example;
    std::optional<store::DocumentRecord> document;
    std::vector<ShownBehavior> behaviors;
    QString error;
  };
  void load(qint64 rolloutId, const QString& exampleId);
  void onLoaded();

  QString path_;
  QLabel* summary_;
  QTabWidget* tabs_;
  DocumentTraceView* trace_;
  JudgePanel* judge_;
  MemoryStepsView* memory_;
  QFutureWatcher<Loaded> watcher_;
  qint64 shown_ = -1;
};

}  // namespace longrl::viewers
