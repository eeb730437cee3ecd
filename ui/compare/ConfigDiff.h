#pragma once
#include <QJsonValue>
#include <QList>
#include <QString>

namespace longrl::ui {

// Two runs' resolved configs (RUN_DIR/config.json) side by side, one row per leaf key in dotted
// form (grpo.lr, phases[01].max_input_tokens); a key one side lacks shows as missing there.
class ConfigDiff {
 public:
  struct Row {
    QString key;
    QString a, b;  // the values as JSON text; empty when that side has no such key
    bool inA = false, inB = false;
    bool differs() const { return inA != inB || a != b; }
  };
  // Rows in key order.
  static QList<Row> compare(const QJsonValue& a, const QJsonValue& b);
  // Reads RUN_DIR/config.json; a missing or damaged file sets `error` naming it.
  static QJsonValue readConfig(const QString& runDir, QString* error);
};

}  // namespace longrl::ui
