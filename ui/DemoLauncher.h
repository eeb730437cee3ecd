#pragma once
#include <QObject>
#include <QProcess>
#include <QString>

namespace longrl::ui {

// The built-in demo of longrl-studio: runs `longrl demo --run-dir DIR` as a child process (training
// never runs inside the GUI). The command itself creates the demo run when DIR has none, resumes an
// interrupted one, and returns at once when the run is finished, so starting it is always safe.
class DemoLauncher : public QObject {
  Q_OBJECT
 public:
  DemoLauncher(QString longrlProgram, QString runDir, QObject* parent = nullptr);
  ~DemoLauncher() override;

  void start(int minutes = 0);
  bool isRunning() const { return process_.state() != QProcess::NotRunning; }
  QString runDir() const { return runDir_; }
  // Where the demo run lives unless the user says otherwise: <app data>/demo-run.
  static QString defaultRunDir();

 Q_SIGNALS:
  void message(const QString& text, bool error);
  void finished(bool ok);

 private:
  QString program_, runDir_;
  QProcess process_;
  QByteArray partialLine_;
};

}  // namespace longrl::ui
