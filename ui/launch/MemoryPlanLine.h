#pragma once
#include <QString>
#include <QWidget>

#include "core/config/RunConfig.h"
#include "core/plan/MemoryPlan.h"

class QDoubleSpinBox;
class QLabel;

namespace longrl::ui {

// One line under the run launcher's form: the memory one rank of the edited run needs
// (plan::MemoryPlan, from the model directory's config.json) and what is available, e.g.
// "~21.3 GiB per rank of 62.0 GiB available: weights 0.9, gradients 2.8, optimizer 5.5, ...".
// When it does not fit the line turns to a warning colour and says so; Start stays enabled (the
// estimate can be wrong: the user decides). A cpu run launched here is planned against this
// machine's available memory; any other against the "Device memory (GiB)" box (0: unknown).
class MemoryPlanLine : public QWidget {
  Q_OBJECT
 public:
  explicit MemoryPlanLine(QWidget* parent = nullptr);

  // Plans `run` again (model path, phases, nproc, dtype, device, shard may have changed).
  void refresh(const config::RunConfig& run);
  QString text() const;
  bool warns() const { return warns_; }

 private:
  void replan();
  QString remedies(const config::RunConfig& run, const plan::MemoryPlan& p) const;

  QLabel* line_;
  QLabel* memoryLabel_;
  QDoubleSpinBox* memory_;
  config::RunConfig run_;
  bool here_ = true;  // a cpu run on this machine: planned against its available memory
  bool warns_ = false;
};

}  // namespace longrl::ui
