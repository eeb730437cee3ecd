#pragma once
#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <optional>
#include <string>

#include "core/cprs/Compression.h"
#include "core/dataset/DatasetRecord.h"
#include "core/memory/MemoryTrajectory.h"
#include "ui/docqa/ChatStream.h"

class QTimer;

namespace longrl::ui {

class CompressorProcess;
class LocalModelServer;
class MemoryAgentDriver;

// One Document QA conversation without widgets: the document, the question asked, the answer as it
// streams in, and the state machine that gets it there. ask() checks the question, starts
// `longrl serve` when the backend is a local model directory (LocalModelServer), reads the document
// section by section in memory-agent mode (MemoryAgentDriver) or has `longrl compress` keep what
// the question needs in compress mode (CompressorProcess: the prompt holds the kept text instead of
// the document), and streams the answer (ChatStream).
//
//   Idle -> [StartingServer ->] [ReadingSections | Compressing ->] Streaming -> Done | Failed | Stopped
//
// Any asking state can end in Failed (the endpoint, a section or the server failed) or Stopped
// (stop()); a local server that dies mid-answer ends it in Failed with the server's reason.
// setDocument() stops a running answer and goes back to Idle. Observers follow the signals:
// DocumentQaPanel draws what they say.
class DocumentQaSession : public QObject {
  Q_OBJECT
 public:
  enum class State { Idle, StartingServer, ReadingSections, Compressing, Streaming, Done, Failed, Stopped };
  Q_ENUM(State)
  enum class Backend { Endpoint = 0, LocalModel = 1 };
  enum class Mode { WholeDocument = 0, MemoryAgent = 1, Compress = 2 };

  // What to ask and where. Text fields are trimmed by ask().
  struct Question {
    QString text;
    Backend backend = Backend::Endpoint;
    QString baseUrl, model, apiKey;  // Backend::Endpoint
    QString modelDir;                // Backend::LocalModel
    Mode mode = Mode::WholeDocument;
    int sectionTokens = 0;  // Mode::MemoryAgent: estimated tokens a section
    // Mode::Compress: the compressor's model directory and what it keeps (`longrl compress`).
    QString compressorDir;
    QString granularity = QStringLiteral("sentence");
    double threshold = 0.5;
  };

  // Streamed text reaches observers (responseUpdated) at most this often, not once per token.
  static constexpr int kFlushMs = 40;

  // Local models are served, and documents compressed, by the `longrl` beside this executable
  // (setLongrlProgram to change).
  explicit DocumentQaSession(QObject* parent = nullptr);
  ~DocumentQaSession() override;

  // Stops a running answer, forgets the last one and goes back to Idle.
  void setDocument(const QString& title, std::string utf8Text);
  void setLongrlProgram(const QString& program);

  // Sends the question; false (and the reason as an error status) when a field is missing or an
  // answer is already running. Streaming starts at once, or once the local server is ready.
  bool ask(const Question& question);
  // Stops the running answer (what arrived stays).
  void stop();

  State state() const { return state_; }
  bool isAsking() const {
    return state_ == State::StartingServer || state_ == State::ReadingSections || state_ == State::Compressing ||
           state_ == State::Streaming;
  }
  Mode mode() const { return question_.mode; }  // of the current (or last) question
  const QString& title() const { return title_; }
  const std::string& document() const { return document_; }
  const std::string& askedQuestion() const { return askedQuestion_; }
  const std::string& response() const { return response_; }
  QString statusText() const { return status_; }
  bool statusIsError() const { return statusError_; }
  // The memory agent's steps of the current (or last) question.
  const memory::MemoryTrajectory& trajectory() const;
  // What the compressor kept for the current (or last) question; none before it finished, or outside
  // compress mode.
  const std::optional<cprs::Compression>& compression() const { return compression_; }
  // The last answer was streamed from the memory agent's final prompt (its steps end with it).
  bool answeredFromMemory() const { return answeredFromMemory_; }
  // The model's final answer (after </think>, as the scorer extracts it) as the ground truth to
  // confirm; none without </think>.
  std::optional<QString> suggestedGroundTruth() const;
  // The session as a dataset record for `question` (document, model, the model's answer); the
  // caller adds data_source and ground truth.
  dataset::DatasetRecord exampleRecord(const std::string& question) const;
  LocalModelServer* localServer() const { return server_; }

 Q_SIGNALS:
  void stateChanged(longrl::ui::DocumentQaSession::State state);
  void statusChanged(const QString& text, bool error);
  // What the local server is doing ("starting…", "serving NAME at URL", "not running").
  void serverInfoChanged(const QString& text);
  // A question passed the checks; the previous answer is gone, nothing is sent yet.
  void answerStarting();
  // response() changed: at most every kFlushMs while streaming, and once as the answer ends.
  void responseUpdated();
  void sectionStarted(int index, int count);
  void sectionFinished(int index, int count);  // trajectory() holds its step
  void compressed();                           // compression() holds what was kept
  // Completed (true) or failed / stopped (false); the state is already the final one.
  void answerFinished(bool ok);

 private:
  void connectAgent();
  void connectStream();
  void connectServer();
  void connectCompressor();
  bool refuse(const QString& why);
  void startLocalServer();
  void sendQuestion();
  void compress();
  void onCompressed(const cprs::Compression& c);
  void streamAnswer(const QByteArray& userContent);
  void onText(const QByteArray& piece);
  void flush();
  void end(State how, QString message);
  QString endStatus(State how, const QString& message) const;
  void onServerFailed(const QString& message);
  void setState(State state);
  void setStatus(const QString& text, bool error = false);
  QString modelShown() const;
  QString promptSource() const;  // what the prompt holds besides the question, for the status

  ChatStream* stream_;
  MemoryAgentDriver* agent_;
  LocalModelServer* server_;
  CompressorProcess* compressor_;
  QTimer* flush_;
  ChatStream::Request request_;  // the endpoint of the current question

  QString title_;
  std::string document_;
  Question question_;          // the current (or last) question, trimmed
  std::string askedQuestion_;  // its text
  std::string response_;
  std::optional<cprs::Compression> compression_;
  QString modelUsed_;
  QString serverFailure_;  // the local server died while answering
  QString status_;
  QElapsedTimer elapsed_;
  State state_ = State::Idle;
  bool statusError_ = false;
  bool answeredFromMemory_ = false;
};

}  // namespace longrl::ui
