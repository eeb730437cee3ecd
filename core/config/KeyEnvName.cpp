#include "core/config/KeyEnvName.h"

#include <cctype>

namespace longrl::config {

bool KeyEnvName::isName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (const char ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  return true;
}

bool KeyEnvName::looksLikeKey(const std::string& name) {
  if (!isName(name)) return false;
  const size_t cut = name.find_last_of('_');
  std::string last = cut == std::string::npos ? name : name.substr(cut + 1);
  for (char& ch : last) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return last == "KEY" || last == "APIKEY" || last == "TOKEN" || last == "SECRET";
}

const char* KeyEnvName::rule() {
  return "its last word must be KEY, APIKEY, TOKEN or SECRET, as in OPENAI_API_KEY or HF_TOKEN";
}

}  // namespace longrl::config
