#pragma once
#include <QGroupBox>

#include "core/config/RunConfig.h"

class QCheckBox;
class QComboBox;

namespace longrl::ui {

// The run launcher's "Precision and memory" box: the compute dtype, whether the optimizer state (and
// with "full" the decoder layers' weights) is sharded across the ranks, and gradient checkpointing: the settings the
// memory plan line's remedies name, so that a run that does not fit can be made to fit from the form.
class PrecisionMemoryGroup : public QGroupBox {
  Q_OBJECT
 public:
  explicit PrecisionMemoryGroup(QWidget* parent = nullptr);

  void setFrom(const config::RunConfig& run);
  void applyTo(config::RunConfig& run) const;

 Q_SIGNALS:
  void edited();

 private:
  void requireCheckpointing();
  QComboBox* dtype_;
  QComboBox* shard_;
  QCheckBox* checkpointing_;
};

}  // namespace longrl::ui
