#pragma once
#include <QDateTime>
#include <QString>

#include <nlohmann/json.hpp>

#include "core/eval/EvalReport.h"

namespace longrl::ui {

// One finished `longrl eval` of a run's checkpoint, as the studio keeps it in
// RUN_DIR/evals/step-N[-label].json: what was evaluated (checkpoint, data file, k, judge, when) and
// the report `longrl eval --json` printed. The judge's API key is never part of it.
struct EvalResult {
  qint64 step = 0;
  QString checkpointDir;
  QString dataFile;
  int k = 1;
  int maxNewTokens = 0;
  int limit = 0;                 // 0: every example
  QString judgeUrl, judgeModel;  // empty: no judge
  QDateTime evaluatedAt;         // UTC
  eval::EvalReport report;
  QString path;  // the file it was read from (not stored in it)

  // The label in the file name: the data file's base name, reduced to [A-Za-z0-9._-].
  QString label() const;
  // step-N-label.json (step-N.json without a data file).
  QString fileName() const;

  nlohmann::json toJson() const;
  // Throws std::runtime_error naming the missing or mistyped field.
  static EvalResult fromJson(const nlohmann::json& json);
};

}  // namespace longrl::ui
