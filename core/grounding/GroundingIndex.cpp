#include "core/grounding/GroundingIndex.h"

#include <algorithm>
#include <stdexcept>

namespace longrl::grounding {

uint64_t GroundingIndex::ngramHash(const GroundingWord* w, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  for (size_t k = 0; k < n; ++k) {
    h ^= w[k].hash + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ULL;
  }
  return h ^ (h >> 31);
}

GroundingIndex::GroundingIndex(std::string_view document, size_t ngram)
    : ngram_(ngram), words_(tokenizeForGrounding(document)) {
  if (ngram_ == 0) throw std::invalid_argument("GroundingIndex: ngram must be >= 1");
  if (document.size() > UINT32_MAX) throw std::invalid_argument("GroundingIndex: document larger than 4 GiB");
  // Word frequencies, by sorting (hash, position) pairs and measuring the runs.
  {
    std::vector<std::pair<uint64_t, uint32_t>> byWord(words_.size());
    for (size_t i = 0; i < words_.size(); ++i) byWord[i] = {words_[i].hash, static_cast<uint32_t>(i)};
    std::sort(byWord.begin(), byWord.end());
    frequency_.resize(words_.size());
    for (size_t a = 0; a < byWord.size();) {
      size_t b = a;
      while (b < byWord.size() && byWord[b].first == byWord[a].first) ++b;
      for (size_t k = a; k < b; ++k) frequency_[byWord[k].second] = static_cast<uint32_t>(b - a);
      a = b;
    }
  }
  if (words_.size() < ngram_) return;
  // A sorted array rather than a hash map: one allocation, built by a single sort, and lookups by
  // binary search are plenty fast for the few thousand n-grams of a trace.
  const size_t count = words_.size() - ngram_ + 1;
  std::vector<std::pair<uint64_t, uint32_t>> entries(count);
  for (size_t i = 0; i < count; ++i) entries[i] = {ngramHash(&words_[i], ngram_), static_cast<uint32_t>(i)};
  std::sort(entries.begin(), entries.end());
  hashes_.resize(count);
  positions_.resize(count);
  for (size_t i = 0; i < count; ++i) {
    hashes_[i] = entries[i].first;
    positions_[i] = entries[i].second;
  }
}

std::pair<const uint32_t*, const uint32_t*> GroundingIndex::find(uint64_t ngramHash) const {
  auto range = std::equal_range(hashes_.begin(), hashes_.end(), ngramHash);
  const uint32_t* base = positions_.data();
  return {base + (range.first - hashes_.begin()), base + (range.second - hashes_.begin())};
}

}  // namespace longrl::grounding
