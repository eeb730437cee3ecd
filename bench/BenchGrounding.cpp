// Grounding time for a 120,000-token document against a 10,000-token trace (aim: under 100 ms).
// Synthetic English-like text: words drawn Zipf-style from a 4,000-word vocabulary, in sentences
// with capitals and punctuation. Token counts assume 1.33 tokens per word (typical for English
// under a BPE tokenizer): 90,000 document words, 7,500 trace words. The trace is reasoning-like
// filler from the same vocabulary (so chance n-gram hits happen) with 25 verbatim quotes and 25
// paraphrases (every 7th word replaced, one word dropped, case changed) of 10-40 words each.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/BenchArgs.h"
#include "bench/ZipfWords.h"
#include "core/grounding/GroundingAligner.h"
#include "core/grounding/GroundingIndex.h"

using namespace longrl::grounding;
using Clock = std::chrono::steady_clock;

namespace {

struct Planted {
  size_t docBegin, docEnd;  // byte range in the document
  bool paraphrase;
};

class TextGen {
 public:
  explicit TextGen(unsigned seed) : rng_(seed), words_(rng_) {}

  const std::string& word() { return words_.word(rng_); }
  std::mt19937& rng() { return rng_; }

  // Appends `words` words as sentences; records each word's byte range.
  void sentences(std::string& out, size_t words, std::vector<std::pair<size_t, size_t>>* ranges) {
    std::uniform_int_distribution<int> sentenceLen(8, 25), punct(0, 9);
    size_t inSentence = 0, target = sentenceLen(rng_);
    for (size_t k = 0; k < words; ++k) {
      std::string w = word();
      if (inSentence == 0) w[0] = char(w[0] - 32);
      if (!out.empty()) out += ' ';
      if (ranges) ranges->push_back({out.size(), out.size() + w.size()});
      out += w;
      if (++inSentence == target) {
        out += '.';
        if (punct(rng_) == 0) out += "\n\n";
        inSentence = 0;
        target = sentenceLen(rng_);
      } else if (punct(rng_) == 0) {
        out += ',';
      }
    }
  }

 private:
  std::mt19937 rng_;
  longrl::bench::ZipfWords words_;
};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  longrl::bench::parseArgs(argc, argv, "(no options)", [](longrl::cli::ArgList&) {});
  TextGen gen(20260522);
  std::string doc;
  std::vector<std::pair<size_t, size_t>> docWords;
  gen.sentences(doc, 90000, &docWords);

  std::string trace = "<think>\n";
  std::vector<Planted> planted;
  std::uniform_int_distribution<size_t> quoteLen(10, 40), where(0, docWords.size() - 41), filler(60, 140);
  for (int q = 0; q < 50; ++q) {
    gen.sentences(trace, filler(gen.rng()), nullptr);
    const bool para = q % 2 == 1;
    const size_t len = quoteLen(gen.rng()), start = where(gen.rng());
    trace += para ? " In other words, " : " The text says: \"";
    for (size_t k = 0; k < len; ++k) {
      if (para && k == len / 2) continue;                // a dropped word
      std::string w = (para && k % 7 == 3) ? gen.word()  // a replaced word
                                           : doc.substr(docWords[start + k].first,
                                                        docWords[start + k].second - docWords[start + k].first);
      if (para && k % 5 == 0) std::transform(w.begin(), w.end(), w.begin(), ::toupper);
      trace += (k ? " " : "") + w;
    }
    trace += para ? ". " : "\". ";
    planted.push_back({docWords[start].first, docWords[start + len - 1].second, para});
  }
  const long soFar = long(tokenizeForGrounding(trace).size());
  if (soFar < 7500) gen.sentences(trace, size_t(7500 - soFar), nullptr);
  trace += "\n</think>\nTherefore, the answer is 42.";

  std::printf("document: %zu bytes, %zu words (~%.0fK tokens at 1.33 tokens/word)\n", doc.size(),
              tokenizeForGrounding(doc).size(), tokenizeForGrounding(doc).size() * 1.33 / 1000);
  std::printf("trace:    %zu bytes, %zu words (~%.0fK tokens)\n", trace.size(), tokenizeForGrounding(trace).size(),
              tokenizeForGrounding(trace).size() * 1.33 / 1000);
  // The default seed length first, then its neighbours for comparison (why 4, see GroundingOptions).
  for (size_t ngram : {size_t(3), size_t(4), size_t(5)}) {
    GroundingOptions options;
    options.ngram = ngram;
    const GroundingAligner aligner(options);
    const int reps = 15;
    std::vector<double> buildMs, alignMs;
    std::vector<GroundingSpan> spans;
    for (int r = 0; r < reps; ++r) {
      const auto t0 = Clock::now();
      const GroundingIndex index(doc, ngram);
      const auto t1 = Clock::now();
      spans = aligner.align(index, trace);
      const auto t2 = Clock::now();
      buildMs.push_back(ms(t1 - t0));
      alignMs.push_back(ms(t2 - t1));
    }
    std::sort(buildMs.begin(), buildMs.end());
    std::sort(alignMs.begin(), alignMs.end());
    size_t foundVerbatim = 0, foundPara = 0, unplanted = 0;
    auto overlaps = [](const GroundingSpan& s, const Planted& p) {
      return s.docBegin < p.docEnd && p.docBegin < s.docEnd;
    };
    for (const Planted& p : planted) {
      bool hit = false;
      for (const GroundingSpan& s : spans) hit = hit || overlaps(s, p);
      (p.paraphrase ? foundPara : foundVerbatim) += hit;
    }
    for (const GroundingSpan& s : spans) {
      bool any = false;
      for (const Planted& p : planted) any = any || overlaps(s, p);
      unplanted += !any;
    }
    std::printf("\nngram=%zu%s\n", ngram, ngram == GroundingOptions{}.ngram ? " (default)" : "");
    std::printf("  index build: median %.2f ms (min %.2f) over %d runs\n", buildMs[reps / 2], buildMs[0], reps);
    std::printf("  align:       median %.2f ms (min %.2f)\n", alignMs[reps / 2], alignMs[0]);
    std::printf("  total:       median %.2f ms (aim: < 100 ms)\n", buildMs[reps / 2] + alignMs[reps / 2]);
    std::printf("  spans: %zu; planted verbatim found %zu/25, paraphrased found %zu/25, spans not planted %zu\n",
                spans.size(), foundVerbatim, foundPara, unplanted);
  }
  return 0;
}
