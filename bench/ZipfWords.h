#pragma once
// Made-up words with a Zipf-like frequency (a few common, a long tail), as natural text has: the
// benches' synthetic documents and reasoning traces draw from it.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace longrl::bench {

class ZipfWords {
 public:
  // About 4,000 distinct words of 1-4 syllables, drawn (and ranked) with `rng`.
  explicit ZipfWords(std::mt19937& rng) {
    const char* syl[] = {"ka",  "lo",  "mi", "ter", "san", "du",  "ve", "ro",
                         "pen", "tal", "ri", "mon", "ga",  "sel", "fi", "bor"};
    std::uniform_int_distribution<int> pick(0, 15), len(1, 4);
    while (vocab_.size() < 4000) {
      std::string w;
      for (int k = len(rng); k > 0; --k) w += syl[pick(rng)];
      vocab_.push_back(w);
    }
    std::sort(vocab_.begin(), vocab_.end());
    vocab_.erase(std::unique(vocab_.begin(), vocab_.end()), vocab_.end());
    std::shuffle(vocab_.begin(), vocab_.end(), rng);
    std::vector<double> weights(vocab_.size());
    for (size_t r = 0; r < weights.size(); ++r) weights[r] = 1.0 / std::pow(double(r + 1), 1.05);
    zipf_ = std::discrete_distribution<size_t>(weights.begin(), weights.end());
  }

  const std::string& word(std::mt19937& rng) { return vocab_[zipf_(rng)]; }

 private:
  std::vector<std::string> vocab_;
  std::discrete_distribution<size_t> zipf_;
};

}  // namespace longrl::bench
