#include "trainer/train/RewardSetup.h"

#include <cstdlib>

namespace longrl::train {

std::shared_ptr<const reward::RewardFunction> RewardSetup::make(const config::RunConfig& config) {
  std::shared_ptr<const reward::JudgeClient> judge;
  const auto& j = config.reward.judge;
  if (j.enabled) {
    reward::JudgeOptions o;
    o.base_url = j.baseUrl;
    o.model = j.model;
    if (!j.apiKeyEnv.empty())
      if (const char* key = std::getenv(j.apiKeyEnv.c_str())) o.api_key = key;
    o.timeout_ms = static_cast<int>(j.timeoutMs);
    o.max_retries = static_cast<int>(j.maxRetries);
    o.max_concurrent = static_cast<int>(j.maxConcurrent);
    judge = std::make_shared<reward::JudgeClient>(o);
  }
  std::optional<reward::OverlongPenalty> overlong;
  const auto& op = config.grpo.overlongPenalty;
  if (op.enabled) overlong.emplace(static_cast<long>(op.maxLen), static_cast<long>(op.bufferLen));
  return std::make_shared<reward::RewardFunction>(reward::RewardRouter{}, judge, overlong);
}

}  // namespace longrl::train
