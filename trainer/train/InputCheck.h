#pragma once
#include <optional>
#include <string>

#include "core/config/RunConfig.h"

namespace longrl::train {

// What a run reads, checked before any training: a missing or unreadable dataset is reported in
// seconds, not after the SFT warm-up and its checkpoint.
class InputCheck {
 public:
  // Every file of dataset.train, dataset.val and (when SFT is on) sft.train exists, can be read and
  // its first record parses. Throws ConfigError with one issue per bad file, naming its key
  // (dataset.train[1]) and path.
  static void requireDatasets(const config::RunConfig& config);
  // Empty when the judge is off or its server answered (any HTTP reply); otherwise a warning naming
  // reward.judge.base_url. Only a warning: the server may come up later, and failed calls are
  // recorded per rollout.
  static std::optional<std::string> judgeWarning(const config::JudgeConfig& judge);
  // The line a run logs before training when the judge is on: where the calls go and which
  // environment variable's value they carry as the API key. nullopt when the judge is off.
  static std::optional<std::string> judgeSummary(const config::JudgeConfig& judge);
};

}  // namespace longrl::train
