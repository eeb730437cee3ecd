#pragma once
#include <cstddef>

namespace longrl::grounding {

struct GroundingOptions {
  // Seed length in words. 3 rather than the usual 4: a paraphrase that changes every 4th word has
  // no exact 4-word run, and chance seeds cost little because a span must pass the filters below
  // (min words, informative words, score) before it counts. Measured by bench/BenchGrounding
  // (120K-token document, 10K-token trace, 25 quotes + 25 paraphrases): n=3 found 25+25 with no
  // false span, n=4 25+23, n=5 25+18; align time 2.3 ms vs 1.2 ms. CJK counts characters.
  size_t ngram = 3;
  // Drop spans with fewer matched words: short common phrases are not grounding.
  size_t minSpanWords = 6;
  // Largest run of differing words (on either side) that extension steps over.
  size_t maxGap = 3;
  // After a gap, this many consecutive words must match again to continue the span.
  size_t resyncWords = 2;
  // matched / max(trace words, document words) of a span; below it a span is mostly differences.
  double minScore = 0.5;
  // A span must match at least this many informative words: words that are not common in the
  // document. Runs of the most frequent words ("of the ... in the") otherwise align by chance.
  size_t minInformativeWords = 2;
  // A word is common when it occurs more than max(4, commonWordFraction x document words) times.
  double commonWordFraction = 0.005;
  // An n-gram found more often than this in the document is boilerplate: not used as a seed.
  size_t maxSeedOccurrences = 32;
};

}  // namespace longrl::grounding
