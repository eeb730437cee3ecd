#include "ui/docqa/MemoryAgentDriver.h"

#include "core/memory/DocumentChunker.h"
#include "core/memory/MemoryPrompt.h"
#include "core/memory/MemoryReplyParser.h"

namespace longrl::ui {

MemoryAgentDriver::MemoryAgentDriver(QObject* parent) : QObject(parent), stream_(new ChatStream(this)) {
  connect(stream_, &ChatStream::completed, this, &MemoryAgentDriver::onCompleted);
  connect(stream_, &ChatStream::failed, this, [this](const QString& message) {
    running_ = false;
    Q_EMIT failed(tr("section %1 of %2: %3").arg(next_ + 1).arg(chunks_.size()).arg(message));
  });
  connect(stream_, &ChatStream::stopped, this, [this] {
    running_ = false;
    Q_EMIT stopped();
  });
}

std::vector<memory::DocumentChunk> MemoryAgentDriver::sections(const std::string& document, int sectionTokens) {
  const memory::DocumentChunker chunker(
      [](std::string_view s) { return (s.size() + kCharsPerToken - 1) / kCharsPerToken; },
      static_cast<std::size_t>(std::max(1, sectionTokens)));
  return chunker.split(document);
}

void MemoryAgentDriver::start(const ChatStream::Request& request, const std::string& document,
                              const std::string& question, int sectionTokens, int memoryTokens) {
  stream_->blockSignals(true);
  stream_->stop();
  stream_->blockSignals(false);
  request_ = request;
  request_.maxTokens = memoryTokens;
  document_ = document;
  question_ = question;
  memory_.clear();
  plan_.clear();
  chunks_ = sections(document, sectionTokens);
  trajectory_ = {};
  trajectory_.chunkTokens = sectionTokens;
  next_ = 0;
  running_ = true;
  sendSection();
}

void MemoryAgentDriver::stop() {
  if (running_) stream_->stop();  // -> stopped()
}

void MemoryAgentDriver::sendSection() {
  if (next_ >= static_cast<int>(chunks_.size())) {
    running_ = false;
    const std::string p = memory::MemoryPrompt::final(question_, memory_);
    Q_EMIT finished(QByteArray(p.data(), static_cast<qsizetype>(p.size())));
    return;
  }
  const auto& c = chunks_[static_cast<std::size_t>(next_)];
  const std::string p =
      memory::MemoryPrompt::section(question_, memory_, plan_, document_.substr(c.begin, c.end - c.begin), next_,
                                    static_cast<int>(chunks_.size()));
  request_.userContent = QByteArray(p.data(), static_cast<qsizetype>(p.size()));
  Q_EMIT sectionStarted(next_, static_cast<int>(chunks_.size()));
  stream_->start(request_);
}

void MemoryAgentDriver::onCompleted() {
  const auto& c = chunks_[static_cast<std::size_t>(next_)];
  const std::string reply = stream_->text().toStdString();
  const auto update = memory::MemoryReplyParser::parse(reply, memory_, plan_);
  memory::MemoryStep s;
  s.section = next_;
  s.begin = c.begin;
  s.end = c.end;
  s.promptTokens = static_cast<std::int64_t>(request_.userContent.size() / kCharsPerToken);  // estimated
  s.truncated = stream_->finishReason() == QLatin1String("length");
  s.reply = reply;
  s.memory = update.memory;
  s.plan = update.plan;
  s.problem = update.problem;
  trajectory_.steps.push_back(std::move(s));
  memory_ = update.memory;
  plan_ = update.plan;
  Q_EMIT sectionFinished(next_, static_cast<int>(chunks_.size()));
  ++next_;
  sendSection();
}

}  // namespace longrl::ui
