#pragma once
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

class QComboBox;
class QLineEdit;
class QPushButton;
class QSettings;

namespace longrl::dataset {
class DatasetWriter;
struct DatasetRecord;
}  // namespace longrl::dataset

namespace longrl::ui {

// Document QA's "Save as example" row: data_source, ground truth and the dataset file. append()
// completes a record with them and appends it to the file (DatasetWriter, plain JSONL form; the
// file is never overwritten), so a session becomes training data for the next phase.
class ExampleSaveBar : public QWidget {
  Q_OBJECT
 public:
  explicit ExampleSaveBar(QWidget* parent = nullptr);
  ~ExampleSaveBar() override;

  // The data sources the recipe routes rewards by (core/reward/RewardRouter).
  static QStringList knownDataSources();

  // Ground truth, data_source and file are all given (the panel adds its own conditions).
  bool fieldsFilled() const;
  void setSaveEnabled(bool enabled);
  // Sets data_source and ground truth on `record` and appends it. Returns "" when saved, else
  // why not (a field missing, the folder missing, the writer's error).
  QString append(dataset::DatasetRecord record);

  QString dataSource() const;
  QString datasetPath() const;
  void loadSettings(QSettings& settings);
  void saveSettings(QSettings& settings) const;

  QLineEdit* groundTruthEdit() const { return groundTruth_; }
  QComboBox* dataSourceCombo() const { return dataSource_; }
  QLineEdit* datasetPathEdit() const { return datasetPath_; }
  QPushButton* saveButton() const { return save_; }

 Q_SIGNALS:
  void saveRequested();
  void fieldsChanged();

 private:
  void chooseDatasetPath();

  QComboBox* dataSource_;
  QLineEdit* groundTruth_;
  QLineEdit* datasetPath_;
  QPushButton* save_;
  std::unique_ptr<dataset::DatasetWriter> writer_;  // opened once per file: it counts lines on opening
  QString writerPath_;
};

}  // namespace longrl::ui
