#pragma once
#include <QObject>
#include <QProcess>
#include <QStringList>

#include <optional>

#include "core/eval/EvalReport.h"
#include "ui/eval/EvalRequest.h"
#include "ui/launch/LaunchSpec.h"

namespace longrl::ui {

// Runs `longrl eval --json` as a child process: progress from its stderr ("eval progress:
// greedy|sampled DONE/TOTAL"), then the report parsed from its stdout, or a failure with the
// exit status and the last lines it printed. With setSsh, it runs on that ssh run's host
// (`ssh HOST -- longrl eval ...`; requests are then `remote`).
class EvalProcess : public QObject {
  Q_OBJECT
 public:
  EvalProcess(QString program, QObject* parent = nullptr);
  ~EvalProcess() override;

  // Starts; false (with failed() emitted) when the request is incomplete or one is running.
  bool start(const EvalRequest& request);
  void stop();
  bool isRunning() const { return process_.state() != QProcess::NotRunning; }
  const eval::EvalReport& report() const { return report_; }
  QString program() const { return program_; }
  void setSsh(const std::optional<LaunchSpec>& spec) { ssh_ = spec; }

 Q_SIGNALS:
  // done / total over both passes: the greedy one counts an example once, the sampled one k times.
  void progress(const QString& pass, int done, int total);
  void finished();
  void failed(const QString& why);

 private:
  void readProgress();
  void onFinished(int exitCode, QProcess::ExitStatus status);

  QString program_;
  std::optional<LaunchSpec> ssh_;
  QProcess process_;
  int k_ = 1;
  QByteArray errBuffer_;
  QStringList errTail_;
  bool inUsage_ = false;  // the rest of stderr is the usage text
  eval::EvalReport report_;
};

}  // namespace longrl::ui
