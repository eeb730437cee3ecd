#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/behavior/BehaviorKind.h"
#include "core/behavior/TraceSteps.h"

namespace longrl::behavior {

// The cue phrases that mark a step's behaviour, and the matching of them against a step's tokens.
//
// A phrase is written as token slots separated by spaces, each slot a '|'-separated set of
// alternatives ("let|lets me|us check"), matched against CueTokens (lower case, apostrophes dropped,
// so "let's" is "lets"). "#" matches a 1-2 digit number. A leading '^' anchors the phrase at the
// step's start, after markdown marks and filler words ("Okay, so first, ..." starts at "first").
// Chinese cues are plain substrings (the script has no word boundaries), looked for only in steps
// with non-ASCII bytes.
class BehaviorCues {
 public:
  struct Match {
    size_t begin = 0;
    size_t end = 0;
  };
  using Matches = std::array<std::optional<Match>, 3>;  // by BehaviorKind

  BehaviorCues(const std::vector<std::pair<BehaviorKind, std::string>>& phrases,
               std::vector<std::pair<BehaviorKind, std::string>> cjk);
  // The built-in English and Chinese lists (see BehaviorCues.cpp for the rules behind them).
  static const BehaviorCues& builtIn();

  // For each kind, the first cue in the step (byte offsets), if any. `text` is the whole trace,
  // `step` the step's range, `tokens` its tokenizeCues.
  Matches match(std::string_view text, TraceStep step, const std::vector<CueToken>& tokens) const;

 private:
  struct Pattern {
    BehaviorKind kind;
    std::vector<std::vector<std::string>> slots;
  };

  bool matchesAt(const Pattern& p, const std::vector<CueToken>& tokens, size_t i) const;
  void tryAt(const std::vector<uint32_t>* candidates, const std::vector<CueToken>& tokens, size_t i,
             Matches& out) const;

  std::vector<Pattern> patterns_;
  // Patterns by their first slot's alternatives ("#" for numbers): anywhere in a step, or at its start.
  std::unordered_map<std::string, std::vector<uint32_t>> anywhere_, atStart_;
  std::vector<std::pair<BehaviorKind, std::string>> cjk_;
};

}  // namespace longrl::behavior
