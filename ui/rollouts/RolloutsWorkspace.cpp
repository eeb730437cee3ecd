#include "ui/rollouts/RolloutsWorkspace.h"

#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include "core/store/RunStore.h"
#include "ui/annotate/AnnotationQueue.h"
#include "viewers/document/RolloutDetailView.h"
#include "viewers/rollouts/RolloutBrowser.h"
#include "viewers/rollouts/RolloutGroupsView.h"

namespace longrl::ui {

using viewers::RolloutGroupModel;

RolloutsWorkspace::RolloutsWorkspace(QWidget* parent)
    : QWidget(parent), split_(new QSplitter(Qt::Horizontal, this)), tabs_(new QTabWidget(this)),
      browser_(new viewers::RolloutBrowser(this)),
      groups_(new viewers::RolloutGroupsView(RolloutGroupModel::Grouping::ByPrompt, this)),
      history_(new viewers::RolloutGroupsView(RolloutGroupModel::Grouping::ByStep, this)),
      annotations_(new AnnotationQueue(this)), detail_(new viewers::RolloutDetailView(this)) {
  tabs_->addTab(browser_, tr("All rollouts"));
  tabs_->addTab(groups_, tr("Groups"));
  tabs_->addTab(history_, tr("Across steps"));
  tabs_->addTab(annotations_, tr("Annotate"));
  tabs_->setDocumentMode(true);
  split_->addWidget(tabs_);
  split_->addWidget(detail_);
  split_->setStretchFactor(0, 5);
  split_->setStretchFactor(1, 4);
  split_->setChildrenCollapsible(false);
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(split_);

  // The selection hub: every list reports what it selected; the detail view shows it.
  connect(browser_, &viewers::RolloutBrowser::rolloutActivated, this, &RolloutsWorkspace::showRollout);
  connect(browser_, &viewers::RolloutBrowser::exampleActivated, this, &RolloutsWorkspace::followExample);
  connect(groups_, &viewers::RolloutGroupsView::rolloutActivated, this, &RolloutsWorkspace::showRollout);
  connect(history_, &viewers::RolloutGroupsView::rolloutActivated, this, &RolloutsWorkspace::showRollout);
  connect(annotations_, &AnnotationQueue::exampleSelected, detail_, &viewers::RolloutDetailView::showLatestOf);

  refresh_.setInterval(3000);
  connect(&refresh_, &QTimer::timeout, this, &RolloutsWorkspace::refresh);
}

RolloutsWorkspace::~RolloutsWorkspace() = default;

void RolloutsWorkspace::setRunDir(const QString& runDir, bool remote) {
  runDir_ = runDir;
  const QString store =
      runDir.isEmpty() ? QString() : QString::fromStdString(store::RunStore::fileIn(runDir.toStdString()));
  browser_->setStorePath(store);
  groups_->setStorePath(store);
  history_->setStorePath(store);
  annotations_->setStorePath(store, remote);
  detail_->setStorePath(store);
  if (store.isEmpty()) refresh_.stop();
  else refresh_.start();
}

void RolloutsWorkspace::showRollout(qint64 rolloutId) { detail_->showRollout(rolloutId); }

void RolloutsWorkspace::followExample(const QString& exampleId) {
  history_->showExample(exampleId);
  tabs_->setCurrentWidget(history_);
}

void RolloutsWorkspace::refresh() {
  // Only the cheap count: rows are read when the view asks for them.
  browser_->refresh();
}

}  // namespace longrl::ui
