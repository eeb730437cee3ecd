#include "core/memory/DocumentChunker.h"

#include <stdexcept>

namespace longrl::memory {

namespace {
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }
}  // namespace

DocumentChunker::DocumentChunker(TokenCounter count, std::size_t maxTokens)
    : count_(std::move(count)), maxTokens_(maxTokens) {
  if (!count_) throw std::invalid_argument("DocumentChunker: no token counter");
  if (maxTokens_ == 0) throw std::invalid_argument("DocumentChunker: chunk size must be at least one token");
}

std::size_t DocumentChunker::characterCut(std::string_view doc, std::size_t begin, std::size_t end) const {
  // Largest UTF-8 character boundary e in (begin, end] whose prefix fits; at least one character,
  // so a single character the counter calls too long still moves the cut forward.
  auto boundaryAfter = [&](std::size_t p) {
    ++p;
    while (p < end && isContinuation(static_cast<unsigned char>(doc[p]))) ++p;
    return p;
  };
  std::size_t lo = boundaryAfter(begin), hi = end;
  if (count_(doc.substr(begin, lo - begin)) > maxTokens_) return lo;
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo + 1) / 2;
    while (mid > lo && mid < end && isContinuation(static_cast<unsigned char>(doc[mid]))) --mid;
    if (mid == lo) mid = boundaryAfter(lo);
    if (mid > hi) break;
    if (count_(doc.substr(begin, mid - begin)) <= maxTokens_) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

void DocumentChunker::splitLong(std::string_view doc, std::size_t begin, std::size_t end, bool paragraphEnd,
                                std::vector<Piece>& out) const {
  // A sentence longer than a chunk: its words (a word keeps the spaces after it), and a word longer
  // than a chunk by characters.
  std::size_t p = begin;
  while (p < end) {
    std::size_t q = p;
    while (q < end && !isSpace(doc[q])) ++q;
    while (q < end && isSpace(doc[q])) ++q;
    const std::size_t n = count_(doc.substr(p, q - p));
    if (n <= maxTokens_) {
      out.push_back({p, q, n, false});
    } else {
      for (std::size_t s = p; s < q;) {
        const std::size_t e = characterCut(doc, s, q);
        out.push_back({s, e, count_(doc.substr(s, e - s)), false});
        s = e;
      }
    }
    p = q;
  }
  if (!out.empty()) out.back().paragraphEnd = paragraphEnd;
}

std::vector<DocumentChunker::Piece> DocumentChunker::pieces(std::string_view doc) const {
  std::vector<Piece> out;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const char c = doc[i];
    const bool sentenceEnd =
        c == '\n' || ((c == '.' || c == '!' || c == '?') && (i + 1 == doc.size() || isSpace(doc[i + 1])));
    if (!sentenceEnd) continue;
    std::size_t end = i + 1, newlines = c == '\n' ? 1 : 0;
    while (end < doc.size() && isSpace(doc[end])) newlines += doc[end++] == '\n' ? 1 : 0;
    const std::size_t n = count_(doc.substr(begin, end - begin));
    if (n <= maxTokens_) out.push_back({begin, end, n, newlines >= 2});
    else splitLong(doc, begin, end, newlines >= 2, out);
    begin = end;
    i = end - 1;
  }
  if (begin < doc.size()) {
    const std::size_t n = count_(doc.substr(begin));
    if (n <= maxTokens_) out.push_back({begin, doc.size(), n, true});
    else splitLong(doc, begin, doc.size(), true, out);
  }
  return out;
}

std::vector<DocumentChunk> DocumentChunker::split(std::string_view doc) const {
  const auto p = pieces(doc);
  std::vector<DocumentChunk> out;
  for (std::size_t i = 0; i < p.size();) {
    std::size_t j = i, sum = 0;
    while (j < p.size() && sum + p[j].tokens <= maxTokens_) sum += p[j++].tokens;
    if (j == i) j = i + 1;  // cannot happen (every piece fits), but never loop forever
    if (j < p.size()) {
      // Not the last chunk: end it at a paragraph when that keeps it at least half full.
      std::size_t prefix = 0, cut = 0;
      for (std::size_t k = i; k < j; ++k) {
        prefix += p[k].tokens;
        if (p[k].paragraphEnd && 2 * prefix >= maxTokens_) cut = k + 1;
      }
      if (cut > i) j = cut;
    }
    std::size_t exact = count_(doc.substr(p[i].begin, p[j - 1].end - p[i].begin));
    while (exact > maxTokens_ && j - i > 1) {
      --j;  // a merge across the cut made the whole longer than its parts
      exact = count_(doc.substr(p[i].begin, p[j - 1].end - p[i].begin));
    }
    out.push_back({p[i].begin, p[j - 1].end, exact});
    i = j;
  }
  return out;
}

}  // namespace longrl::memory
