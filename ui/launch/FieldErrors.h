#pragma once
#include <QMap>
#include <QString>
#include <QStringList>

#include <vector>

#include "core/config/ConfigError.h"

class QLabel;
class QWidget;

namespace longrl::ui {

// Shows config issues next to the fields they concern: each red label is registered for a key
// path ("grpo.lr") or a prefix ("phases" covers "phases[1].max_input_tokens"); an issue goes to
// the longest registered prefix of its path, the rest to the general label.
class FieldErrors {
 public:
  // A new, hidden, red, word-wrapped label registered for `path`.
  QLabel* add(const QString& path, QWidget* parent);
  void setGeneral(QLabel* label) { general_ = label; }
  void show(const std::vector<config::ConfigIssue>& issues);
  QLabel* label(const QString& path) const { return labels_.value(path, nullptr); }
  QString text(const QString& path) const;

  static QLabel* makeLabel(QWidget* parent);

 private:
  QMap<QString, QLabel*> labels_;
  QLabel* general_ = nullptr;
};

}  // namespace longrl::ui
