#pragma once
#include <QObject>
#include <QString>

#include <string>
#include <vector>

#include "core/memory/DocumentChunk.h"
#include "core/memory/MemoryTrajectory.h"
#include "ui/docqa/ChatStream.h"

namespace longrl::ui {

// Reads a document too long for the model's window the way the QwenLong-L1.5 memory agent does:
// one chat completion per section (MemoryPrompt::section), each rewriting <memory> and <plan>
// from the reply before (MemoryReplyParser: a malformed reply keeps the previous memory). When
// the last section is read, finished() hands over the final prompt (MemoryPrompt::final), which
// the caller streams as the answer. Sections are cut at paragraphs and sentences with
// DocumentChunker; the GUI has no tokenizer for an arbitrary endpoint, so a section's size is
// estimated at kCharsPerToken characters a token.
class MemoryAgentDriver : public QObject {
  Q_OBJECT
 public:
  static constexpr int kCharsPerToken = 4;

  explicit MemoryAgentDriver(QObject* parent = nullptr);

  // `request` gives the endpoint (its userContent is replaced for each section); maxTokens bounds
  // each section reply. Emits sectionStarted(0, n) (or finished() at once for an empty document).
  void start(const ChatStream::Request& request, const std::string& document, const std::string& question,
             int sectionTokens, int memoryTokens);
  void stop();  // emits stopped() when a section was running
  bool isRunning() const { return running_; }

  const memory::MemoryTrajectory& trajectory() const { return trajectory_; }
  int sectionCount() const { return static_cast<int>(chunks_.size()); }
  const std::string& memory() const { return memory_; }

  static std::vector<memory::DocumentChunk> sections(const std::string& document, int sectionTokens);

 Q_SIGNALS:
  void sectionStarted(int index, int count);
  void sectionFinished(int index, int count);  // trajectory() holds its step
  void finished(const QByteArray& finalPrompt);
  void failed(const QString& message);
  void stopped();

 private:
  void sendSection();
  void onCompleted();

  ChatStream* stream_;
  ChatStream::Request request_;
  std::string document_, question_, memory_, plan_;
  std::vector<memory::DocumentChunk> chunks_;
  memory::MemoryTrajectory trajectory_;
  int next_ = 0;
  bool running_ = false;
};

}  // namespace longrl::ui
