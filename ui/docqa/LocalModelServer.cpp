#include "ui/docqa/LocalModelServer.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

#include "ui/launch/LaunchCommand.h"
#include "ui/launch/SshTunnel.h"

namespace longrl::ui {
namespace {
constexpr int kTailLines = 12;
}

LocalModelServer::LocalModelServer(QString longrlProgram, QObject* parent)
    : QObject(parent), program_(std::move(longrlProgram)) {}

LocalModelServer::~LocalModelServer() { stop(); }

void LocalModelServer::start(const QString& modelDir) {
  const QString dir = ssh_ ? modelDir : QFileInfo(modelDir).absoluteFilePath();
  if (process_ && dir == modelDir_ && (state_ == State::Starting || state_ == State::Ready)) return;
  stop();
  modelDir_ = dir;
  baseUrl_.clear();
  modelName_.clear();
  failure_.clear();
  partialOut_.clear();
  partialErr_.clear();
  tail_.clear();
  const QStringList serve{QStringLiteral("serve"),  QStringLiteral("--model"),   dir,
                          QStringLiteral("--host"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                          QStringLiteral("0")};
  if (ssh_) {
    const LaunchCommand c =
        LaunchCommand::remoteLongrl(*ssh_, serve + QStringList{QStringLiteral("--exit-on-stdin-eof")});
    if (!c.error.isEmpty()) return fail(c.error);
    startProcess(c.program, c.arguments);  // stdin stays open: its end is the server's end
    return;
  }
  if (!QFileInfo(dir).isDir()) return fail(tr("model directory %1 does not exist").arg(dir));
  startProcess(program_, serve);
}

void LocalModelServer::startProcess(const QString& program, const QStringList& arguments) {
  state_ = State::Starting;
  process_ = new QProcess(this);
  connect(process_, &QProcess::readyReadStandardOutput, this, &LocalModelServer::onStdout);
  connect(process_, &QProcess::readyReadStandardError, this, &LocalModelServer::onStderr);
  connect(process_, &QProcess::finished, this, &LocalModelServer::onFinished);
  connect(process_, &QProcess::errorOccurred, this, [this, program](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) fail(tr("cannot start %1: %2").arg(program, process_->errorString()));
  });
  process_->start(program, arguments);
}

void LocalModelServer::setSsh(const std::optional<LaunchSpec>& spec) {
  stop();
  ssh_ = spec;
  if (ssh_ && !tunnel_) {
    tunnel_ = new SshTunnel(this);
    connect(tunnel_, &SshTunnel::opened, this,
            [this](int port) { becomeReady(QStringLiteral("http://127.0.0.1:%1/v1").arg(port)); });
    connect(tunnel_, &SshTunnel::closed, this, [this](const QString& why) {
      if (state_ == State::Starting || state_ == State::Ready) fail(why);
    });
  }
}

void LocalModelServer::becomeReady(const QString& baseUrl) {
  baseUrl_ = baseUrl;
  state_ = State::Ready;
  Q_EMIT ready(baseUrl_, modelName_);
}

void LocalModelServer::stop() {
  if (tunnel_) tunnel_->stop();
  if (!process_) {
    if (state_ != State::Failed) state_ = State::Stopped;
    return;
  }
  QProcess* p = process_;
  process_ = nullptr;
  p->disconnect(this);
  if (p->state() != QProcess::NotRunning) {
    p->terminate();  // SIGTERM: the server stops its generation and exits (over ssh: stdin closes)
    if (!p->waitForFinished(3000)) {
      p->kill();
      p->waitForFinished(2000);
    }
  }
  delete p;
  state_ = State::Stopped;
}

void LocalModelServer::onStdout() {
  if (!process_) return;
  partialOut_ += process_->readAllStandardOutput();
  qsizetype nl;
  while ((nl = partialOut_.indexOf('\n')) >= 0) {
    const QString line = QString::fromUtf8(partialOut_.left(nl)).trimmed();
    partialOut_.remove(0, nl + 1);
    // ServeCommand prints: "serving NAME at http://HOST:PORT/v1"
    static const QRegularExpression re(QStringLiteral("^serving (.*) at (https?://\\S+)$"));
    const auto m = re.match(line);
    if (!m.hasMatch() || state_ != State::Starting) continue;
    modelName_ = m.captured(1);
    if (!ssh_) {
      becomeReady(m.captured(2));
      continue;
    }
    const int port = QUrl(m.captured(2)).port();
    if (port <= 0) return fail(tr("`longrl serve` on %1 named no port: %2").arg(ssh_->location(), line));
    tunnel_->start(*ssh_, port);
  }
}

void LocalModelServer::onStderr() {
  if (!process_) return;
  partialErr_ += process_->readAllStandardError();
  qsizetype nl;
  while ((nl = partialErr_.indexOf('\n')) >= 0) {
    tail_ << QString::fromUtf8(partialErr_.left(nl)).trimmed();
    partialErr_.remove(0, nl + 1);
    while (tail_.size() > kTailLines) tail_.removeFirst();
  }
}

QString LocalModelServer::outputTail() const {
  QStringList lines = tail_;
  if (!partialErr_.trimmed().isEmpty()) lines << QString::fromUtf8(partialErr_).trimmed();
  lines.removeAll(QString());
  return lines.join('\n');
}

void LocalModelServer::onFinished(int code, QProcess::ExitStatus status) {
  onStderr();
  const QString tail = outputTail();
  const QString how = status == QProcess::CrashExit ? tr("crashed") : tr("exited with code %1").arg(code);
  const QString where = ssh_ ? tr(" on %1").arg(ssh_->location()) : QString();
  fail(tr("`longrl serve --model %1`%2 %3%4")
           .arg(modelDir_, where, how, tail.isEmpty() ? QString() : QStringLiteral(":\n") + tail));
}

void LocalModelServer::fail(const QString& message) {
  if (tunnel_) tunnel_->stop();
  if (process_) {
    process_->disconnect(this);
    if (process_->state() != QProcess::NotRunning) {  // the tunnel failed, not the server
      process_->terminate();
      if (!process_->waitForFinished(3000)) process_->kill();
    }
    process_->deleteLater();
    process_ = nullptr;
  }
  state_ = State::Failed;
  failure_ = message;
  Q_EMIT failed(message);
}

}  // namespace longrl::ui
