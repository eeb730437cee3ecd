#pragma once
#include <QTimer>
#include <QWidget>

class QSplitter;
class QTabWidget;

namespace longrl::viewers {
class RolloutBrowser;
class RolloutDetailView;
class RolloutGroupsView;
}  // namespace longrl::viewers

namespace longrl::ui {

class AnnotationQueue;

// Everything about a run's rollouts in one widget (a main-window tab or dock): on the left the
// flat table, the groups of a step, one example across steps and the annotation queue; on the
// right the selected rollout (document beside trace, reward and judge). Selecting in any left view
// shows it on the right (one selection hub); double-clicking a table row follows its example.
// A live run is re-counted every few seconds.
class RolloutsWorkspace : public QWidget {
  Q_OBJECT
 public:
  explicit RolloutsWorkspace(QWidget* parent = nullptr);
  ~RolloutsWorkspace() override;

  // A run directory (holding run.sqlite); empty: nothing shown. `remote`: the local mirror of a
  // remote run (labels are queued for it).
  void setRunDir(const QString& runDir, bool remote = false);
  QString runDir() const { return runDir_; }

  viewers::RolloutBrowser* browser() const { return browser_; }
  viewers::RolloutGroupsView* groups() const { return groups_; }
  viewers::RolloutGroupsView* history() const { return history_; }
  AnnotationQueue* annotations() const { return annotations_; }
  viewers::RolloutDetailView* detail() const { return detail_; }
  QTabWidget* tabs() const { return tabs_; }

 public Q_SLOTS:
  void showRollout(qint64 rolloutId);
  void followExample(const QString& exampleId);
  void refresh();

 private:
  QString runDir_;
  QSplitter* split_;
  QTabWidget* tabs_;
  viewers::RolloutBrowser* browser_;
  viewers::RolloutGroupsView* groups_;
  viewers::RolloutGroupsView* history_;
  AnnotationQueue* annotations_;
  viewers::RolloutDetailView* detail_;
  QTimer refresh_;
};

}  // namespace longrl::ui
