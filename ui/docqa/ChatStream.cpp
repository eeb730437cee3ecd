#include "ui/docqa/ChatStream.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace longrl::ui {
namespace {

constexpr qsizetype kMaxBodyBytes = 64 * 1024 * 1024;

QString snippet(const QByteArray& bytes, int max = 300) {
  QString s = QString::fromUtf8(bytes).simplified();
  if (s.size() > max) s = s.left(max) + QStringLiteral("…");
  return s.isEmpty() ? QStringLiteral("(empty body)") : s;
}

// The human part of an error body: OpenAI's {"error": {"message"}}, a bare {"error": "..."},
// FastAPI's {"detail"}, else the body itself.
QString messageOf(const QByteArray& body) {
  const QJsonDocument doc = QJsonDocument::fromJson(body);
  if (doc.isObject()) {
    const QJsonObject o = doc.object();
    const QJsonValue e = o.value(QLatin1String("error"));
    if (e.isObject() && e.toObject().value(QLatin1String("message")).isString())
      return e.toObject().value(QLatin1String("message")).toString();
    if (e.isString()) return e.toString();
    if (o.value(QLatin1String("detail")).isString()) return o.value(QLatin1String("detail")).toString();
    if (o.value(QLatin1String("message")).isString()) return o.value(QLatin1String("message")).toString();
  }
  return snippet(body);
}

bool isLoopback(const QUrl& url) {
  const QString host = url.host();
  if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) return true;
  const QHostAddress a(host);
  return !a.isNull() && a.isLoopback();
}

}  // namespace

ChatStream::ChatStream(QObject* parent) : QObject(parent), network_(new QNetworkAccessManager(this)) {}

ChatStream::~ChatStream() { detach(); }

