#pragma once
#include <QMainWindow>
#include <QStringList>

class QPlainTextEdit;
class QTableView;

namespace longrl::viewers {
class ChartsPanel;
class RunSession;
}  // namespace longrl::viewers

namespace longrl::ui {

class RunsModel;

// longrl-studio's main window: runs list (left dock), charts (centre), messages (bottom dock).
// Layout, charts and the open runs persist in QSettings.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a run directory (one holding run.sqlite, or that will once its trainer starts).
  viewers::RunSession* openRun(const QString& runDir, const QString& location = QStringLiteral("local"));
  void closeRun(viewers::RunSession* run);
  void restoreSettings();
  void saveSettings() const;

  RunsModel* runsModel() const { return runsModel_; }
  viewers::ChartsPanel* charts() const { return charts_; }

 public Q_SLOTS:
  void showMessage(const QString& text, bool error = false);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void chooseRunToOpen();
  void closeSelectedRun();

  RunsModel* runsModel_;
  QTableView* runsView_;
  viewers::ChartsPanel* charts_;
  QPlainTextEdit* messages_;
};

}  // namespace longrl::ui
