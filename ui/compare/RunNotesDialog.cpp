#include "ui/compare/RunNotesDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace longrl::ui {

RunNotesDialog::RunNotesDialog(const QString& runName, const RunNotes& notes, QWidget* parent)
    : QDialog(parent), tags_(new QLineEdit(notes.tags.join(QStringLiteral(", ")), this)),
      note_(new QPlainTextEdit(notes.note, this)) {
  setWindowTitle(tr("Tags and note: %1").arg(runName));
  tags_->setPlaceholderText(tr("e.g. baseline, lr-sweep, diverged"));
  note_->setPlaceholderText(tr("What this run is for, what happened…"));
  auto* form = new QFormLayout;
  form->addRow(tr("Tags"), tags_);
  form->addRow(tr("Note"), note_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* l = new QVBoxLayout(this);
  l->addLayout(form);
  l->addWidget(buttons);
}

RunNotes RunNotesDialog::notes() const {
  RunNotes n;
  n.tags = RunNotes::parseTags(tags_->text());
  n.note = note_->toPlainText().trimmed();
  return n;
}

}  // namespace longrl::ui
