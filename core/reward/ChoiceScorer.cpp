#include "core/reward/ChoiceScorer.h"

#include "core/reward/AnswerExtractor.h"
#include "core/reward/RewardError.h"

namespace longrl::reward {

namespace {
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// A letter at the start of `s`: "(X)" or "X" followed by a non-letter or the end.
std::optional<char> leadingLetter(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == ':')) ++i;
  if (i < s.size() && s[i] == '(') {
    if (i + 2 < s.size() && isAlpha(s[i + 1]) && s[i + 2] == ')') return upper(s[i + 1]);
    return std::nullopt;
  }
  if (i < s.size() && isAlpha(s[i]) && (i + 1 == s.size() || !isAlpha(s[i + 1]))) return upper(s[i]);
  return std::nullopt;
}
}  // namespace

std::optional<char> ChoiceScorer::extract(const std::string& answerText) {
  const std::string text = AnswerExtractor::clean(answerText);
  const auto ends = AnswerExtractor::phraseEnds(text, kPhrase);
  for (auto it = ends.rbegin(); it != ends.rend(); ++it)
    if (auto c = leadingLetter(text.substr(*it))) return c;
  return std::nullopt;
}

char ChoiceScorer::groundTruthLetter(const std::string& gt) {
  if (auto c = extract(gt)) return *c;
  std::string t = AnswerExtractor::trim(gt);
  while (!t.empty() && t.back() == '.') t.pop_back();
  if (auto c = leadingLetter(t); c && (t.size() == 1 || t.size() == 3)) return *c;
  throw RewardError("multiple-choice ground truth is not a letter: \"" + gt + "\"");
}

RuleOutcome ChoiceScorer::score(const std::string& answerText, const GroundTruth& gt) {
  RuleOutcome out;
  const auto letter = extract(answerText);
  if (!letter) {
    out.method = "choice: no \"The correct answer is (X)\"";
    return out;
  }
  out.pred = std::string(1, *letter);
  for (const auto& g : gt.answers()) {
    if (groundTruthLetter(g) == *letter) {
      out.score = 1.0;
      out.method = std::string("choice: letter ") + *letter + " matches";
      return out;
    }
  }
  out.method = std::string("choice: letter ") + *letter + " does not match " + gt.display();
  return out;
}

}  // namespace longrl::reward
