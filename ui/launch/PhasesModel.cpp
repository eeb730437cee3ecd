#include "ui/launch/PhasesModel.h"

namespace longrl::ui {

PhasesModel::PhasesModel(QObject* parent) : QAbstractTableModel(parent) {}

void PhasesModel::setPhases(std::vector<config::PhaseConfig> phases) {
  beginResetModel();
  phases_ = std::move(phases);
  endResetModel();
  Q_EMIT phasesEdited();
}

void PhasesModel::appendPhase() {
  config::PhaseConfig p;
  if (!phases_.empty()) {
    p = phases_.back();
    p.maxInputTokens = phases_.back().maxInputTokens * 2;
  } else {
    p.maxInputTokens = 20000;
  }
  p.name = "phase" + std::to_string(phases_.size() + 1);
  const int row = static_cast<int>(phases_.size());
  beginInsertRows(QModelIndex(), row, row);
  phases_.push_back(p);
  endInsertRows();
  Q_EMIT phasesEdited();
}

void PhasesModel::removePhase(int row) {
  if (row < 0 || row >= rowCount()) return;
  beginRemoveRows(QModelIndex(), row, row);
  phases_.erase(phases_.begin() + row);
  endRemoveRows();
  Q_EMIT phasesEdited();
}

int PhasesModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(phases_.size());
}

int PhasesModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant PhasesModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  if (role != Qt::DisplayRole && role != Qt::EditRole) {
    if (role == Qt::TextAlignmentRole && index.column() != Name && index.column() != Mode)
      return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
  }
  const config::PhaseConfig& p = phases_[static_cast<size_t>(index.row())];
  switch (index.column()) {
    case Name:
      return QString::fromStdString(p.name);
    case MaxInputTokens:
      return static_cast<qlonglong>(p.maxInputTokens);
    case MaxOutputTokens:
      return static_cast<qlonglong>(p.maxOutputTokens);
    case Steps:
      return static_cast<qlonglong>(p.steps);
    case Mode:
      return QString::fromStdString(config::enumName(p.mode));
    default:
      return {};
  }
}

bool PhasesModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return false;
  config::PhaseConfig& p = phases_[static_cast<size_t>(index.row())];
  if (index.column() == Name) {
    p.name = value.toString().trimmed().toStdString();
  } else if (index.column() == Mode) {
    const std::string text = value.toString().trimmed().toLower().toStdString();
    bool known = false;
    for (const auto& [mode, name] : config::enumTable(config::PhaseMode{}))
      if (text == name) {
        p.mode = mode;
        known = true;
      }
    if (!known) return false;  // only the spellings the config file takes
  } else {
    bool ok = false;
    const qlonglong v = value.toString().trimmed().toLongLong(&ok);
    if (!ok) return false;
    if (index.column() == MaxInputTokens) p.maxInputTokens = v;
    else if (index.column() == MaxOutputTokens) p.maxOutputTokens = v;
    else if (index.column() == Steps) p.steps = v;
    else return false;
  }
  Q_EMIT dataChanged(index, index, {Qt::DisplayRole, Qt::EditRole});
  Q_EMIT phasesEdited();
  return true;
}

Qt::ItemFlags PhasesModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable;
}

QVariant PhasesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Vertical) return section + 1;
  switch (section) {
    case Name:
      return tr("Phase");
    case MaxInputTokens:
      return tr("Max input tokens");
    case MaxOutputTokens:
      return tr("Max output tokens");
    case Steps:
      return tr("Steps (0: epochs)");
    case Mode:
      return tr("Mode (full / memory)");
    default:
      return {};
  }
}

}  // namespace longrl::ui
