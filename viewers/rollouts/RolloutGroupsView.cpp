#include "viewers/rollouts/RolloutGroupsView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "core/store/RunStoreReader.h"
#include "viewers/rollouts/RolloutTableModel.h"

namespace longrl::viewers {
namespace {
constexpr std::int64_t kMaxRows = 20000;  // a step of 128 x 16, or an example over many steps
}

RolloutGroupsView::RolloutGroupsView(RolloutGroupModel::Grouping grouping, QWidget* parent)
    : QWidget(parent), grouping_(grouping), status_(new QLabel(this)), view_(new QTreeView(this)),
      model_(new RolloutGroupModel(this)) {
  auto* bar = new QHBoxLayout;
  if (grouping == RolloutGroupModel::Grouping::ByPrompt) {
    stepBox_ = new QSpinBox(this);
    stepBox_->setRange(-1, 1 << 30);
    stepBox_->setSpecialValueText(tr("latest"));
    stepBox_->setValue(-1);
    stepBox_->setKeyboardTracking(false);
    bar->addWidget(new QLabel(tr("Step"), this));
    bar->addWidget(stepBox_);
    auto* latest = new QPushButton(tr("Latest"), this);
    bar->addWidget(latest);
    connect(stepBox_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) { showStep(v); });
    connect(latest, &QPushButton::clicked, this, [this] {
      stepBox_->setValue(-1);
      showStep(-1);
    });
  } else {
    exampleBox_ = new QComboBox(this);
    exampleBox_->setEditable(true);
    exampleBox_->setMinimumContentsLength(16);
    exampleBox_->setInsertPolicy(QComboBox::NoInsert);
    bar->addWidget(new QLabel(tr("Example"), this));
    bar->addWidget(exampleBox_, 1);
    connect(exampleBox_, &QComboBox::textActivated, this, &RolloutGroupsView::showExample);
  }
  status_->setWordWrap(true);
  bar->addWidget(status_, 1);
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->addLayout(bar);
  l->addWidget(view_, 1);
  view_->setModel(model_);
  view_->setUniformRowHeights(true);
  view_->setAlternatingRowColors(true);
  view_->header()->setStretchLastSection(true);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  // Fixed widths from the font: measuring every row of a big step would cost more than it helps.
  const int digit = view_->fontMetrics().horizontalAdvance(QLatin1Char('0'));
  const int widths[] = {30, 11, 8, 6, 16, 7, 22};
  for (int c = 0; c < RolloutGroupModel::Answer; ++c) view_->setColumnWidth(c, widths[c] * digit + 16);
  connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& cur) {
    if (const auto* r = model_->record(cur)) Q_EMIT rolloutActivated(r->id);
  });
  connect(&watcher_, &QFutureWatcher<Result>::finished, this, &RolloutGroupsView::onLoaded);
}

RolloutGroupsView::~RolloutGroupsView() { watcher_.waitForFinished(); }

void RolloutGroupsView::setStorePath(const QString& storePath) {
  path_ = storePath;
  examplesListed_ = false;
  load();
}

void RolloutGroupsView::showStep(qint64 step) {
  step_ = step;
  if (stepBox_ && stepBox_->value() != int(step)) {
    const QSignalBlocker block(stepBox_);
    stepBox_->setValue(int(std::max<qint64>(-1, step)));
  }
  load();
}

void RolloutGroupsView::showExample(const QString& exampleId) {
  example_ = exampleId;
  if (exampleBox_ && exampleBox_->currentText() != exampleId) exampleBox_->setEditText(exampleId);
  load();
}

void RolloutGroupsView::load() {
  if (path_.isEmpty()) return;
  if (grouping_ == RolloutGroupModel::Grouping::ByStep && example_.isEmpty() && examplesListed_) return;
  status_->setText(tr("loading…"));
  const std::string path = path_.toStdString();
  const auto grouping = grouping_;
  const qint64 step = step_;
  const std::string example = example_.toStdString();
  const bool listExamples = !examplesListed_ && grouping == RolloutGroupModel::Grouping::ByStep;
  // setFuture replaces the watched future: a result of an older request is never delivered.
  watcher_.setFuture(QtConcurrent::run([=] {
    Result res;
    try {
      store::RunStoreReader reader(path);
      store::RolloutQuery q;
      q.with_text = false;
      q.limit = kMaxRows;
      if (listExamples)
        for (const auto& e : reader.examples()) res.examples.push_back(e.id);
      if (grouping == RolloutGroupModel::Grouping::ByPrompt) {
        store::RolloutQuery last;
        last.with_text = false;
        last.order_by = "step";
        last.descending = true;
        last.limit = 1;
        const auto top = reader.rollouts(last);
        res.lastStep = top.empty() ? -1 : top.front().step;
        res.step = step >= 0 ? step : res.lastStep;
        if (res.step < 0) return res;
        q.step = res.step;
      } else {
        if (example.empty()) return res;
        q.example_id = example;
        q.order_by = "step";
      }
      res.rows = reader.rollouts(q);
      std::vector<std::int64_t> ids;
      for (const auto& r : res.rows) ids.push_back(r.id);
      res.behaviors = reader.latestBehaviors(ids, "rule");
    } catch (const std::exception& e) {
      res.error = QString::fromStdString(e.what());
    }
    return res;
  }));
}

void RolloutGroupsView::onLoaded() {
  Result res = watcher_.result();
  if (!res.examples.empty() && exampleBox_) {
    examplesListed_ = true;
    const QString keep = exampleBox_->currentText();
    exampleBox_->clear();
    for (const auto& e : res.examples) exampleBox_->addItem(QString::fromStdString(e));
    exampleBox_->setEditText(keep);
  }
  if (!res.error.isEmpty()) {
    status_->setText(QStringLiteral("<span style='color:#c62828'>%1</span>").arg(res.error.toHtmlEscaped()));
    model_->clear();
    Q_EMIT loaded();
    return;
  }
  const std::size_t n = res.rows.size();
  model_->setRollouts(std::move(res.rows), grouping_, std::move(res.behaviors));
  if (grouping_ == RolloutGroupModel::Grouping::ByPrompt) {
    status_->setText(res.step < 0 ? tr("no rollouts yet")
                                  : tr("step %1 of %2 · %3 groups · %4 samples")
                                        .arg(res.step)
                                        .arg(res.lastStep)
                                        .arg(model_->groupCount())
                                        .arg(n));
  } else {
    status_->setText(example_.isEmpty() ? tr("pick an example")
                                        : tr("%1 steps · %2 samples").arg(model_->groupCount()).arg(n));
  }
  Q_EMIT loaded();
}

}  // namespace longrl::viewers
