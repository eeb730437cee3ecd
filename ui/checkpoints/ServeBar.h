#pragma once
#include <QString>
#include <QWidget>

#include <optional>

#include "ui/launch/LaunchSpec.h"

class QLabel;
class QLineEdit;
class QPushButton;

namespace longrl::ui {

class LocalModelServer;

// A checkpoint served as an OpenAI-compatible endpoint: `longrl serve --model DIR --host 127.0.0.1
// --port 0` as a child process owned by this bar (LocalModelServer: port 0 lets the server take a
// free port and print it, so no other program can take it between choosing and listening). Shows
// the base URL with Copy and Stop; a server that fails to start shows its exit and stderr tail.
// The server stops with Stop, with stop(), or when the bar is destroyed. A checkpoint on an ssh
// host is served there and tunnelled here (LocalModelServer::setSsh); the URL is local all the same.
class ServeBar : public QWidget {
  Q_OBJECT
 public:
  explicit ServeBar(const QString& longrlProgram, QWidget* parent = nullptr);
  ~ServeBar() override;

  void setProgram(const QString& longrlProgram);
  // Serves `modelDir` (a server already running stops first); `title` names it, e.g. "step 20 of run-x".
  // With `ssh`, the directory is on that ssh run's host and is served there, through a tunnel.
  void serve(const QString& modelDir, const QString& title, const std::optional<LaunchSpec>& ssh = std::nullopt);
  void stop();

  bool isServing() const;      // starting or ready
  QString servedDir() const;   // while serving; "" otherwise
  QString baseUrl() const;     // http://127.0.0.1:PORT/v1 once ready
  QString statusText() const;  // plain text
  LocalModelServer* server() const { return server_; }

 Q_SIGNALS:
  void stateChanged();

 private:
  void showReady(const QString& baseUrl);
  void showFailure(const QString& message);
  void setStatus(const QString& text, bool error = false);

  LocalModelServer* server_;
  QLabel* status_;
  QLineEdit* url_;
  QPushButton* copy_;
  QPushButton* stop_;
  QString title_;
  QString statusText_;  // as plain text
};

}  // namespace longrl::ui
