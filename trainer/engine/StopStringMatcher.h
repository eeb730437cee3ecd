#pragma once
#include <functional>
#include <string>
#include <vector>

namespace longrl::engine {

// Detokenizer used to look for stop strings (e.g. Tokenizer::decode).
using Detokenizer = std::function<std::string(const std::vector<int>&)>;

// Finds the first stop string in a growing completion without decoding all of it each step:
// every token decodes to at least one byte, so the last (longest stop string + 4) tokens cover
// any stop string the newest token can have completed (+4 for a character cut by the window).
class StopStringMatcher {
 public:
  StopStringMatcher(std::vector<std::string> stops, Detokenizer detokenize);

  bool active() const { return !stops_.empty(); }
  // The stop string present in the decoded tail of `tokens`, or nullptr.
  const std::string* match(const std::vector<int>& tokens) const;

  // `text` cut before the first occurrence of any of `stops` (earliest wins); unchanged when none.
  static std::string cut(const std::string& text, const std::vector<std::string>& stops);

 private:
  std::vector<std::string> stops_;
  Detokenizer detokenize_;
  size_t window_ = 0;
};

}  // namespace longrl::engine
