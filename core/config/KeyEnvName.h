#pragma once
#include <string>

namespace longrl::config {

// What reward.judge.api_key_env may name. The run sends that variable's value to
// reward.judge.base_url, so a shared config could otherwise ship any variable (HOME, a database
// URL, a cloud session) to any server. A name is taken as a key's when it is a variable name
// ([A-Za-z_][A-Za-z0-9_]*) whose last `_`-separated word is KEY, APIKEY, TOKEN or SECRET, in any
// case: OPENAI_API_KEY, HF_TOKEN, judge_secret; not HOME, PATH or MONKEY. Any other variable needs
// the user's consent: reward.judge.allow_any_key_env in a config, the launcher's question in the
// studio.
class KeyEnvName {
 public:
  // A name the environment can hold: letters, digits and _, not starting with a digit.
  static bool isName(const std::string& name);
  static bool looksLikeKey(const std::string& name);
  // The rule in words, for messages.
  static const char* rule();
};

}  // namespace longrl::config
