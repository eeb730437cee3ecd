#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace longrl::reward {

enum class JudgeVerdict { Yes, No, Error };

// "yes", "no", "error". (Not named toString: QTest finds that by ADL and delete[]s the result.)
const char* verdictName(JudgeVerdict v);

// One judge call, kept whole so the GUI can show exactly what was sent and received.
struct JudgeResult {
  JudgeVerdict verdict = JudgeVerdict::Error;
  std::string raw_reply;      // message content; the raw body when it could not be parsed
  std::string error;          // why the verdict is Error (empty otherwise)
  std::string system_prompt;  // exactly as sent
  std::string user_prompt;    // exactly as sent
  std::string model;
  int http_status = 0;  // of the last attempt; 0 when no response came
  int attempts = 0;
  double latency_ms = 0.0;  // wall time over all attempts and back-off

  bool ok() const { return verdict != JudgeVerdict::Error; }
  nlohmann::json toJson() const;
};

// The strict verdict rule: Yes when `[[YES]]` is present and `[[NO]]`
// absent, No in the mirror case; anything else (both, neither) is an Error, never a No.
// The reference's `"YES" in reply` test would count "...not [[YES]]... [[NO]]" as a YES.
JudgeVerdict parseJudgeVerdict(const std::string& content, std::string* error = nullptr);

}  // namespace longrl::reward
