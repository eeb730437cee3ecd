#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/demo/DemoExample.h"
#include "core/memory/DocumentChunker.h"

namespace longrl::demo {

// One call of a memory-agent trajectory that reads a document as intended: the user turn the agent
// sends and the reply to train on.
struct MemorySftCall {
  std::string prompt;
  std::string reply;
  int section = -1;                // 0-based; -1 for the final answering call
  std::size_t begin = 0, end = 0;  // the section's bytes in the document
  bool addsFact = false;           // the section holds one of the facts the question needs
};

struct DemoMemorySftOptions {
  int documents = 100;
  int longFillers = 520;  // as DemoDatasetOptions::longFillers: documents beyond the demo model's window
  std::size_t chunkTokens = 192;
  // Sections that add no fact kept per document besides the first: such a reply only copies the
  // memory and plan, and ~25 of them a document would drown the two that add a fact. -1 keeps all.
  int plainSections = 4;
  std::uint64_t seed = 1;
};

// Memory-agent SFT data from the demo's long documents (DemoExampleGenerator::generateBeyondWindow),
// so the warm start knows the reply format before the memory phase's GRPO. For each section, the
// prompt MemoryAgentRollout sends (the same DocumentChunker, token counter and chunk size; the memory
// and plan MemoryReplyParser read from the replies before) and a reply the parser reads without a
// problem, whose memory keeps the question's facts found so far; then the final call, answered with
// the recipe's format from the memory alone.
class DemoMemorySft {
 public:
  // `count` must be the agent's token counter (the model's tokenizer) for the sections to match.
  DemoMemorySft(memory::DocumentChunker::TokenCounter count, std::size_t chunkTokens);

  // Every call of the trajectory, the final one last. Throws std::invalid_argument when an evidence
  // sentence of `ex` is not a sentence of its document.
  std::vector<MemorySftCall> calls(const DemoExample& ex) const;

  // The reply to a section call (also what the tests parse).
  static std::string reply(const std::string& memory, const std::string& plan);

  // Writes the records of `o.documents` documents to `path` (JSONL, verl form: the prompts are not the
  // document-QA template), deterministic for o.seed; returns how many.
  static int write(const std::string& path, const DemoMemorySftOptions& o, memory::DocumentChunker::TokenCounter count);

 private:
  memory::DocumentChunker chunker_;
};

}  // namespace longrl::demo
