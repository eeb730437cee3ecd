#include "ui/docqa/ExampleSaveBar.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>

#include <exception>
#include <utility>

#include "core/dataset/DatasetRecord.h"
#include "core/dataset/DatasetWriter.h"

namespace longrl::ui {

QStringList ExampleSaveBar::knownDataSources() {
  return {QStringLiteral("multihoprag"), QStringLiteral("musique"), QStringLiteral("docmath"),
          QStringLiteral("long_toc_choices")};
}

ExampleSaveBar::ExampleSaveBar(QWidget* parent)
    : QWidget(parent), dataSource_(new QComboBox(this)), groundTruth_(new QLineEdit(this)),
      datasetPath_(new QLineEdit(this)), save_(new QPushButton(tr("Save as example"), this)) {
  dataSource_->setEditable(true);
  dataSource_->addItems(knownDataSources());
  dataSource_->setToolTip(tr("data_source of the saved example: routes its reward (docqa sub-EM, docmath, choices)"));
  groundTruth_->setPlaceholderText(tr("ground truth (filled with the model's answer: correct it before saving)"));
  datasetPath_->setPlaceholderText(tr("dataset .jsonl to append to"));
  auto* browse = new QToolButton(this);
  browse->setText(tr("…"));
  browse->setToolTip(tr("Choose the dataset file (appended to, never overwritten)"));

  auto* l = new QHBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(new QLabel(tr("data_source"), this));
  l->addWidget(dataSource_);
  l->addWidget(new QLabel(tr("Ground truth"), this));
  l->addWidget(groundTruth_, 2);
  l->addWidget(datasetPath_, 1);
  l->addWidget(browse);
  l->addWidget(save_);

  connect(browse, &QToolButton::clicked, this, &ExampleSaveBar::chooseDatasetPath);
  connect(save_, &QPushButton::clicked, this, &ExampleSaveBar::saveRequested);
  for (QLineEdit* e : {groundTruth_, datasetPath_})
    connect(e, &QLineEdit::textChanged, this, &ExampleSaveBar::fieldsChanged);
  connect(dataSource_, &QComboBox::currentTextChanged, this, &ExampleSaveBar::fieldsChanged);
}

ExampleSaveBar::~ExampleSaveBar() = default;

bool ExampleSaveBar::fieldsFilled() const {
  return !groundTruth_->text().trimmed().isEmpty() && !datasetPath().isEmpty() && !dataSource().isEmpty();
}

void ExampleSaveBar::setSaveEnabled(bool enabled) { save_->setEnabled(enabled); }

QString ExampleSaveBar::dataSource() const { return dataSource_->currentText().trimmed(); }
QString ExampleSaveBar::datasetPath() const { return datasetPath_->text().trimmed(); }

QString ExampleSaveBar::append(dataset::DatasetRecord record) {
  const QString gt = groundTruth_->text().trimmed();
  if (gt.isEmpty()) return tr("the ground truth is empty.");
  const QString source = dataSource();
  if (source.isEmpty()) return tr("choose a data_source.");
  const QString path = datasetPath();
  if (path.isEmpty()) return tr("choose the dataset file to append to.");
  record.dataSource = source.toStdString();
  record.groundTruth = {gt.toStdString()};
  try {
    if (!writer_ || writerPath_ != path || !QFileInfo::exists(path)) {
      writer_.reset();
      if (!QFileInfo(path).absoluteDir().exists()) return tr("the folder of %1 does not exist.").arg(path);
      writer_ = std::make_unique<dataset::DatasetWriter>(path.toStdString());
      writerPath_ = path;
    }
    writer_->append(record);
  } catch (const std::exception& e) {
    writer_.reset();
    return QString::fromUtf8(e.what());
  }
  return {};
}

void ExampleSaveBar::loadSettings(QSettings& s) {
  datasetPath_->setText(s.value(QStringLiteral("datasetPath")).toString());
  const QString source = s.value(QStringLiteral("dataSource")).toString();
  if (!source.isEmpty()) dataSource_->setCurrentText(source);
}

void ExampleSaveBar::saveSettings(QSettings& s) const {
  s.setValue(QStringLiteral("datasetPath"), datasetPath_->text());
  s.setValue(QStringLiteral("dataSource"), dataSource_->currentText());
}

void ExampleSaveBar::chooseDatasetPath() {
  // Not getSaveFileName's overwrite question: the file is appended to, never replaced.
  const QString path = QFileDialog::getSaveFileName(this, tr("Dataset to append to"), datasetPath_->text(),
                                                    tr("JSON lines (*.jsonl);;All files (*)"), nullptr,
                                                    QFileDialog::DontConfirmOverwrite);
  if (!path.isEmpty()) datasetPath_->setText(path);
}

}  // namespace longrl::ui
