#include "ui/launch/PrecisionMemoryGroup.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>

namespace longrl::ui {

PrecisionMemoryGroup::PrecisionMemoryGroup(QWidget* parent) : QGroupBox(tr("Precision and memory"), parent) {
  auto* form = new QFormLayout(this);
  dtype_ = new QComboBox(this);
  dtype_->setObjectName(QStringLiteral("model.dtype"));
  dtype_->addItem(tr("bfloat16"), QStringLiteral("bfloat16"));
  dtype_->addItem(tr("float16"), QStringLiteral("float16"));
  dtype_->addItem(tr("float32"), QStringLiteral("float32"));
  dtype_->setToolTip(
      tr("The dtype the model computes in; training keeps fp32 master weights and AdamW "
         "moments below float32 (model.dtype)"));
  shard_ = new QComboBox(this);
  shard_->setObjectName(QStringLiteral("distributed.shard"));
  shard_->addItem(tr("whole on each rank"), static_cast<int>(config::ShardMode::None));
  shard_->addItem(tr("sharded over ranks"), static_cast<int>(config::ShardMode::Optimizer));
  shard_->addItem(tr("sharded, layers too"), static_cast<int>(config::ShardMode::Full));
  shard_->setToolTip(
      tr("Where the fp32 master weights and AdamW moments live (distributed.shard: "
         "\"none\", \"optimizer\" (ZeRO-1/2): each rank holds 1/N of them, or \"full\" (FSDP): "
         "the decoder layers' weights too, gathered around each use; needs gradient checkpointing)"));
  checkpointing_ = new QCheckBox(tr("recompute"), this);  // short: the right column is narrow
  checkpointing_->setObjectName(QStringLiteral("model.gradient_checkpointing"));
  checkpointing_->setToolTip(
      tr("Gradient checkpointing: each decoder layer's activations are recomputed "
         "in backward instead of kept (less memory, about a third more compute)"));
  form->addRow(tr("Compute dtype"), dtype_);
  form->addRow(tr("Optimizer state"), shard_);
  form->addRow(tr("Gradient checkpointing"), checkpointing_);
  for (QComboBox* c : {dtype_, shard_}) {
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);  // fits a small screen
    c->setMinimumContentsLength(12);
    connect(c, &QComboBox::currentIndexChanged, this, &PrecisionMemoryGroup::edited);
  }
  connect(shard_, &QComboBox::currentIndexChanged, this, &PrecisionMemoryGroup::requireCheckpointing);
  connect(checkpointing_, &QCheckBox::toggled, this, &PrecisionMemoryGroup::edited);
}

// "full" gathers a layer around CheckpointedLayer's recomputation: the run needs checkpointing.
void PrecisionMemoryGroup::requireCheckpointing() {
  const bool full = shard_->currentData().toInt() == static_cast<int>(config::ShardMode::Full);
  if (full) checkpointing_->setChecked(true);
  checkpointing_->setEnabled(!full);
}

void PrecisionMemoryGroup::setFrom(const config::RunConfig& run) {
  const QSignalBlocker a(dtype_), b(shard_), c(checkpointing_);
  const int d = dtype_->findData(QString::fromStdString(run.model.dtype));
  if (d < 0) dtype_->addItem(QString::fromStdString(run.model.dtype), QString::fromStdString(run.model.dtype));
  dtype_->setCurrentIndex(d >= 0 ? d : dtype_->count() - 1);  // an unknown one is shown, and refused by the check
  shard_->setCurrentIndex(shard_->findData(static_cast<int>(run.distributed.shard)));
  checkpointing_->setChecked(run.model.gradientCheckpointing);
  checkpointing_->setEnabled(run.distributed.shard != config::ShardMode::Full);
}

void PrecisionMemoryGroup::applyTo(config::RunConfig& run) const {
  run.model.dtype = dtype_->currentData().toString().toStdString();
  run.distributed.shard = static_cast<config::ShardMode>(shard_->currentData().toInt());
  run.model.gradientCheckpointing = checkpointing_->isChecked();
}

}  // namespace longrl::ui
