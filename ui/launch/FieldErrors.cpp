#include "ui/launch/FieldErrors.h"

#include <QLabel>

namespace longrl::ui {

QLabel* FieldErrors::makeLabel(QWidget* parent) {
  auto* l = new QLabel(parent);
  l->setStyleSheet(QStringLiteral("color: #c01c28;"));
  l->setWordWrap(true);
  l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  l->hide();
  return l;
}

QLabel* FieldErrors::add(const QString& path, QWidget* parent) {
  QLabel* l = makeLabel(parent);
  l->setObjectName(QStringLiteral("error:") + path);
  labels_.insert(path, l);
  return l;
}

QString FieldErrors::text(const QString& path) const {
  QLabel* l = labels_.value(path, nullptr);
  return l ? l->text() : QString();
}

void FieldErrors::show(const std::vector<config::ConfigIssue>& issues) {
  QMap<QLabel*, QStringList> texts;
  for (const config::ConfigIssue& issue : issues) {
    const QString path = QString::fromStdString(issue.path);
    QString best;
    for (auto it = labels_.cbegin(); it != labels_.cend(); ++it) {
      const QString& key = it.key();
      const bool covers = path == key || path.startsWith(key + '.') || path.startsWith(key + '[');
      if (covers && key.size() > best.size()) best = key;
    }
    QLabel* target = best.isEmpty() ? general_ : labels_.value(best);
    // Next to its own field the path is noise; elsewhere it says which field is meant.
    const QString text = (!best.isEmpty() && best == path) ? QString::fromStdString(issue.message)
                                                           : QString::fromStdString(issue.text());
    if (target) texts[target] << text;
  }
  QList<QLabel*> all = labels_.values();
  if (general_) all << general_;
  for (QLabel* l : all) {
    const QStringList t = texts.value(l);
    l->setText(t.join('\n'));
    l->setVisible(!t.isEmpty());
  }
}

}  // namespace longrl::ui
