#pragma once
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include "ui/checkpoints/EvalResult.h"

namespace longrl::ui {

// The evaluations of a run's checkpoints, one JSON file each in RUN_DIR/evals/ (EvalResult).
class EvalResults {
 public:
  static constexpr const char* kDirName = "evals";

  struct Loaded {
    QList<EvalResult> results;  // by step, then by time
    QStringList problems;       // "PATH: why" for each file skipped as damaged
  };

  // Writes `result` as RUN_DIR/evals/<result.fileName()> in one step (QSaveFile: a reader never
  // sees half a file); returns the error ("" when written) and sets *path to the file.
  static QString save(const QString& runDir, const EvalResult& result, QString* path = nullptr);
  static Loaded load(const QString& runDir);
  // Of each step, the evaluation made last.
  static QMap<qint64, EvalResult> latestByStep(const QList<EvalResult>& results);
};

}  // namespace longrl::ui
