#include "trainer/engine/StopStringMatcher.h"

#include <algorithm>
#include <stdexcept>

namespace longrl::engine {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops, Detokenizer detokenize)
    : detokenize_(std::move(detokenize)) {
  for (auto& s : stops) {
    if (s.empty()) continue;  // an empty stop string would end every sample at once
    window_ = std::max(window_, s.size() + 4);
    stops_.push_back(std::move(s));
  }
  if (!stops_.empty() && !detokenize_)
    throw std::invalid_argument("stop strings need a detokenizer (EngineOptions::detokenize)");
}

const std::string* StopStringMatcher::match(const std::vector<int>& tokens) const {
  if (stops_.empty() || tokens.empty()) return nullptr;
  const size_t from = tokens.size() > window_ ? tokens.size() - window_ : 0;
  const std::string tail =
      detokenize_(std::vector<int>(tokens.begin() + static_cast<std::ptrdiff_t>(from), tokens.end()));
  for (const auto& s : stops_)
    if (tail.find(s) != std::string::npos) return &s;
  return nullptr;
}

std::string StopStringMatcher::cut(const std::string& text, const std::vector<std::string>& stops) {
  size_t at = std::string::npos;
  for (const auto& s : stops) {
    if (s.empty()) continue;
    at = std::min(at, text.find(s));
  }
  return at == std::string::npos ? text : text.substr(0, at);
}

}  // namespace longrl::engine
