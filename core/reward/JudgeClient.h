#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/reward/CountingSemaphore.h"
#include "core/reward/JudgeOptions.h"
#include "core/reward/JudgePrompt.h"
#include "core/reward/JudgeResult.h"

namespace longrl::reward {

// Asks an LLM whether two answers are equivalent, over HTTP (POST /v1/chat/completions).
// judge() is thread-safe: each call uses its own connection, and one counting semaphore caps the
// requests in flight across every thread using this client. A failure never throws: it is
// returned as verdict Error with the reason, after retries for transient failures (timeouts,
// connection errors, 5xx, 429) with exponential back-off. Other 4xx are not retried.
class JudgeClient {
 public:
  // Throws RewardError when base_url cannot be parsed or model is empty.
  explicit JudgeClient(JudgeOptions options);

  JudgeResult judge(const JudgePrompt& prompt) const;
  // Any system/user exchange with the same retries, time-outs and cap on requests in flight (the
  // behaviour judge asks for counts, not a verdict): raw_reply is the message content (the raw body
  // when it has none), error says why no content came; verdict stays Error and is not meaningful.
  JudgeResult complete(const std::string& system, const std::string& user) const;
  JudgeResult judge(const std::string& problem, const std::string& modelAnswer, const std::string& groundTruth) const;
  // Runs the prompts on up to max_concurrent threads; results are in the prompts' order.
  std::vector<JudgeResult> judgeMany(const std::vector<JudgePrompt>& prompts) const;

  const JudgeOptions& options() const { return options_; }
  // "http://host:port" and "/v1/chat/completions", as parsed from base_url.
  const std::string& origin() const { return origin_; }
  const std::string& endpointPath() const { return path_; }
  // The JSON body sent for a prompt.
  nlohmann::json requestBody(const JudgePrompt& prompt) const;
  nlohmann::json requestBody(const nlohmann::json& messages) const;

 private:
  struct Attempt;
  Attempt attemptOnce(const std::string& body) const;

  JudgeOptions options_;
  std::string origin_;
  std::string path_;
  mutable std::unique_ptr<CountingSemaphore> inFlight_;
};

}  // namespace longrl::reward
