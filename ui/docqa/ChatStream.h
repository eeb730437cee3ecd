#pragma once
#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

#include "ui/docqa/SseParser.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace longrl::ui {

// One streamed chat completion from an OpenAI-compatible endpoint (`longrl serve`, vLLM, SGLang,
// OpenAI): POST {baseUrl}/chat/completions with stream=true, read the SSE reply as it arrives and
// hand out the text deltas. Runs on the event loop (QNetworkAccessManager): the caller's thread is
// never blocked. Exactly one of completed / failed / stopped ends each start().
//
// Errors name their cause: connection refused (with the URL), an HTTP status with the server's
// message, an `error` object inside the stream, a data line that is not JSON, a stream that ends
// before `[DONE]`. A server that ignores stream=true and answers with one JSON completion is
// accepted too. Reasoning sent apart from the content (`delta.reasoning_content`, as vLLM's reasoning
// parsers do) is folded back into the text as <think>...</think>, so one text carries both parts; a
// server whose content already holds the thinking (longrl serve sends reasoning_content besides it)
// is recognised by its first reasoning piece being in the content received so far, and its
// reasoning is not added twice.
class ChatStream : public QObject {
  Q_OBJECT
 public:
  struct Request {
    QString baseUrl;  // e.g. http://127.0.0.1:8000/v1 (a trailing /chat/completions is accepted)
    QString model;
    QString apiKey;          // sent as "Authorization: Bearer KEY" when not empty
    QByteArray userContent;  // UTF-8: the single user message
    int maxTokens = 0;       // 0: the server's default
  };

  explicit ChatStream(QObject* parent = nullptr);
  ~ChatStream() override;

  // Starts a request (a running one is stopped first, without a signal). Bad input (an empty or
  // non-http URL) ends at once with failed().
  void start(const Request& request);
  // Aborts the running request; emits stopped() when one was running.
  void stop();
  bool isRunning() const { return reply_ != nullptr; }
  // The response text received so far (UTF-8).
  const QByteArray& text() const { return text_; }
  QString finishReason() const { return finishReason_; }

  // {baseUrl}/chat/completions; an invalid URL when baseUrl is not http(s).
  static QUrl completionsUrl(const QString& baseUrl);

 Q_SIGNALS:
  void started();
  void textReceived(const QByteArray& utf8Delta);
  void completed();
  void failed(const QString& message);
  void stopped();

 private:
  void onReadyRead();
  void onFinished();
  void handleEvent(const SseParser::Event& event);
  void appendText(const QByteArray& piece, bool reasoning);
  void end(const QString& error);  // empty error: completed
  void detach();

  QNetworkAccessManager* network_;
  QNetworkReply* reply_ = nullptr;  // the running request (a child of network_)
  SseParser parser_;
  QUrl url_;
  QByteArray text_;
  QByteArray errorBody_;  // body of an HTTP error, or of a non-stream JSON answer
  QString finishReason_;
  int status_ = 0;
  bool streaming_ = false;  // the reply is text/event-stream
  bool done_ = false;       // [DONE] seen
  bool inReasoning_ = false;
  // Reasoning handling, fixed by the first delta that carries reasoning: Fold (vLLM: the reasoning
  // is not in the content) or Duplicate (longrl serve: the content has it too, so it is dropped).
  enum class Reasoning { Unknown, Fold, Duplicate } reasoningMode_ = Reasoning::Unknown;
  QString content_;  // the raw content received so far
};

}  // namespace longrl::ui
