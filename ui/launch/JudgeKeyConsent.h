#pragma once
#include <QString>

#include "core/config/RunConfig.h"

namespace longrl::ui {

// The launcher's side of reward.judge.api_key_env: the run sends that variable's value to the
// judge's URL, so the launcher shows both before Start and asks before sending a variable not
// named like a key (config::KeyEnvName). The answer is asked at every Start: a loaded config's
// own allow_any_key_env is not taken as the user's consent, since the config may be someone
// else's.
class JudgeKeyConsent {
 public:
  // What Start will send where ("" when the judge is off), with a warning when the variable is
  // not named like a key.
  static QString summary(const config::JudgeConfig& judge);
  // The judge is on and its variable is a valid name not like a key's: Start must ask.
  static bool needed(const config::JudgeConfig& judge);
  static QString question(const config::JudgeConfig& judge);
  // As RunConfig::loadFile, except that a variable not named like a key is loaded (for the
  // question at Start) instead of refused. allow_any_key_env comes back false.
  static config::RunConfig loadFile(const QString& path);
};

}  // namespace longrl::ui
