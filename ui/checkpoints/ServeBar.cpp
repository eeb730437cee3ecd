#include "ui/checkpoints/ServeBar.h"

#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include "ui/docqa/LocalModelServer.h"

namespace longrl::ui {

ServeBar::ServeBar(const QString& longrlProgram, QWidget* parent)
    : QWidget(parent), server_(new LocalModelServer(longrlProgram, this)) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("serveStatus"));
  status_->setWordWrap(true);
  status_->setTextFormat(Qt::RichText);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  url_ = new QLineEdit(this);
  url_->setObjectName(QStringLiteral("serveUrl"));
  url_->setReadOnly(true);
  url_->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("http://127.0.0.1:65535/v1")) / 2);
  copy_ = new QPushButton(tr("Copy URL"), this);
  copy_->setObjectName(QStringLiteral("copyUrl"));
  stop_ = new QPushButton(tr("Stop serving"), this);
  stop_->setObjectName(QStringLiteral("stopServe"));
  layout->addWidget(status_, 1);
  layout->addWidget(url_, 1);
  layout->addWidget(copy_);
  layout->addWidget(stop_);
  url_->hide();
  copy_->hide();
  stop_->hide();
  hide();

  connect(copy_, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(url_->text()); });
  connect(stop_, &QPushButton::clicked, this, &ServeBar::stop);
  connect(server_, &LocalModelServer::ready, this, [this](const QString& url) { showReady(url); });
  connect(server_, &LocalModelServer::failed, this, &ServeBar::showFailure);
}

ServeBar::~ServeBar() { server_->stop(); }

void ServeBar::setProgram(const QString& longrlProgram) { server_->setProgram(longrlProgram); }

void ServeBar::serve(const QString& modelDir, const QString& title, const std::optional<LaunchSpec>& ssh) {
  const QString dir = ssh ? modelDir : QFileInfo(modelDir).absoluteFilePath();
  if (isServing() && dir == server_->modelDir() && ssh.has_value() == server_->isRemote()) return;
  server_->setSsh(ssh);  // stops what it serves
  title_ = ssh ? tr("%1 on %2").arg(title, ssh->location()) : title;
  url_->clear();
  url_->hide();
  copy_->hide();
  stop_->show();
  show();
  setStatus(tr("Starting `longrl serve` for %1…").arg(title_));
  server_->start(modelDir);  // a directory that is gone fails at once (showFailure)
  Q_EMIT stateChanged();
}

void ServeBar::stop() {
  if (!isServing()) return;
  server_->stop();
  url_->hide();
  copy_->hide();
  stop_->hide();
  setStatus(tr("Stopped serving %1.").arg(title_));
  Q_EMIT stateChanged();
}

bool ServeBar::isServing() const {
  return server_->state() == LocalModelServer::State::Starting || server_->state() == LocalModelServer::State::Ready;
}

QString ServeBar::servedDir() const { return isServing() ? server_->modelDir() : QString(); }

QString ServeBar::baseUrl() const { return server_->baseUrl(); }

QString ServeBar::statusText() const { return statusText_; }

void ServeBar::showReady(const QString& baseUrl) {
  setStatus(server_->isRemote() ? tr("Serving %1 (OpenAI-compatible) through an ssh tunnel at").arg(title_)
                                : tr("Serving %1 (OpenAI-compatible) at").arg(title_));
  url_->setText(baseUrl);
  url_->show();
  copy_->show();
  Q_EMIT stateChanged();
}

void ServeBar::showFailure(const QString& message) {
  url_->hide();
  copy_->hide();
  stop_->hide();
  show();
  setStatus(message, true);
  Q_EMIT stateChanged();
}

void ServeBar::setStatus(const QString& text, bool error) {
  if (error)
    status_->setText(QStringLiteral("<span style='color:#b00'>%1</span>")
                         .arg(text.toHtmlEscaped().replace('\n', QStringLiteral("<br>"))));
  else status_->setText(text.toHtmlEscaped());
  statusText_ = text;
}

}  // namespace longrl::ui