QUrl ChatStream::completionsUrl(const QString& baseUrl) {
  QString s = baseUrl.trimmed();
  while (s.endsWith('/')) s.chop(1);
  if (!s.endsWith(QLatin1String("/chat/completions"))) s += QLatin1String("/chat/completions");
  QUrl url(s, QUrl::StrictMode);
  if (!url.isValid() || url.host().isEmpty() ||
      (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
    return {};
  return url;
}

void ChatStream::start(const Request& request) {
  detach();
  parser_ = SseParser();
  text_.clear();
  errorBody_.clear();
  finishReason_.clear();
  status_ = 0;
  streaming_ = done_ = inReasoning_ = false;
  reasoningMode_ = Reasoning::Unknown;
  content_.clear();
  url_ = completionsUrl(request.baseUrl);
  if (url_.isEmpty()) {
    Q_EMIT failed(
        tr("the base URL \"%1\" is not an http(s) URL such as http://127.0.0.1:8000/v1").arg(request.baseUrl));
    return;
  }
  QJsonObject message{{QStringLiteral("role"), QStringLiteral("user")},
                      {QStringLiteral("content"), QString::fromUtf8(request.userContent)}};
  QJsonObject body{{QStringLiteral("model"), request.model},
                   {QStringLiteral("messages"), QJsonArray{message}},
                   {QStringLiteral("stream"), true}};
  if (request.maxTokens > 0) body.insert(QStringLiteral("max_tokens"), request.maxTokens);

  QNetworkRequest req(url_);
  req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
  req.setRawHeader("Accept", "text/event-stream");
  if (!request.apiKey.isEmpty()) req.setRawHeader("Authorization", "Bearer " + request.apiKey.toUtf8());
  req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
  // A local server must not be sent through an http_proxy from the environment.
  network_->setProxy(isLoopback(url_) ? QNetworkProxy(QNetworkProxy::NoProxy)
                                      : QNetworkProxy(QNetworkProxy::DefaultProxy));
  reply_ = network_->post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
  connect(reply_, &QNetworkReply::readyRead, this, &ChatStream::onReadyRead);
  connect(reply_, &QNetworkReply::finished, this, &ChatStream::onFinished);
  Q_EMIT started();
}

void ChatStream::stop() {
  if (!reply_) return;
  detach();
  Q_EMIT stopped();
}

void ChatStream::detach() {
  QNetworkReply* r = reply_;
  reply_ = nullptr;
  if (!r) return;
  r->disconnect(this);
  if (r->isRunning()) r->abort();
  r->deleteLater();
}

void ChatStream::onReadyRead() {
  if (!reply_) return;
  if (status_ == 0) {
    status_ = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    streaming_ = reply_->header(QNetworkRequest::ContentTypeHeader)
                     .toString()
                     .contains(QLatin1String("text/event-stream"), Qt::CaseInsensitive);
  }
  const QByteArray bytes = reply_->readAll();
  if (status_ >= 400 || !streaming_) {
    // An error body, or a whole JSON answer: kept for onFinished (bounded).
    if (errorBody_.size() < kMaxBodyBytes) errorBody_.append(bytes.left(kMaxBodyBytes - errorBody_.size()));
    return;
  }
  const auto events = parser_.feed(bytes);
  for (const auto& e : events) {
    handleEvent(e);
    if (!reply_) return;  // the event ended the request
  }
  if (!parser_.error().isEmpty()) end(tr("malformed stream from %1: %2").arg(url_.toString(), parser_.error()));
}

void ChatStream::handleEvent(const SseParser::Event& event) {
  if (done_) return;
  const QByteArray data = event.data.trimmed();
  if (data == "[DONE]") {
    done_ = true;
    end({});
    return;
  }
  QJsonParseError err{};
  const QJsonDocument doc = QJsonDocument::fromJson(data, &err);
  if (err.error != QJsonParseError::NoError || !doc.isObject()) {
    end(tr("malformed stream from %1: an event is not a JSON object (%2): %3")
            .arg(url_.toString(), err.error != QJsonParseError::NoError ? err.errorString() : tr("not an object"),
                 snippet(data, 200)));
    return;
  }
  const QJsonObject o = doc.object();
  if (o.contains(QLatin1String("error")) || event.type == "error") {
    end(tr("the server reported an error in the stream: %1").arg(messageOf(data)));
    return;
  }
  const QJsonArray choices = o.value(QLatin1String("choices")).toArray();
  if (choices.isEmpty()) return;  // e.g. the usage chunk
  const QJsonObject choice = choices.first().toObject();
  const QJsonObject delta = choice.value(QLatin1String("delta")).toObject();
  const QString content = delta.value(QLatin1String("content")).toString();
  content_ += content;
  for (const char* key : {"reasoning_content", "reasoning"}) {
    const QString r = delta.value(QLatin1String(key)).toString();
    if (r.isEmpty()) continue;
    if (reasoningMode_ == Reasoning::Unknown)
      reasoningMode_ = content_.contains(r) ? Reasoning::Duplicate : Reasoning::Fold;
    if (reasoningMode_ == Reasoning::Fold) appendText(r.toUtf8(), true);
    break;
  }
  if (!content.isEmpty()) appendText(content.toUtf8(), false);
  const QJsonValue finish = choice.value(QLatin1String("finish_reason"));
  if (finish.isString()) finishReason_ = finish.toString();
}

void ChatStream::appendText(const QByteArray& piece, bool reasoning) {
  if (!reply_ && !piece.isEmpty()) return;  // stopped by a textReceived handler: nothing more is delivered
  QByteArray out;
  if (reasoning && !inReasoning_) out = "<think>\n";
  if (!reasoning && inReasoning_) out = "\n</think>\n\n";
  inReasoning_ = reasoning;
  out += piece;
  text_ += out;
  Q_EMIT textReceived(out);
}

void ChatStream::onFinished() {
  if (!reply_) return;
  onReadyRead();  // whatever arrived with the end
  if (!reply_) return;
  if (status_ == 0) status_ = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  const QString where = url_.toString();
  if (status_ >= 400) {
    const QString reason = reply_->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    end(tr("HTTP %1%2 from %3: %4")
            .arg(status_)
            .arg(reason.isEmpty() ? QString() : ' ' + reason, where, messageOf(errorBody_)));
    return;
  }
  const auto error = reply_->error();
  if (error == QNetworkReply::ConnectionRefusedError) {
    end(tr("cannot connect to %1: connection refused (is the server running, and on port %2?)")
            .arg(where)
            .arg(url_.port(url_.scheme() == QLatin1String("https") ? 443 : 80)));
    return;
  }
  if (error == QNetworkReply::HostNotFoundError) {
    end(tr("cannot connect to %1: host %2 not found").arg(where, url_.host()));
    return;
  }
  if (error != QNetworkReply::NoError) {
    end(tr("request to %1 failed: %2").arg(where, reply_->errorString()));
    return;
  }
  if (!streaming_) {
    // A server that ignored stream=true: one chat.completion object.
    const QJsonDocument doc = QJsonDocument::fromJson(errorBody_);
    const QJsonArray choices = doc.object().value(QLatin1String("choices")).toArray();
    const QJsonObject message = choices.first().toObject().value(QLatin1String("message")).toObject();
    if (!doc.isObject() || choices.isEmpty() || !message.value(QLatin1String("content")).isString()) {
      end(tr("malformed response from %1: expected an event stream (text/event-stream) or a JSON completion, got "
             "\"%2\": %3")
              .arg(where, reply_->header(QNetworkRequest::ContentTypeHeader).toString(), snippet(errorBody_, 200)));
      return;
    }
    const QString reasoning = message.value(QLatin1String("reasoning_content")).toString();
    const QString content = message.value(QLatin1String("content")).toString();
    // longrl serve sends reasoning_content besides a content that still holds the <think> part.
    if (!reasoning.isEmpty() && !content.contains(QLatin1String("</think>"))) appendText(reasoning.toUtf8(), true);
    appendText(content.toUtf8(), false);
    finishReason_ = choices.first().toObject().value(QLatin1String("finish_reason")).toString();
    end({});
    return;
  }
  for (const auto& e : parser_.finish()) {
    handleEvent(e);
    if (!reply_) return;
  }
  end(tr("the stream from %1 ended before [DONE]: the answer may be incomplete").arg(where));
}

void ChatStream::end(const QString& error) {
  detach();
  if (error.isEmpty()) {
    if (inReasoning_) appendText({}, false);  // reasoning without content: close the <think> part
    Q_EMIT completed();
  } else {
    Q_EMIT failed(error);
  }
}

}  // namespace longrl::ui
