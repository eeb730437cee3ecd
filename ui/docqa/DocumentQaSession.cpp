#include "ui/docqa/DocumentQaSession.h"

#include <QCoreApplication>
#include <QDir>
#include <QLocale>
#include <QTimer>

#include <utility>

#include "core/config/RunConfig.h"
#include "core/dataset/PromptTemplate.h"
#include "core/reward/AnswerExtractor.h"
#include "core/reward/DocQaScorer.h"
#include "ui/docqa/CompressorProcess.h"
#include "ui/docqa/LocalModelServer.h"
#include "ui/docqa/MemoryAgentDriver.h"

namespace longrl::ui {

DocumentQaSession::DocumentQaSession(QObject* parent)
    : QObject(parent), stream_(new ChatStream(this)), agent_(new MemoryAgentDriver(this)),
      server_(
          new LocalModelServer(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("longrl")), this)),
      compressor_(new CompressorProcess(this)), flush_(new QTimer(this)) {
  compressor_->setProgram(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("longrl")));
  flush_->setSingleShot(true);
  flush_->setInterval(kFlushMs);
  connect(flush_, &QTimer::timeout, this, &DocumentQaSession::flush);
  connectAgent();
  connectStream();
  connectServer();
  connectCompressor();
}

DocumentQaSession::~DocumentQaSession() {
  // Stopping them on the way out must not reach a half-destroyed session.
  stream_->disconnect(this);
  agent_->disconnect(this);
  server_->disconnect(this);
  compressor_->disconnect(this);
}

void DocumentQaSession::connectAgent() {
  connect(agent_, &MemoryAgentDriver::sectionStarted, this, [this](int index, int count) {
    Q_EMIT sectionStarted(index, count);
    setStatus(tr("Reading section %1 of %2 with %3 (memory so far: %4 characters)…")
                  .arg(index + 1)
                  .arg(count)
                  .arg(modelShown())
                  .arg(QLocale().toString(qlonglong(agent_->memory().size()))));
  });
  connect(agent_, &MemoryAgentDriver::sectionFinished, this, &DocumentQaSession::sectionFinished);
  connect(agent_, &MemoryAgentDriver::finished, this, &DocumentQaSession::streamAnswer);
  connect(agent_, &MemoryAgentDriver::failed, this, [this](const QString& m) { end(State::Failed, m); });
  connect(agent_, &MemoryAgentDriver::stopped, this, [this] { end(State::Stopped, {}); });
}

void DocumentQaSession::connectStream() {
  connect(stream_, &ChatStream::textReceived, this, &DocumentQaSession::onText);
  connect(stream_, &ChatStream::completed, this, [this] { end(State::Done, {}); });
  connect(stream_, &ChatStream::failed, this, [this](const QString& m) { end(State::Failed, m); });
  connect(stream_, &ChatStream::stopped, this, [this] { end(State::Stopped, {}); });
}

void DocumentQaSession::connectServer() {
  connect(server_, &LocalModelServer::ready, this, [this](const QString& url, const QString& name) {
    Q_EMIT serverInfoChanged(tr("serving %1 at %2").arg(name, url));
    if (state_ == State::StartingServer) sendQuestion();
  });
  connect(server_, &LocalModelServer::failed, this, &DocumentQaSession::onServerFailed);
}

void DocumentQaSession::connectCompressor() {
  connect(compressor_, &CompressorProcess::finished, this, &DocumentQaSession::onCompressed);
  connect(compressor_, &CompressorProcess::failed, this,
          [this](const QString& m) { end(State::Failed, tr("Compressing failed: %1").arg(m)); });
  connect(compressor_, &CompressorProcess::stopped, this, [this] { end(State::Stopped, {}); });
}

void DocumentQaSession::setLongrlProgram(const QString& program) {
  server_->setProgram(program);
  compressor_->setProgram(program);
}

const memory::MemoryTrajectory& DocumentQaSession::trajectory() const { return agent_->trajectory(); }

QString DocumentQaSession::promptSource() const {
  if (answeredFromMemory_) return tr(", the memory of %1 sections").arg(agent_->sectionCount());
  if (!compression_) return {};
  return tr(", the document compressed %1× to %2 of %3 bytes")
      .arg(QString::number(compression_->ratio(), 'f', 1), QLocale().toString(qulonglong(compression_->keptBytes)),
           QLocale().toString(qulonglong(compression_->documentBytes)));
}

QString DocumentQaSession::modelShown() const { return modelUsed_.isEmpty() ? tr("the model") : modelUsed_; }

// ---- document ----

