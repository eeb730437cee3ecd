#include "core/cprs/SpanSelector.h"

#include <algorithm>

#include "core/cprs/TextUnits.h"

namespace longrl::cprs {
namespace {

// The index of the unit overlapping `s` (units sorted, disjoint), or units.size() when none does
// (a token of whitespace between units).
std::size_t unitOf(const std::vector<TextSpan>& units, const TextSpan& s) {
  auto it = std::upper_bound(units.begin(), units.end(), s.begin,
                             [](std::size_t pos, const TextSpan& u) { return pos < u.end; });
  if (it != units.end() && it->overlaps(s)) return static_cast<std::size_t>(it - units.begin());
  // A token starting in whitespace (" word") overlaps the next unit.
  return units.size();
}

struct UnitScores {
  double max = 0.0, sum = 0.0;
  std::size_t count = 0;
  bool kept = false;
};

}  // namespace

std::vector<TextSpan> SpanSelector::units(const std::string& document, Granularity g) {
  switch (g) {
    case Granularity::Keyword:
      return TextUnits::words(document);
    case Granularity::Paragraph:
      return TextUnits::paragraphs(document);
    case Granularity::Sentence:
      break;
  }
  return TextUnits::sentences(document);
}

std::string SpanSelector::join(const std::string& document, const std::vector<KeptSpan>& spans, Granularity g) {
  const std::string sep = g == Granularity::Paragraph ? "\n\n" : " ";
  std::string out;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i) out += sep;
    out += document.substr(spans[i].span.begin, spans[i].span.size());
  }
  return out;
}

Compression SpanSelector::select(const std::string& document, const std::vector<ScoredToken>& tokens, double threshold,
                                 Granularity g) {
  const auto us = units(document, g);
  std::vector<UnitScores> scores(us.size());
  Compression c;
  c.documentBytes = document.size();
  c.documentTokens = tokens.size();
  for (const auto& t : tokens) {
    const std::size_t u = unitOf(us, t.span);
    if (u == us.size()) continue;
    auto& s = scores[u];
    s.max = s.count ? std::max(s.max, t.score) : t.score;
    s.sum += t.score;
    ++s.count;
    if (t.score >= threshold) s.kept = true;
  }
  for (std::size_t u = 0; u < us.size(); ++u) {
    if (!scores[u].kept) continue;
    c.spans.push_back({us[u], scores[u].max, scores[u].sum / static_cast<double>(scores[u].count)});
    c.keptBytes += us[u].size();
    c.keptTokens += scores[u].count;
  }
  c.text = join(document, c.spans, g);
  return c;
}

}  // namespace longrl::cprs
