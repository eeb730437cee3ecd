#include "ui/launch/MemoryPlanLine.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QStringList>

#include "core/plan/MemoryPlan.h"

namespace longrl::ui {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

QString gib(double bytes) { return QString::number(bytes / kGiB, 'f', 1); }

// "weights 0.9, gradients 2.8, ...": GiB per part, the larger of the update and the rollouts.
QString parts(const plan::MemoryPlan& p) {
  const auto& b = p.bytes;
  QString text = MemoryPlanLine::tr("weights %1, gradients %2, optimizer %3")
                     .arg(gib(b.weights), gib(b.gradients), gib(b.optimizer));
  if (b.phase.update() >= b.phase.generation())
    return text + MemoryPlanLine::tr(", activations %1, logits %2").arg(gib(b.phase.activations), gib(b.phase.logits));
  return text + MemoryPlanLine::tr(", rollout KV cache %1").arg(gib(b.phase.generation()));
}

}  // namespace

MemoryPlanLine::MemoryPlanLine(QWidget* parent) : QWidget(parent) {
  line_ = new QLabel(this);
  line_->setObjectName(QStringLiteral("memoryPlan"));
  line_->setWordWrap(true);
  line_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  memoryLabel_ = new QLabel(tr("Device memory (GiB)"), this);
  memory_ = new QDoubleSpinBox(this);
  memory_->setObjectName(QStringLiteral("deviceMemoryGiB"));
  memory_->setRange(0, 1024 * 1024);
  memory_->setDecimals(1);
  memory_->setSpecialValueText(tr("unknown"));
  memory_->setToolTip(tr("Memory of one device (GPU) of the run, or of the machine a cpu run goes to"));
  memoryLabel_->setBuddy(memory_);
  connect(memory_, &QDoubleSpinBox::valueChanged, this, &MemoryPlanLine::replan);
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(line_, 1);
  row->addWidget(memoryLabel_);
  row->addWidget(memory_);
}

QString MemoryPlanLine::text() const { return line_->text(); }

void MemoryPlanLine::refresh(const config::RunConfig& run) {
  run_ = run;
  here_ = run.launch.target == config::LaunchTarget::Local && run.model.device.rfind("cpu", 0) == 0;
  memoryLabel_->setVisible(!here_);
  memory_->setVisible(!here_);
  replan();
}

void MemoryPlanLine::replan() {
  const config::RunConfig& run = run_;
  warns_ = false;
  line_->setStyleSheet(QString());
  if (run.model.path.empty()) {
    line_->setText(tr("Memory plan: choose a model directory."));
    return;
  }
  plan::PlanOptions options;
  options.nproc = run.launch.nproc;
  options.hostIsDevice = here_;
  if (!options.hostIsDevice && memory_->value() > 0) options.deviceMemoryBytes = memory_->value() * kGiB;
  plan::MemoryPlan p;
  try {
    p = plan::MemoryPlan::forRun(run, options);
  } catch (const std::exception& e) {
    line_->setText(tr("Memory plan unavailable: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  const QString ranks = p.ranksPerDevice > 1 ? tr(" (x %1 ranks on one machine)").arg(p.ranksPerDevice) : QString();
  const QString need = tr("~%1 GiB per rank%2").arg(gib(p.bytes.total()), ranks);
  if (!p.fits) {
    line_->setText(tr("%1, device memory unknown: %2.").arg(need, parts(p)));
    return;
  }
  const QString where = options.hostIsDevice ? tr("available on this machine") : tr("per device");
  if (*p.fits) {
    line_->setText(tr("%1 of %2 GiB %3: %4.").arg(need, gib(*p.deviceMemoryBytes), where, parts(p)));
    return;
  }
  warns_ = true;
  line_->setStyleSheet(QStringLiteral("color: #b35900;"));
  line_->setText(tr("This run does not fit: %1 but %2 GiB %3 (%4). %5; the estimate may be off, Start is "
                    "still yours.")
                     .arg(need, gib(*p.deviceMemoryBytes), where, parts(p), remedies(run, p)));
}

// Only what would lower this plan: checkpointing does not cover rows sharing a prompt, and more
// ranks on one machine share its memory.
QString MemoryPlanLine::remedies(const config::RunConfig& run, const plan::MemoryPlan& p) const {
  QStringList out{tr("Shorten the phases")};
  if (!p.settings.gradientCheckpointing && !p.shape.sharedPrompt) out << tr("turn on gradient checkpointing");
  if (run.distributed.shard == config::ShardMode::None) out << tr("shard the optimizer");
  if (p.ranksPerDevice == 1) out << tr("add ranks");
  return out.join(tr(", "));
}

}  // namespace longrl::ui