void DocumentQaSession::setDocument(const QString& title, std::string utf8Text) {
  if (isAsking()) stop();
  title_ = title;
  document_ = std::move(utf8Text);
  response_.clear();
  askedQuestion_.clear();
  compression_.reset();
  setState(State::Idle);
  setStatus(tr("%1 is open. Ask a question about it.").arg(title));
}

// ---- asking ----

bool DocumentQaSession::refuse(const QString& why) {
  setStatus(why, true);
  return false;
}

bool DocumentQaSession::ask(const Question& question) {
  if (isAsking()) return false;
  Question q = question;
  for (QString* s : {&q.text, &q.baseUrl, &q.model, &q.apiKey, &q.modelDir, &q.compressorDir}) *s = s->trimmed();
  if (document_.empty()) return refuse(tr("Open a document first."));
  if (q.text.isEmpty()) return refuse(tr("Type a question first."));
  if (q.backend == Backend::Endpoint && q.baseUrl.isEmpty())
    return refuse(tr("Enter the endpoint's base URL (e.g. http://127.0.0.1:8000/v1)."));
  if (q.backend == Backend::LocalModel && q.modelDir.isEmpty()) return refuse(tr("Choose a model directory."));
  if (q.mode == Mode::Compress && q.compressorDir.isEmpty())
    return refuse(tr("Choose the compressor's model directory (a `longrl compress-train` output)."));

  question_ = q;
  askedQuestion_ = q.text.toStdString();
  response_.clear();
  compression_.reset();
  answeredFromMemory_ = false;
  Q_EMIT answerStarting();
  elapsed_.start();
  if (q.backend == Backend::LocalModel) startLocalServer();
  else sendQuestion();
  return true;
}

void DocumentQaSession::startLocalServer() {
  server_->start(question_.modelDir);
  if (server_->state() == LocalModelServer::State::Failed) {
    setState(State::StartingServer);
    return end(State::Failed, server_->failure());
  }
  if (server_->state() == LocalModelServer::State::Ready) return sendQuestion();
  setState(State::StartingServer);
  Q_EMIT serverInfoChanged(tr("starting…"));
  setStatus(tr("Starting `longrl serve` on %1 (loading the model)…").arg(server_->modelDir()));
}

void DocumentQaSession::sendQuestion() {
  ChatStream::Request r;
  if (question_.backend == Backend::LocalModel) {
    r.baseUrl = server_->baseUrl();
    r.model = server_->modelName();
  } else {
    r.baseUrl = question_.baseUrl;
    r.model = question_.model;
    r.apiKey = question_.apiKey;
  }
  modelUsed_ = r.model;
  request_ = r;
  if (question_.mode == Mode::MemoryAgent) {
    setState(State::ReadingSections);
    // The section replies get the recipe's memory budget; the answer, the server's default.
    agent_->start(r, document_, askedQuestion_, question_.sectionTokens,
                  static_cast<int>(config::MemoryConfig{}.memoryTokens));  // may finish at once: no sections
    return;
  }
  if (question_.mode == Mode::Compress) return compress();
  const std::string p = dataset::PromptTemplate::build(document_, askedQuestion_);
  streamAnswer(QByteArray(p.data(), qsizetype(p.size())));
}

void DocumentQaSession::compress() {
  CompressorProcess::Options o;
  o.modelDir = question_.compressorDir;
  o.granularity = question_.granularity;
  o.threshold = question_.threshold;
  setState(State::Compressing);
  setStatus(tr("Compressing the document with `longrl compress` (%1 spans at threshold %2, %3)…")
                .arg(o.granularity, QString::number(o.threshold), o.modelDir));
  compressor_->start(o, document_, askedQuestion_);  // a missing directory fails at once
}

// The kept text takes the document's place in the recipe's prompt: the endpoint sees only it.
void DocumentQaSession::onCompressed(const cprs::Compression& c) {
  compression_ = c;
  Q_EMIT compressed();
  if (c.spans.empty())
    return end(State::Failed, tr("The compressor kept nothing of the document at threshold %1: lower the threshold.")
                                  .arg(question_.threshold));
  const std::string p = dataset::PromptTemplate::build(c.text, askedQuestion_);
  streamAnswer(QByteArray(p.data(), qsizetype(p.size())));
}

void DocumentQaSession::streamAnswer(const QByteArray& userContent) {
  ChatStream::Request r = request_;
  r.userContent = userContent;
  answeredFromMemory_ = question_.mode == Mode::MemoryAgent;
  setState(State::Streaming);
  setStatus(tr("Asking %1 at %2 (prompt: %3 characters%4)…")
                .arg(modelShown(), r.baseUrl, QLocale().toString(qlonglong(userContent.size())), promptSource()));
  stream_->start(r);  // an invalid URL ends at once through failed()
}

