#pragma once
#include <QAbstractTableModel>

#include <vector>

#include "core/config/RunConfig.h"

namespace longrl::ui {

// The curriculum phases of a run config as an editable table (name, max input tokens, max output
// tokens, steps, mode: "full" context or the "memory" agent). Values are not range-checked here: RunConfig::validate()
// reports them, so the dialog and the CLI say the same thing.
class PhasesModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, MaxInputTokens, MaxOutputTokens, Steps, Mode, ColumnCount };

  explicit PhasesModel(QObject* parent = nullptr);

  void setPhases(std::vector<config::PhaseConfig> phases);
  const std::vector<config::PhaseConfig>& phases() const { return phases_; }
  // Appends a phase after the last one (twice its input length, same output length).
  void appendPhase();
  void removePhase(int row);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 Q_SIGNALS:
  void phasesEdited();  // any change: rows added/removed or a cell edited

 private:
  std::vector<config::PhaseConfig> phases_;
};

}  // namespace longrl::ui
