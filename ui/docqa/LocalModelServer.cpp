#include "ui/docqa/LocalModelServer.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace longrl::ui {
namespace {
constexpr int kTailLines = 12;
}

LocalModelServer::LocalModelServer(QString longrlProgram, QObject* parent)
    : QObject(parent), program_(std::move(longrlProgram)) {}

LocalModelServer::~LocalModelServer() { stop(); }

void LocalModelServer::start(const QString& modelDir) {
  const QString dir = QFileInfo(modelDir).absoluteFilePath();
  if (process_ && dir == modelDir_ && (state_ == State::Starting || state_ == State::Ready)) return;
  stop();
  modelDir_ = dir;
  baseUrl_.clear();
  modelName_.clear();
  failure_.clear();
  partialOut_.clear();
  partialErr_.clear();
  tail_.clear();
  if (!QFileInfo(dir).isDir()) {
    fail(tr("model directory %1 does not exist").arg(dir));
    return;
  }
  state_ = State::Starting;
  process_ = new QProcess(this);
  connect(process_, &QProcess::readyReadStandardOutput, this, &LocalModelServer::onStdout);
  connect(process_, &QProcess::readyReadStandardError, this, &LocalModelServer::onStderr);
  connect(process_, &QProcess::finished, this, &LocalModelServer::onFinished);
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) fail(tr("cannot start %1: %2").arg(program_, process_->errorString()));
  });
  process_->start(program_, {QStringLiteral("serve"), QStringLiteral("--model"), dir, QStringLiteral("--host"),
                             QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QStringLiteral("0")});
}

void LocalModelServer::stop() {
  if (!process_) {
    if (state_ != State::Failed) state_ = State::Stopped;
    return;
  }
  QProcess* p = process_;
  process_ = nullptr;
  p->disconnect(this);
  if (p->state() != QProcess::NotRunning) {
    p->terminate();  // SIGTERM: the server stops its generation and exits
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
    if (m.hasMatch() && state_ == State::Starting) {
      modelName_ = m.captured(1);
      baseUrl_ = m.captured(2);
      state_ = State::Ready;
      Q_EMIT ready(baseUrl_, modelName_);
    }
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
  fail(tr("`longrl serve --model %1` %2%3")
           .arg(modelDir_, how, tail.isEmpty() ? QString() : QStringLiteral(":\n") + tail));
}

void LocalModelServer::fail(const QString& message) {
  if (process_) {
    process_->disconnect(this);
    process_->deleteLater();
    process_ = nullptr;
  }
  state_ = State::Failed;
  failure_ = message;
  Q_EMIT failed(message);
}

}  // namespace longrl::ui
