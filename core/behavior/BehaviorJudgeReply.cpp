#include "core/behavior/BehaviorJudgeReply.h"

#include <array>

#include <nlohmann/json.hpp>

namespace longrl::behavior {

namespace {

std::string clip(const std::string& s, size_t n = 80) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

// The reply without surrounding white space and without a markdown code fence (```json ... ```)
// around it: chat models add fences even when told not to, and the JSON inside is still exactly
// what was asked for. Nothing else is stripped: prose before or after the object is an error.
std::string unfenced(const std::string& reply) {
  const auto first = reply.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  std::string s = reply.substr(first, reply.find_last_not_of(" \t\r\n") - first + 1);
  if (s.size() >= 6 && s.compare(0, 3, "```") == 0 && s.compare(s.size() - 3, 3, "```") == 0) {
    const auto eol = s.find('\n');
    if (eol == std::string::npos || eol >= s.size() - 3) return s;
    s = s.substr(eol + 1, s.size() - 3 - eol - 1);
  }
  return s;
}

}  // namespace

bool readBehaviorJudgeReply(const std::string& reply, BehaviorRecord& record) {
  const std::string text = unfenced(reply);
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    record.error = "judge reply is not JSON: '" + clip(text) + "'";
    return false;
  }
  if (!j.is_object()) {
    record.error = "judge reply is not a JSON object: '" + clip(text) + "'";
    return false;
  }
  std::array<int, kBehaviorKinds.size()> counts{};
  for (BehaviorKind k : kBehaviorKinds) {
    const std::string key(behaviorName(k));
    const auto it = j.find(key);
    std::string problem;
    if (it == j.end()) problem = "is missing";
    else if (!it->is_number_integer()) problem = "is not an integer (" + clip(it->dump()) + ")";
    else if (it->get<long long>() < 0) problem = "is negative (" + it->dump() + ")";
    else if (it->get<long long>() > 1000000) problem = "is implausibly large (" + it->dump() + ")";
    if (!problem.empty()) {
      record.error = "judge reply: '" + key + "' " + problem;
      return false;
    }
    counts[static_cast<size_t>(k)] = it->get<int>();
  }
  for (BehaviorKind k : kBehaviorKinds) record.count(k) = counts[static_cast<size_t>(k)];
  return true;
}

}  // namespace longrl::behavior
