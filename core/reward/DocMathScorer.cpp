#include "core/reward/DocMathScorer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/reward/AnswerExtractor.h"
#include "core/reward/RewardError.h"

namespace longrl::reward {

namespace {

bool startsWithNoCase(const std::string& s, size_t i, const char* prefix) {
  const size_t n = std::strlen(prefix);
  if (i + n > s.size()) return false;
  for (size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[k]) return false;
  }
  return true;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Symbols that may precede the number; "\xE2\x88\x92" is the Unicode minus, handled as a sign.
const char* const kSymbolPrefixes[] = {"=",
                                       "\xE2\x89\x88" /* ≈ */,
                                       "~",
                                       "`",
                                       "$",
                                       "\xC2\xA3" /* £ */,
                                       "\xE2\x82\xAC" /* € */,
                                       "\xC2\xA5" /* ¥ */,
                                       "\xC2\xB0" /* ° */,
                                       ":"};
// Words that may precede the number (lowercase); they must end at a non-letter.
const char* const kWordPrefixes[] = {"approximately", "approx.", "about", "around", "roughly", "nearly", "usd", "us",
                                     "rmb",           "cny",     "eur",   "gbp",    "rs."};

// parseLeadingNumber(s.substr(start)) without copying the tail. extract() tries every "the answer
// is" from the last one back: copying the rest of the text each time was quadratic, and a 1 MB
// response of 65,536 "the answer is x " (found by tests/fuzz/FuzzAnswerExtraction) took minutes.
std::optional<DocMathScorer::Number> leadingNumberFrom(const std::string& s, size_t start) {
  size_t i = start;
  bool negative = false, signSeen = false;
  for (int guard = 0; guard < 32; ++guard) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    bool consumed = false;
    for (const char* p : kSymbolPrefixes)
      if (s.compare(i, std::strlen(p), p) == 0) {
        i += std::strlen(p);
        consumed = true;
        break;
      }
    if (!consumed)
      for (const char* w : kWordPrefixes) {
        const size_t n = std::strlen(w);
        if (startsWithNoCase(s, i, w) && (i + n == s.size() || !isAlpha(s[i + n]))) {
          i += n;
          consumed = true;
          break;
        }
      }
    if (!consumed && !signSeen && i < s.size() && (s[i] == '-' || s[i] == '+')) {
      negative = s[i] == '-';
      signSeen = consumed = true;
      ++i;
    } else if (!consumed && !signSeen && s.compare(i, 3, "\xE2\x88\x92") == 0) {
      negative = signSeen = consumed = true;
      i += 3;
    }
    if (!consumed) break;
  }
  if (i >= s.size()) return std::nullopt;
  if (!isDigit(s[i]) && !(s[i] == '.' && i + 1 < s.size() && isDigit(s[i + 1]))) return std::nullopt;
  size_t end = i;
  while (end < s.size() && (isDigit(s[end]) || s[end] == '.' || s[end] == ',')) ++end;
  std::string digits = s.substr(i, end - i);
  while (!digits.empty() && (digits.back() == '.' || digits.back() == ',')) digits.pop_back();
  std::string clean;
  int dots = 0;
  for (char c : digits) {
    if (c == ',') continue;
    if (c == '.') ++dots;
    clean.push_back(c);
  }
  if (dots > 1 || clean.empty()) return std::nullopt;  // "1.2.3" is a section number, not a value
  // Scientific notation directly after the digits (1.2e6, 3E-4).
  const size_t afterDigits = i + digits.size();
  if (afterDigits == end && end < s.size() && (s[end] == 'e' || s[end] == 'E')) {
    size_t k = end + 1;
    std::string exp = "e";
    if (k < s.size() && (s[k] == '-' || s[k] == '+')) exp.push_back(s[k++]);
    const size_t expDigits = k;
    while (k < s.size() && isDigit(s[k])) exp.push_back(s[k++]);
    if (k > expDigits && (k == s.size() || !isAlpha(s[k]))) clean += exp;
  }
  double value = 0.0;
  const auto res = std::from_chars(clean.data(), clean.data() + clean.size(), value);
  if (res.ec != std::errc() || res.ptr != clean.data() + clean.size()) return std::nullopt;
  DocMathScorer::Number n;
  n.value = negative ? -value : value;
  n.text = (negative ? "-" : "") + clean;
  return n;
}

}  // namespace

std::optional<DocMathScorer::Number> DocMathScorer::parseLeadingNumber(const std::string& s) {
  return leadingNumberFrom(s, 0);
}

std::optional<DocMathScorer::Number> DocMathScorer::extract(const std::string& answerText) {
  const std::string text = AnswerExtractor::clean(answerText);
  const auto ends = AnswerExtractor::phraseEnds(text, kPhrase);
  for (auto it = ends.rbegin(); it != ends.rend(); ++it)
    if (auto n = leadingNumberFrom(text, *it)) return n;
  return std::nullopt;
}

DocMathScorer::Number DocMathScorer::groundTruthNumber(const std::string& gt) {
  if (auto n = extract(gt)) return *n;
  if (auto n = parseLeadingNumber(AnswerExtractor::trim(AnswerExtractor::clean(gt)))) return *n;
  throw RewardError("docmath ground truth is not a number: \"" + gt + "\"");
}

bool DocMathScorer::withinTolerance(double pred, double gt) {
  const double eps = std::fabs(gt) * kRelativeTolerance;
  return pred >= gt - eps && pred <= gt + eps;
}

bool DocMathScorer::equivalent(double pred, double gt) {
  if (!std::isfinite(pred) || !std::isfinite(gt)) return false;
  if (pred == gt) return true;
  if ((pred < 0 && gt > 0) || (pred > 0 && gt < 0)) return false;
  const double v1 = std::max(std::fabs(pred), std::fabs(gt));
  const double v2 = std::min(std::fabs(pred), std::fabs(gt));
  if (v2 > 0) {
    // An exact power of ten apart (the reference tests that log10 differences are integral).
    const double ratio = v1 / v2;
    const double k = std::round(std::log10(ratio));
    if (std::fabs(ratio / std::pow(10.0, k) - 1.0) <= 1e-9) return true;
  }
  if (v2 <= v1 / 50 && withinTolerance(v2 * 100, v1)) return true;
  if (v2 <= v1 / 500 && withinTolerance(v2 * 1000, v1)) return true;
  if (v2 <= v1 / 50000 && withinTolerance(v2 * 100000, v1)) return true;
  if (std::ceil(v1 * 1000) / 1000 == std::ceil(v2 * 1000) / 1000) return true;
  return withinTolerance(pred, gt);
}

RuleOutcome DocMathScorer::score(const std::string& answerText, const GroundTruth& gt) {
  RuleOutcome out;
  const auto pred = extract(answerText);
  if (!pred) {
    out.method = "docmath: no number after \"the answer is\"";
    return out;
  }
  out.pred = pred->text;
  std::string lastError;
  bool anyGt = false;
  for (const auto& g : gt.answers()) {
    Number want;
    try {
      want = groundTruthNumber(g);
    } catch (const RewardError& e) {
      lastError = e.what();
      continue;
    }
    anyGt = true;
    if (equivalent(pred->value, want.value)) {
      out.score = 1.0;
      out.method = "docmath: " + pred->text + " is equivalent to " + want.text;
      return out;
    }
  }
  if (!anyGt) throw RewardError(lastError.empty() ? "docmath: empty ground truth" : lastError);
  out.method = "docmath: " + pred->text + " is not equivalent to the ground truth";
  return out;
}

}  // namespace longrl::reward
