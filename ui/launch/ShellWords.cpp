#include "ui/launch/ShellWords.h"

namespace longrl::ui {

QString ShellWords::quote(const QString& word) {
  if (word.isEmpty()) return QStringLiteral("''");
  bool safe = true;
  for (QChar c : word) {
    const char16_t u = c.unicode();
    const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
                    u == '-' || u == '.' || u == '/' || u == ':' || u == '=' || u == '@' || u == ',' || u == '+' ||
                    u == '%';
    if (!ok) {
      safe = false;
      break;
    }
  }
  if (safe) return word;
  QString out = QStringLiteral("'");
  for (QChar c : word) {
    if (c == '\'') out += QStringLiteral("'\\''");
    else out += c;
  }
  return out + '\'';
}

QString ShellWords::join(const QStringList& words) {
  QStringList quoted;
  quoted.reserve(words.size());
  for (const QString& w : words) quoted << quote(w);
  return quoted.join(' ');
}

bool ShellWords::split(const QString& line, QStringList& words, QString* error) {
  words.clear();
  QString current;
  bool inWord = false;
  enum { None, Single, Double } quote = None;
  int quoteStart = 0;
  for (int i = 0; i < line.size(); ++i) {
    const QChar c = line[i];
    if (quote == Single) {
      if (c == '\'') quote = None;
      else current += c;
      continue;
    }
    if (quote == Double) {
      if (c == '"') {
        quote = None;
      } else if (c == '\\' && i + 1 < line.size() && QStringLiteral("\"\\$`").contains(line[i + 1])) {
        current += line[++i];
      } else {
        current += c;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n') {
      if (inWord) words << current;
      current.clear();
      inWord = false;
    } else if (c == '\'' || c == '"') {
      quote = c == '\'' ? Single : Double;
      quoteStart = i;
      inWord = true;
    } else if (c == '\\') {
      if (i + 1 >= line.size()) {
        if (error) *error = QStringLiteral("trailing backslash at column %1").arg(i + 1);
        return false;
      }
      current += line[++i];
      inWord = true;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote != None) {
    if (error)
      *error = QStringLiteral("unbalanced %1 quote opened at column %2")
                   .arg(quote == Single ? QStringLiteral("single") : QStringLiteral("double"))
                   .arg(quoteStart + 1);
    return false;
  }
  if (inWord) words << current;
  return true;
}

}  // namespace longrl::ui
