#include "core/reward/DocQaScorer.h"

#include "core/reward/AnswerExtractor.h"
#include "core/reward/SquadNormalizer.h"

namespace longrl::reward {

namespace {
// Python's s.strip().strip('.').strip().
std::string stripPeriods(const std::string& s) {
  std::string t = AnswerExtractor::trim(s);
  size_t b = 0, e = t.size();
  while (b < e && t[b] == '.') ++b;
  while (e > b && t[e - 1] == '.') --e;
  return AnswerExtractor::trim(t.substr(b, e - b));
}
}  // namespace

std::optional<std::string> DocQaScorer::extract(const std::string& answerText) {
  const std::string text = AnswerExtractor::clean(answerText);
  // The reference splits on the lowercase phrase only; keep that whenever it applies (so a later
  // "The answer is based on ..." does not replace the answer) and fall back to any case, which
  // rescues "The answer is X." that the reference scores 0.
  std::optional<std::string> after;
  if (const size_t p = text.rfind(kPhrase); p != std::string::npos)
    after = text.substr(p + std::char_traits<char>::length(kPhrase));
  else after = AnswerExtractor::afterLastPhrase(text, kPhrase);
  if (!after) return std::nullopt;
  std::string pred = stripPeriods(*after);
  if (pred.empty()) return std::nullopt;
  return pred;
}

std::string DocQaScorer::groundTruthAnswer(const std::string& gt) {
  if (auto a = extract(gt)) return *a;
  return stripPeriods(gt);
}

bool DocQaScorer::subEm(const std::string& pred, const std::string& gt) {
  const std::string p = SquadNormalizer::normalize(pred);
  const std::string g = SquadNormalizer::normalize(gt);
  if (p.empty() || g.empty()) return false;
  return p.find(g) != std::string::npos || g.find(p) != std::string::npos;
}

RuleOutcome DocQaScorer::score(const std::string& answerText, const GroundTruth& gt) {
  RuleOutcome out;
  out.pred = extract(answerText);
  if (!out.pred) {
    out.method = "docqa: no text after \"the answer is\"";
    return out;
  }
  for (const auto& g : gt.answers()) {
    const std::string want = groundTruthAnswer(g);
    if (subEm(*out.pred, want)) {
      out.score = 1.0;
      out.method = "docqa: sub-EM match with \"" + want + "\"";
      return out;
    }
  }
  out.method = "docqa: no sub-EM match";
  return out;
}

}  // namespace longrl::reward
