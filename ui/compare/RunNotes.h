#pragma once
#include <QString>
#include <QStringList>

namespace longrl::ui {

// A person's tags and note on a run, kept beside it (RUN_DIR/studio-notes.json; for a remote run,
// beside its local mirror): what the run was for, what went wrong, which one to compare with.
struct RunNotes {
  static constexpr const char* kFileName = "studio-notes.json";

  QStringList tags;
  QString note;

  bool isEmpty() const { return tags.isEmpty() && note.isEmpty(); }
  // Tags from free text: separated by commas or spaces, '#' dropped, duplicates and empties removed.
  static QStringList parseTags(const QString& text);
  // Empty notes when there is no file; a file that cannot be read or parsed sets `error`.
  static RunNotes load(const QString& runDir, QString* error = nullptr);
  // Returns the error ("" when saved).
  QString save(const QString& runDir) const;
};

}  // namespace longrl::ui