void DocumentQaSession::onText(const QByteArray& piece) {
  response_.append(piece.constData(), std::size_t(piece.size()));
  if (!flush_->isActive()) flush_->start();
}

void DocumentQaSession::flush() {
  Q_EMIT responseUpdated();
  if (state_ == State::Streaming)
    setStatus(tr("Receiving the answer from %1… %2 characters, %3 s")
                  .arg(modelShown(), QLocale().toString(qlonglong(response_.size())),
                       QString::number(elapsed_.elapsed() / 1000.0, 'f', 1)));
}

void DocumentQaSession::stop() {
  if (state_ == State::ReadingSections) {
    agent_->stop();  // -> stopped -> end
  } else if (state_ == State::Compressing) {
    compressor_->stop();  // -> stopped -> end
  } else if (state_ == State::Streaming) {
    stream_->stop();  // -> stopped -> end
  } else if (state_ == State::StartingServer) {
    server_->stop();
    end(State::Stopped, {});
  }
}

void DocumentQaSession::onServerFailed(const QString& message) {
  Q_EMIT serverInfoChanged(tr("not running"));
  if (state_ == State::StartingServer) {
    end(State::Failed, message);
  } else if (state_ == State::Streaming || state_ == State::ReadingSections || state_ == State::Compressing) {
    serverFailure_ = message;  // its cause says more than the stream's "connection closed"
    if (state_ == State::Streaming) stream_->stop();
    else if (state_ == State::Compressing) compressor_->stop();
    else agent_->stop();
  } else {
    setStatus(message, true);
  }
}

// ---- the end of an answer ----

void DocumentQaSession::end(State how, QString message) {
  if (!serverFailure_.isEmpty()) {
    how = State::Failed;
    message = std::exchange(serverFailure_, QString());
  }
  flush_->stop();
  flush();
  setState(how);
  setStatus(endStatus(how, message), how == State::Failed);
  Q_EMIT answerFinished(how == State::Done);
}

QString DocumentQaSession::endStatus(State how, const QString& message) const {
  const QString secs = QString::number(elapsed_.elapsed() / 1000.0, 'f', 1);
  const QString chars = QLocale().toString(qlonglong(response_.size()));
  if (how == State::Stopped) return tr("Stopped after %1 s (%2 characters received).").arg(secs, chars);
  if (how != State::Done) return response_.empty() ? message : tr("%1 (%2 characters had arrived)").arg(message, chars);
  QString s = tr("Answer complete: %1 characters in %2 s.").arg(chars, secs);
  if (stream_->finishReason() == QLatin1String("length"))
    s += tr(" It was cut at the token limit (finish_reason: length).");
  if (response_.find("</think>") == std::string::npos) s += tr(" No </think>: as a rollout it would score 0.");
  return s;
}

std::optional<QString> DocumentQaSession::suggestedGroundTruth() const {
  const auto answer = reward::AnswerExtractor::afterThink(response_);
  if (!answer) return std::nullopt;
  const auto extracted = reward::DocQaScorer::extract(*answer);
  return QString::fromStdString(extracted ? *extracted : reward::AnswerExtractor::trim(*answer));
}

dataset::DatasetRecord DocumentQaSession::exampleRecord(const std::string& question) const {
  dataset::DatasetRecord r;
  r.document = document_;
  r.question = question;
  nlohmann::json extra = {{"source", "longrl-studio document QA"}, {"document_title", title_.toStdString()}};
  if (!modelUsed_.isEmpty()) extra["model"] = modelUsed_.toStdString();
  if (const auto answer = reward::AnswerExtractor::afterThink(response_)) extra["model_answer"] = *answer;
  if (compression_)  // the model saw only the kept text
    extra["compression"] = {{"compressor", question_.compressorDir.toStdString()},
                            {"granularity", question_.granularity.toStdString()},
                            {"threshold", question_.threshold},
                            {"ratio", compression_->ratio()}};
  r.extraInfo = extra;
  return r;
}

// ---- state ----

void DocumentQaSession::setState(State state) {
  state_ = state;
  Q_EMIT stateChanged(state);
}

void DocumentQaSession::setStatus(const QString& text, bool error) {
  status_ = text;
  statusError_ = error;
  Q_EMIT statusChanged(text, error);
}

}  // namespace longrl::ui
