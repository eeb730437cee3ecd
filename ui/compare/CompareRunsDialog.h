#pragma once
#include <QDialog>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QLabel;
class QTableView;

namespace longrl::ui {

class ConfigDiffModel;

// A run's config, or two runs' configs side by side with what differs (runs list: "Config…" on
// one run, "Compare configs…" on two). Runs are picked among the open ones.
class CompareRunsDialog : public QDialog {
  Q_OBJECT
 public:
  // `runDirs`/`names`: the open runs; `a` and `b` index them (b -1: one run's config alone).
  CompareRunsDialog(const QStringList& runDirs, const QStringList& names, int a, int b, QWidget* parent = nullptr);

  ConfigDiffModel* model() const { return model_; }
  QString summary() const;
  QCheckBox* onlyDifferences() const { return only_; }

 private:
  void reload();

  QStringList dirs_, names_;
  QComboBox *a_, *b_;
  QCheckBox* only_;
  QLabel* summary_;
  QTableView* view_;
  ConfigDiffModel* model_;
};

}  // namespace longrl::ui
