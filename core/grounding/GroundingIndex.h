#pragma once
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "core/grounding/GroundingOptions.h"
#include "core/grounding/GroundingWord.h"

namespace longrl::grounding {

// The word n-grams of one document, hashed once; reused to align any number of traces against it.
// Holds word offsets only, not the text.
class GroundingIndex {
 public:
  explicit GroundingIndex(std::string_view document, size_t ngram = GroundingOptions{}.ngram);

  const std::vector<GroundingWord>& words() const { return words_; }
  size_t ngram() const { return ngram_; }
  // How often the word at document position `pos` occurs in the whole document.
  uint32_t frequency(size_t pos) const { return frequency_[pos]; }

  // Document word positions where an n-gram with this hash starts: [first, second).
  std::pair<const uint32_t*, const uint32_t*> find(uint64_t ngramHash) const;

  // Hash of the n words starting at `w` (the same function for documents and traces).
  static uint64_t ngramHash(const GroundingWord* w, size_t n);

 private:
  size_t ngram_;
  std::vector<GroundingWord> words_;
  std::vector<uint64_t> hashes_;     // sorted
  std::vector<uint32_t> positions_;  // positions_[k] is the start of the n-gram with hashes_[k]
  std::vector<uint32_t> frequency_;  // per document word
};

}  // namespace longrl::grounding
