#include "core/reward/JudgeResult.h"

namespace longrl::reward {

const char* verdictName(JudgeVerdict v) {
  switch (v) {
    case JudgeVerdict::Yes:
      return "yes";
    case JudgeVerdict::No:
      return "no";
    case JudgeVerdict::Error:
      return "error";
  }
  return "error";
}

JudgeVerdict parseJudgeVerdict(const std::string& content, std::string* error) {
  const bool yes = content.find("[[YES]]") != std::string::npos;
  const bool no = content.find("[[NO]]") != std::string::npos;
  if (yes && !no) return JudgeVerdict::Yes;
  if (no && !yes) return JudgeVerdict::No;
  if (error)
    *error = yes ? "judge reply contains both [[YES]] and [[NO]]" : "judge reply contains neither [[YES]] nor [[NO]]";
  return JudgeVerdict::Error;
}

nlohmann::json JudgeResult::toJson() const {
  nlohmann::json j = {{"verdict", verdictName(verdict)}, {"raw", raw_reply},          {"model", model},
                      {"http_status", http_status},      {"attempts", attempts},      {"latency_ms", latency_ms},
                      {"system_prompt", system_prompt},  {"user_prompt", user_prompt}};
  if (!error.empty()) j["error"] = error;
  return j;
}

}  // namespace longrl::reward
