#pragma once
#include <QList>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QScrollArea;
class QSpinBox;

namespace longrl::viewers {

class ChartCard;
class RunSession;

// The dashboard: a grid of metric charts, each overlaying every open run, with shared controls
// for the x axis (step, wall time, or step in phase k: runs aligned at a phase's start) and smoothing. Two charts a row
// where they fit side by side, one where the panel is narrower (a laptop or a HiDPI screen): no sideways scrolling.
class ChartsPanel : public QWidget {
  Q_OBJECT
 public:
  // The QwenLong-L1 metrics a researcher watches first (verl names).
  static QStringList defaultMetrics();
  // The charts to show given the list a user saved and the defaults as they were when it was saved:
  // the saved list (the user's order and removals kept) plus defaults added since then, so a new
  // default chart reaches existing users too, less defaults dropped since then (a chart the user
  // kept only because it was a default, e.g. actor/kl_loss, which the recipe does not log). No
  // saved list: the defaults.
  static QStringList restoredMetrics(const QStringList& saved, const QStringList& defaultsWhenSaved,
                                     const QStringList& defaults = defaultMetrics());

  explicit ChartsPanel(QWidget* parent = nullptr);

  void addRun(RunSession* run);
  void removeRun(RunSession* run);

  void addChart(const QString& metric);
  void removeChart(const QString& metric);
  QStringList chartMetrics() const;
  void setChartMetrics(const QStringList& metrics);
  ChartCard* card(const QString& metric) const;
  // Adds the metric's chart if missing and scrolls it into view.
  ChartCard* showChart(const QString& metric);
  // Every metric any open run logs.
  QStringList availableMetrics() const;

  // The shared view controls, for settings: x axis "step" | "wall" | "phase", smoothing "none" |
  // "ema" | "window" and its value, and the phase the "phase" axis aligns the runs at (1-based; 0:
  // each run's current phase). Unknown or missing entries (alignPhase < 0) keep the current choice.
  struct ViewSettings {
    QString xAxis;
    QString smoothing;
    double smoothingValue = 0.0;
    int alignPhase = -1;
  };
  ViewSettings viewSettings() const;
  void setViewSettings(const ViewSettings& settings);
  int columns() const { return columns_; }
  QScrollArea* scrollArea() const { return scroll_; }

 public Q_SLOTS:
  void pickCharts();

 Q_SIGNALS:
  void message(const QString& text);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void applyViewSettings(ChartCard* card);
  void relayout();
  int columnsFor(int width) const;

  QList<RunSession*> runs_;
  QList<ChartCard*> cards_;
  QGridLayout* grid_;
  QScrollArea* scroll_;
  int columns_ = 2;
  QComboBox* xAxis_;
  QSpinBox* alignPhase_;
  QComboBox* smoothing_;
  QDoubleSpinBox* smoothingValue_;
};

}  // namespace longrl::viewers
