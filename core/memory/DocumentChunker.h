#pragma once
#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "core/memory/DocumentChunk.h"

namespace longrl::memory {

// Splits a document into sections of at most maxTokens tokens for the memory agent (QwenLong-L1.5).
// Cuts prefer the end of a paragraph, then of a sentence, then a space; a run of text with none of
// them inside maxTokens is cut at a UTF-8 character boundary. The chunks cover the document exactly
// (no byte lost or repeated), so a chunk's offsets locate it in the original.
//
// Cost is linear in the document: each sentence is counted once, and each chunk once more to check
// the sum (a BPE can merge across the cut, so a sum of parts is not always the count of the whole).
class DocumentChunker {
 public:
  using TokenCounter = std::function<std::size_t(std::string_view)>;

  // Throws std::invalid_argument when maxTokens is 0 or count is empty.
  DocumentChunker(TokenCounter count, std::size_t maxTokens);

  std::vector<DocumentChunk> split(std::string_view document) const;

  std::size_t maxTokens() const { return maxTokens_; }

 private:
  struct Piece {
    std::size_t begin, end, tokens;
    bool paragraphEnd;
  };
  std::vector<Piece> pieces(std::string_view doc) const;
  void splitLong(std::string_view doc, std::size_t begin, std::size_t end, bool paragraphEnd,
                 std::vector<Piece>& out) const;
  std::size_t characterCut(std::string_view doc, std::size_t begin, std::size_t end) const;

  TokenCounter count_;
  std::size_t maxTokens_;
};

}  // namespace longrl::memory
