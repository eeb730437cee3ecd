#pragma once
#include <QDialog>

#include "ui/compare/RunNotes.h"

class QLineEdit;
class QPlainTextEdit;

namespace longrl::ui {

// Edits a run's tags (comma or space separated) and note.
class RunNotesDialog : public QDialog {
  Q_OBJECT
 public:
  RunNotesDialog(const QString& runName, const RunNotes& notes, QWidget* parent = nullptr);
  RunNotes notes() const;
  QLineEdit* tagsEdit() const { return tags_; }
  QPlainTextEdit* noteEdit() const { return note_; }

 private:
  QLineEdit* tags_;
  QPlainTextEdit* note_;
};

}  // namespace longrl::ui
