#include "core/grounding/GroundingAligner.h"

#include <algorithm>
#include <stdexcept>

namespace longrl::grounding {
namespace {

// Word positions of a span, half-open, plus its matched-word count.
struct WordSpan {
  size_t t0, t1, d0, d1, matched, informative;
};

// Walks from (a, b) in direction `dir` (+1 right, -1 left) while words match, stepping over small
// gaps. Positions are of the next word to compare; tLo/tHi and dLo/dHi bound them (inclusive lo,
// exclusive hi). Returns the position just past the last matched word on each side.
struct Extender {
  const std::vector<GroundingWord>& tw;
  const std::vector<GroundingWord>& dw;
  const GroundingOptions& opt;
  const GroundingIndex& index;
  uint32_t commonAbove;  // a document word occurring more often than this is common

  bool informative(long docPos) const { return index.frequency(size_t(docPos)) <= commonAbove; }

  bool inside(long p, long lo, long hi) const { return p >= lo && p < hi; }
  bool runMatches(long a, long b, int dir, long tLo, long tHi, long dLo, long dHi) const {
    for (size_t k = 0; k < opt.resyncWords; ++k) {
      const long x = a + dir * long(k), y = b + dir * long(k);
      if (!inside(x, tLo, tHi) || !inside(y, dLo, dHi) || tw[x].hash != dw[y].hash) return false;
    }
    return true;
  }

  void extend(long& a, long& b, int dir, long tLo, long tHi, long dLo, long dHi, size_t& matched,
              size_t& informativeCount) const {
    long lastA = a, lastB = b;
    for (;;) {
      if (inside(a, tLo, tHi) && inside(b, dLo, dHi) && tw[a].hash == dw[b].hash) {
        informativeCount += informative(b);
        a += dir;
        b += dir;
        ++matched;
        lastA = a;
        lastB = b;
        continue;
      }
      // Smallest total skip first (1 extra word, then 2, ...): the tightest explanation of the gap.
      bool resynced = false;
      const long g = long(opt.maxGap);
      for (long total = 1; total <= 2 * g && !resynced; ++total)
        for (long da = std::max(0L, total - g); da <= std::min(g, total) && !resynced; ++da) {
          const long db = total - da;
          if (runMatches(a + dir * da, b + dir * db, dir, tLo, tHi, dLo, dHi)) {
            a += dir * da;
            b += dir * db;
            resynced = true;
          }
        }
      if (!resynced) break;
    }
    a = lastA;
    b = lastB;
  }
};

GroundingSpan toSpan(const WordSpan& w, const std::vector<GroundingWord>& tw, const std::vector<GroundingWord>& dw) {
  GroundingSpan s;
  s.traceBegin = tw[w.t0].begin;
  s.traceEnd = tw[w.t1 - 1].end;
  s.docBegin = dw[w.d0].begin;
  s.docEnd = dw[w.d1 - 1].end;
  s.matchedWords = w.matched;
  s.traceWords = w.t1 - w.t0;
  s.docWords = w.d1 - w.d0;
  s.score = double(w.matched) / double(std::max(s.traceWords, s.docWords));
  return s;
}

}  // namespace

std::vector<GroundingSpan> GroundingAligner::align(std::string_view document, std::string_view trace) const {
  return align(GroundingIndex(document, options_.ngram), trace);
}

std::vector<GroundingSpan> GroundingAligner::align(const GroundingIndex& index, std::string_view trace) const {
  if (index.ngram() != options_.ngram)
    throw std::invalid_argument("GroundingAligner: index built with a different n-gram size");
  const size_t n = options_.ngram;
  const std::vector<GroundingWord> tw = tokenizeForGrounding(trace);
  const std::vector<GroundingWord>& dw = index.words();
  if (tw.size() < n || dw.size() < n) return {};
  const auto commonAbove =
      static_cast<uint32_t>(std::max(4.0, options_.commonWordFraction * static_cast<double>(dw.size())));
  const Extender ext{tw, dw, options_, index, commonAbove};
  const long T = long(tw.size()), D = long(dw.size());

  // Greedy left to right: at each seed take the best extension. A span long enough to keep is
  // committed (later seeds start after it, and it replaces the short spans it overlaps); a short one
  // is kept only as a piece for merging, so a chance match cannot block a real quote that follows.
  std::vector<WordSpan> found;
  size_t coveredUntil = 0;
  size_t i = 0;
  while (i + n <= tw.size()) {
    const auto [first, last] = index.find(GroundingIndex::ngramHash(&tw[i], n));
    if (first == last || size_t(last - first) > options_.maxSeedOccurrences) {
      ++i;
      continue;
    }
    WordSpan best{0, 0, 0, 0, 0, 0};
    for (const uint32_t* p = first; p != last; ++p) {
      const size_t j = *p;
      bool same = true;  // guard against hash collisions
      for (size_t k = 0; k < n && same; ++k) same = tw[i + k].hash == dw[j + k].hash;
      if (!same) continue;
      size_t matched = n, informative = 0;
      for (size_t k = 0; k < n; ++k) informative += ext.informative(long(j + k));
      long ra = long(i + n), rb = long(j + n);
      ext.extend(ra, rb, +1, long(coveredUntil), T, 0, D, matched, informative);
      long la = long(i) - 1, lb = long(j) - 1;
      ext.extend(la, lb, -1, long(coveredUntil), T, 0, D, matched, informative);
      const WordSpan cand{size_t(la + 1), size_t(ra), size_t(lb + 1), size_t(rb), matched, informative};
      if (cand.informative > best.informative || (cand.informative == best.informative && cand.matched > best.matched))
        best = cand;
    }
    if (best.matched == 0) {
      ++i;
      continue;
    }
    if (best.matched >= options_.minSpanWords && best.informative >= options_.minInformativeWords) {
      while (!found.empty() && found.back().t1 > best.t0) found.pop_back();  // only short ones overlap
      found.push_back(best);
      coveredUntil = best.t1;
      i = best.t1;
    } else {
      if (found.empty() || found.back().t1 <= best.t0) found.push_back(best);
      ++i;
    }
  }

  // Merge spans that continue each other in both texts across a small gap.
  std::vector<WordSpan> merged;
  for (const WordSpan& s : found) {
    if (!merged.empty()) {
      WordSpan& m = merged.back();
      if (s.t0 >= m.t1 && s.t0 - m.t1 <= options_.maxGap && s.d0 >= m.d1 && s.d0 - m.d1 <= options_.maxGap) {
        m.t1 = s.t1;
        m.d1 = s.d1;
        m.matched += s.matched;
        m.informative += s.informative;
        continue;
      }
    }
    merged.push_back(s);
  }

  std::vector<GroundingSpan> spans;
  for (const WordSpan& w : merged) {
    if (w.matched < options_.minSpanWords || w.informative < options_.minInformativeWords) continue;
    GroundingSpan s = toSpan(w, tw, dw);
    if (s.score >= options_.minScore) spans.push_back(s);
  }
  return spans;
}

}  // namespace longrl::grounding
