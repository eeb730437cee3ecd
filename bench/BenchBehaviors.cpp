// Rule-based reasoning behaviours (sub-goal, backtracking, verification steps and the grounding
// share) for stored rollouts, per second. Synthetic rollouts: reasoning traces of 2-4 KB built from
// plain sentences over a Zipf vocabulary (as BenchGrounding), about one sentence in five a cue
// sentence (one behaviour each), some re-computed arithmetic and some quotes of the document, then
// "</think>" and an answer. Rollouts come in groups sharing a document, as GRPO samples do: the
// grounding pass builds one document index per group. Prints behaviours alone, then with grounding.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/BenchArgs.h"
#include "bench/ZipfWords.h"
#include "core/behavior/RuleBehaviorClassifier.h"

using namespace longrl::behavior;
using Clock = std::chrono::steady_clock;

namespace {

const char* kUsage =
    "[--rollouts N] [--group G] [--doc-words W]\n"
    "  N rollouts (10000) of 2-4 KB reasoning, G to a document (8), documents of W words (20000, about\n"
    "  27K tokens); prints rollouts a second for the rule classifier alone and with grounding.";

class TextGen {
 public:
  explicit TextGen(unsigned seed) : rng_(seed), words_(rng_) {}

  const std::string& word() { return words_.word(rng_); }
  std::mt19937& rng() { return rng_; }
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  // `words` words as one sentence ending in '.'.
  std::string sentence(size_t words) {
    std::string s;
    for (size_t k = 0; k < words; ++k) {
      std::string w = word();
      if (k == 0) w[0] = char(w[0] - 32);
      s += (k ? " " : "") + w;
    }
    return s + ".";
  }

 private:
  std::mt19937 rng_;
  longrl::bench::ZipfWords words_;
};

std::string document(TextGen& gen, size_t words) {
  std::string doc;
  while (words > 0) {
    const size_t n = std::min<size_t>(words, size_t(gen.uniform(8, 25)));
    doc += gen.sentence(n) + (gen.uniform(0, 9) == 0 ? "\n\n" : " ");
    words -= n;
  }
  return doc;
}

// One cue sentence of each behaviour, with a vocabulary word in it.
std::string cueSentence(TextGen& gen, int kind) {
  static const std::vector<std::vector<std::string>> kCues = {
      {"First, I need to find the @ in the document.", "Step 2: compare the @ with the earlier one.",
       "Let me break this down into the @ and the rest.", "Next, I need to determine the @."},
      {"Wait, that doesn't seem right about the @.", "Actually, the @ is mentioned later.", "No, I misread the @ part.",
       "Hmm, let me reconsider the @."},
      {"Let me check the @ again.", "To confirm, the @ appears twice.", "Let me double-check the @ section.",
       "This confirms the @ reading."}};
  std::string s = kCues[kind][size_t(gen.uniform(0, 3))];
  s.replace(s.find('@'), 1, gen.word());
  return s;
}

struct Rollout {
  std::string response;
  int planted[3] = {0, 0, 0};
};

Rollout rollout(TextGen& gen, const std::string& doc) {
  Rollout r;
  r.response = "<think>\n";
  const size_t target = size_t(gen.uniform(2048, 4096));
  while (r.response.size() < target) {
    const int roll = gen.uniform(0, 19);
    if (roll < 3) {
      r.response += cueSentence(gen, roll);
      ++r.planted[roll];
    } else if (roll == 3) {  // a computation and, later, maybe its re-computation
      const int a = gen.uniform(2, 99), b = gen.uniform(2, 99);
      r.response += "So " + std::to_string(a) + " × " + std::to_string(b) + " = " + std::to_string(a * b) + ".";
    } else if (roll == 4) {  // a quote of 12-30 words
      const size_t at = size_t(gen.uniform(0, int(doc.size()) - 400));
      const size_t begin = doc.find(' ', at) + 1, end = doc.find(' ', begin + size_t(gen.uniform(80, 200)));
      r.response += "The text says: \"" + doc.substr(begin, end - begin) + "\".";
    } else {
      r.response += gen.sentence(size_t(gen.uniform(6, 20)));
    }
    r.response += gen.uniform(0, 3) == 0 ? "\n" : " ";
  }
  r.response += "\n</think>\nThe answer is " + gen.word() + ".";
  return r;
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  long long n = 10000, group = 8, docWords = 20000;
  longrl::bench::parseArgs(argc, argv, kUsage, [&](longrl::cli::ArgList& a) {
    n = a.takeInt("rollouts", 1, 10000000, n);
    group = a.takeInt("group", 1, 1024, group);
    docWords = a.takeInt("doc-words", 1000, 10000000, docWords);
  });
  TextGen gen(20261204);
  std::vector<std::string> docs;
  std::vector<Rollout> rollouts;
  size_t bytes = 0;
  int planted[3] = {0, 0, 0};
  for (long long i = 0; i < n; ++i) {
    if (i % group == 0) docs.push_back(document(gen, size_t(docWords)));
    rollouts.push_back(rollout(gen, docs.back()));
    bytes += rollouts.back().response.size();
    for (int k = 0; k < 3; ++k) planted[k] += rollouts.back().planted[k];
  }
  std::printf("%lld rollouts, %.1f KB of response each on average; %zu documents of %lld words\n", n,
              double(bytes) / double(n) / 1024, docs.size(), docWords);

  const RuleBehaviorClassifier classifier;
  long found[3] = {0, 0, 0};
  auto t0 = Clock::now();
  for (const auto& r : rollouts) {
    const auto rec = classifier.classify(r.response);
    for (BehaviorKind k : kBehaviorKinds) found[size_t(k)] += rec.count(k);
  }
  const double plain = seconds(Clock::now() - t0);
  std::printf("\nbehaviours (rule-based, no grounding): %.3f s, %.0f rollouts/s, %.1f MB/s\n", plain, double(n) / plain,
              double(bytes) / plain / 1e6);
  std::printf(
      "  steps found (planted cue sentences): subgoal %ld (%d), backtracking %ld (%d), verification %ld (%d"
      " + re-computations)\n",
      found[0], planted[0], found[1], planted[1], found[2], planted[2]);

  const longrl::grounding::GroundingAligner aligner;
  double shareSum = 0;
  t0 = Clock::now();
  for (size_t d = 0; d < docs.size(); ++d) {
    const longrl::grounding::GroundingIndex index(docs[d], aligner.options().ngram);
    for (size_t i = d * size_t(group); i < std::min(rollouts.size(), (d + 1) * size_t(group)); ++i)
      shareSum += *classifier.classify(rollouts[i].response, index, aligner).groundingShare;
  }
  const double grounded = seconds(Clock::now() - t0);
  std::printf("\nwith grounding (one document index per group of %lld): %.3f s, %.0f rollouts/s\n", group, grounded,
              double(n) / grounded);
  std::printf("  mean grounding share %.3f\n", shareSum / double(n));
  return 0;
}
