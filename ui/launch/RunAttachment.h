#pragma once
#include <QObject>
#include <QProcess>
#include <QString>

#include "ui/launch/LaunchSpec.h"

class QThread;

namespace longrl::ui {

class MirrorWriter;

// Follows a run this studio did not start into a local mirror: `ssh HOST -- exec longrl follow
// RUN_DIR` (the run's store so far, then each new record) through a MirrorWriter, so it charts and
// browses like a launched run. Detaching closes the ssh connection; the remote follower notices
// and exits, and the run itself goes on. The mirror keeps what arrived; attaching again re-sends
// the store, which the mirror's upserts take without duplicates.
class RunAttachment : public QObject {
  Q_OBJECT
 public:
  explicit RunAttachment(LaunchSpec spec, QObject* parent = nullptr);
  ~RunAttachment() override;

  const LaunchSpec& spec() const { return spec_; }
  // Attaching or attached (the mirror opens first, then ssh starts).
  bool isAttached() const { return active_; }

 public Q_SLOTS:
  void attach();
  void detach();

 Q_SIGNALS:
  void message(const QString& text, bool error);
  // The follower ended: the run ended (`ok`), or the link or the remote command failed (`why`).
  void ended(bool ok, const QString& why);

 private:
  void startProcess();
  void onFinished(int exitCode, QProcess::ExitStatus status);
  void stopMirror();

  LaunchSpec spec_;
  QProcess* process_ = nullptr;
  QThread* mirrorThread_ = nullptr;
  MirrorWriter* mirror_ = nullptr;
  QString lastErrorLine_;
  bool detaching_ = false;
  bool active_ = false;
};

}  // namespace longrl::ui
