#include "core/cprs/DemoSupport.h"

#include <string>

#include "core/cprs/TextUnits.h"

namespace longrl::cprs {

std::vector<TextSpan> DemoSupport::sentences(const demo::DemoExample& ex) {
  const auto& t = ex.targetResponse;
  const auto open = t.find("<think>"), close = t.find("</think>");
  if (open == std::string::npos || close == std::string::npos || close < open) return {};
  const std::string evidence = " " + t.substr(open + 7, close - open - 7) + " ";
  std::vector<TextSpan> out;
  for (const auto& s : TextUnits::sentences(ex.document)) {
    // Whole sentences only: " Torik lives in Kelmar. " cannot match inside another sentence.
    const std::string sentence = " " + ex.document.substr(s.begin, s.size()) + " ";
    if (evidence.find(sentence) != std::string::npos) out.push_back(s);
  }
  return out;
}

double DemoSupport::recall(const std::string& document, const std::vector<TextSpan>& supporting,
                           const std::vector<TextSpan>& kept) {
  if (supporting.empty()) return 1.0;
  auto keptWord = [&](const TextSpan& w) {
    for (const auto& k : kept)
      if (k.contains(w)) return true;
    return false;
  };
  std::size_t covered = 0;
  for (const auto& s : supporting) {
    bool all = true;
    for (auto w : TextUnits::words(std::string_view(document).substr(s.begin, s.size()))) {
      w.begin += s.begin;
      w.end += s.begin;
      all = all && keptWord(w);
    }
    if (all) ++covered;
  }
  return static_cast<double>(covered) / static_cast<double>(supporting.size());
}

}  // namespace longrl::cprs
