#pragma once
#include <QHash>

#include <QAbstractTableModel>
#include <QList>
#include <QTimer>
#include "ui/compare/RunNotes.h"

#include <vector>

namespace longrl::viewers {
class RunSession;
struct RunAlert;
}  // namespace longrl::viewers

namespace longrl::ui {

// The runs list: every open run (local directory or mirrored remote run) with its state.
// Rows reference RunSessions owned elsewhere; a destroyed session removes its row. A run with
// alerts (RunAlerts) has a warning icon in its status cell and the alerts in its tooltip.
class RunsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Where, Status, Phase, Step, Reward, Points, ColumnCount };

  explicit RunsModel(QObject* parent = nullptr);

  void addRun(viewers::RunSession* run);
  void removeRun(viewers::RunSession* run);
  viewers::RunSession* runAt(int row) const;
  QList<viewers::RunSession*> runs() const { return runs_; }
  // Whether some open run is not on this machine (its "Where" says more than "local").
  bool anyRemote() const;
  // A person's tags (shown after the name) and note (in the tooltip) on a run.
  void setNotes(viewers::RunSession* run, const RunNotes& notes);
  RunNotes notes(viewers::RunSession* run) const { return notes_.value(run); }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // A run whose store says "running" but which has written nothing for this long is shown as
  // silent: its trainer may have died without recording it (killed, machine lost).
  static constexpr double kSilentAfterSeconds = 600;
  // The status text shown: `status`, or e.g. "running · silent 3 h" (times in seconds since the epoch).
  static QString statusText(const QString& status, double lastWrite, double now);
  // "⚠ 2 alerts:" and the latest few, one a line; empty without alerts.
  static QString alertsText(const std::vector<viewers::RunAlert>& alerts);
  static constexpr int kAlertsListed = 5;

 private:
  QList<viewers::RunSession*> runs_;
  QHash<viewers::RunSession*, RunNotes> notes_;
  QTimer* silenceTimer_;  // re-evaluates "silent" while nothing else changes
};

}  // namespace longrl::ui
