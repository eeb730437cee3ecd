#pragma once
#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include "ui/checkpoints/CheckpointInfo.h"
#include "ui/checkpoints/EvalResult.h"
#include "ui/launch/LaunchSpec.h"

namespace longrl::ui {

// The checkpoints of a run on an ssh host: `longrl checkpoints RUN_DIR --json` run there over the
// run's own ssh (LaunchCommand::remoteLongrl), one listing at a time, parsed into what the
// Checkpoints tab shows. The directories are the host's paths; evaluations saved on the host come
// with them.
class RemoteCheckpoints : public QObject {
  Q_OBJECT
 public:
  struct Listing {
    QList<CheckpointInfo> checkpoints;  // by step
    QList<EvalResult> evals;            // path: "HOST:RUN_DIR/evals/FILE"
    QStringList problems;               // evaluation files the host could not read, and why
    QString storeError;                 // the host's run store could not be read for the phases
  };

  explicit RemoteCheckpoints(QObject* parent = nullptr);
  ~RemoteCheckpoints() override;

  // Starts listing (a listing already under way goes on; its result answers this call too).
  void list(const LaunchSpec& spec);
  bool isListing() const { return process_.state() != QProcess::NotRunning; }
  QString commandLine() const { return commandLine_; }

  // Parses the command's JSON; throws std::runtime_error naming the field that is wrong.
  static Listing parse(const QByteArray& json, const QString& where);

 Q_SIGNALS:
  void listed(const Listing& listing);
  void failed(const QString& why);

 private:
  void onFinished(int exitCode, QProcess::ExitStatus status);

  QProcess process_;
  QString where_;  // HOST:RUN_DIR
  QString commandLine_;
};

}  // namespace longrl::ui
