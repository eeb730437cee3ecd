#pragma once
#include <QString>
#include <QStringList>

namespace longrl::ui {

// Words of a POSIX command line. quote() is used ONLY where a shell will parse the result (the
// remote side of ssh, which joins its arguments into one command line); local processes get
// argv lists and never see a shell.
class ShellWords {
 public:
  // One word, safe for a POSIX shell: left bare when it holds only safe characters, otherwise
  // wrapped in single quotes with each ' written as '\''.
  static QString quote(const QString& word);
  // quote() of each word, joined by spaces.
  static QString join(const QStringList& words);
  // Splits a user-written command line (a launch template) into words: blanks separate words,
  // '...' is literal, "..." is literal except \" \\ \$ \`, a backslash outside quotes escapes the
  // next character. No expansion of any kind happens. Returns false and sets `error` (with the
  // column) on an unbalanced quote or a trailing backslash.
  static bool split(const QString& line, QStringList& words, QString* error = nullptr);
};

}  // namespace longrl::ui
